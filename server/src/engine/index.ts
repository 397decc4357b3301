// Vigil's engine as a library (bundled to dist/engine.js). Everything the CLI, the language server
// and the scan server use comes through here.
export * from './types';
export type { OsvRecord, OsvAffected, OsvRange, OsvEvent } from './osv';
export { compareVersions } from './versions';
export { ECOSYSTEMS, INVENTORY_ONLY_ECOSYSTEMS, baseEcosystem, hasAdvisorySource, normalizePackageName } from './ecosystems';
export { ANALYZERS, PLANNED_FORMATS, analyzersFor, analyzerOfType, availableScanners, supportedEcosystems } from './analyzers';
export { walk, openDiskTarget, type WalkOptions, type WalkEntry, type DiskTarget } from './walker';
export { DiskSource, MemorySource, OverlaySource, type FileSource, type SourceEntry } from './source';
export {
  analyzeFile, analyzePath, claimsFile, completeScan, ecosystemsOf, emptyResult, findingFilter, scanFile, scanPath,
  type FileScan, type ScanOptions, type ScanTarget,
} from './scan';
export { detectPackages, filterResult, preferredId, type FindingFilter } from './detect';
export { planResult, type BumpPlan, type PackagePlan } from './fixes/plan';
export { matchAdvisory } from './match/affected';
export * from './db';
export { loadIgnorePolicy, formatIgnoreEntry, type IgnorePolicy } from './ignore';
export { VERSION } from './version';
export { formatCycloneDx, cycloneDxBom, type SbomOptions } from './sbom/cyclonedx';
export { formatSpdxJson, spdxDocument } from './sbom/spdx';
export { readSbom, readSbomFile, type SbomScan } from './sbom/read';
export { createVexPolicy, loadVexPolicy, loadVexDocument, parseVexDocument, type VexPolicy, type VexDocument } from './vex';
