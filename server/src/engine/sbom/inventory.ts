// What an SBOM lists, worked out once from a scan for both writers (CycloneDX, SPDX): each
// dependency file, the project it declares (where known), its packages, and who depends on whom.
// The graph runs: scanned target -> each dependency file -> its project, if named -> the project's
// direct dependencies (and anything no other package is known to require) -> their dependencies.
import { createHash } from 'node:crypto';
import { compareStrings } from '../text';
import type { FileResult, Package, ProjectInfo, ScanResult } from '../types';

export interface SbomPackage {
  /** Unique within the SBOM: the purl, unless another file holds the same one. */
  ref: string;
  pkg: Package;
  /** Refs of the packages it depends on, in the same file. */
  dependsOn: string[];
}

export interface SbomProject {
  ref: string;
  project: ProjectInfo;
  dependsOn: string[];
}

export interface SbomFile {
  ref: string;
  result: FileResult;
  project?: SbomProject;
  packages: SbomPackage[];
  /** Refs the file itself points at: its project, or else the packages at the top of its graph. */
  dependsOn: string[];
}

export interface SbomInventory {
  /** The scanned path as the user gave it. */
  name: string;
  ref: string;
  files: SbomFile[];
  /** The SBOM package of each finding's package, by result and package id. */
  packageOf(result: FileResult, pkgId: string): SbomPackage | undefined;
}

/** A stable ref for something without a purl, from what names it. */
export function stableRef(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

/** Results that list packages: the dependency files (not misconfigurations or secrets). */
function packageResults(scan: ScanResult): FileResult[] {
  return scan.results
    .filter(r => r.packages.length > 0 && (r.class === 'lang-pkgs' || r.class === 'os-pkgs'))
    .sort((a, b) => compareStrings(a.target, b.target) || compareStrings(a.type, b.type));
}

export function buildInventory(scan: ScanResult, name: string): SbomInventory {
  const used = new Set<string>();
  const unique = (wanted: string, ...context: string[]) => {
    let ref = wanted;
    for (let n = 2; used.has(ref); n++) ref = `${wanted}#${stableRef(...context, String(n))}`;
    used.add(ref);
    return ref;
  };
  const rootRef = unique(`root-${stableRef('root', name)}`);
  const byResult = new Map<FileResult, Map<string, SbomPackage>>();
  const files: SbomFile[] = [];
  for (const result of packageResults(scan)) {
    const fileRef = unique(`file-${stableRef('file', result.target, result.type)}`);
    const packages = [...result.packages].sort((a, b) => compareStrings(a.purl, b.purl) || compareStrings(a.id, b.id));
    const byId = new Map<string, SbomPackage>();
    for (const pkg of packages) {
      if (byId.has(pkg.id)) continue;
      byId.set(pkg.id, { ref: unique(pkg.purl || `pkg-${stableRef(result.target, pkg.id)}`, result.target, pkg.id), pkg, dependsOn: [] });
    }
    const required = new Set<string>();
    for (const entry of byId.values()) {
      const children = (entry.pkg.dependsOn ?? []).map(id => byId.get(id)?.ref).filter((ref): ref is string => ref !== undefined);
      entry.dependsOn = [...new Set(children)].sort(compareStrings);
      for (const id of entry.pkg.dependsOn ?? []) required.add(id);
    }
    const top = [...byId.values()].filter(entry => entry.pkg.direct || !required.has(entry.pkg.id)).map(entry => entry.ref).sort(compareStrings);
    const project = result.project && { ref: unique(result.project.purl || `project-${stableRef(result.target)}`, result.target), project: result.project, dependsOn: top };
    files.push({ ref: fileRef, result, project, packages: [...byId.values()], dependsOn: project ? [project.ref] : top });
    byResult.set(result, byId);
  }
  return {
    name,
    ref: rootRef,
    files,
    packageOf: (result, pkgId) => byResult.get(result)?.get(pkgId),
  };
}

/** The ecosystem's group and name as CycloneDX splits them: Maven's group, npm's scope, a Go or Composer path. */
export function splitGroup(pkg: Pick<Package, 'ecosystem' | 'name'>): { group?: string; name: string } {
  const separator = pkg.ecosystem === 'Maven' ? ':' : pkg.ecosystem === 'npm' || pkg.ecosystem === 'Packagist' ? '/' : undefined;
  if (!separator) return { name: pkg.name };
  const at = pkg.name.lastIndexOf(separator);
  return at > 0 ? { group: pkg.name.slice(0, at), name: pkg.name.slice(at + 1) } : { name: pkg.name };
}
