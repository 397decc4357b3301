// Vigil's engine as a library (bundled to dist/engine.js). Everything the CLI, the language server
// and the scan server use comes through here.
export * from './types';
export type { OsvRecord, OsvAffected, OsvRange, OsvEvent } from './osv';
export { compareVersions } from './versions';
export { ECOSYSTEMS, baseEcosystem, normalizePackageName } from './ecosystems';
export { ANALYZERS, analyzerFor } from './analyzers';
export { walk, type WalkOptions, type WalkEntry } from './walker';
export {
  analyzePath, claimsFile, detectVulnerabilities, ecosystemsOf, findingFilter, scanFile, scanPath,
  type ScanOptions,
} from './scan';
export { detectPackages, preferredId, type FindingFilter } from './detect';
export { matchAdvisory } from './match/affected';
export * from './db';
export { loadIgnorePolicy, formatIgnoreEntry, type IgnorePolicy } from './ignore';
export { VERSION } from './version';
