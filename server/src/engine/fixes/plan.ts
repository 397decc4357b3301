// The remediation plan of one analyzed file, worked out once by the engine after detection: for
// each vulnerable package, the version that fixes all of its findings, the direct dependencies
// that pull it in and the shortest path from one of them. The editor and the reports read it.
import { DependencyGraph } from '../depgraph';
import type { DetectedVulnerability, FileResult, Package, PackageCopy } from '../types';
import { lowestFixingVersion } from './versions';

/** What a version bump of one package needs: the target version and which findings it fixes. */
export interface BumpPlan {
  version: string;
  fixes: string[];
  unfixable: string[];
}

export interface PackagePlan {
  /** The lowest version that fixes every finding of the package that has a fix. */
  bump?: BumpPlan;
  /** Names of the direct dependencies whose tree holds the package (empty when it is direct). */
  directDependencies: string[];
  /** Package ids from a direct dependency down to this package; just the package when it is direct. */
  pathFromDirect: string[];
  /** Per copy of the package (by its key), the path that pulls in that copy, where the format records one. */
  copyPaths?: Record<string, string[]>;
}

/** Plans every vulnerable package of a result, keyed by package id. */
export function planResult(result: FileResult): Record<string, PackagePlan> {
  const byPackage = new Map<string, DetectedVulnerability[]>();
  for (const vuln of result.vulnerabilities) {
    const list = byPackage.get(vuln.pkgId);
    if (list) list.push(vuln);
    else byPackage.set(vuln.pkgId, [vuln]);
  }
  const plans: Record<string, PackagePlan> = {};
  if (byPackage.size === 0) return plans;
  const graph = new DependencyGraph(result.packages);
  const copies = copyIndex(result.packages);
  for (const [pkgId, vulns] of byPackage) {
    const pkg = graph.get(pkgId);
    const bump = pkg && lowestFixingVersion(pkg.ecosystem, pkg.version, vulns.map(v => ({ id: v.vulnerabilityId, fixedVersions: v.fixedVersions })));
    const copyPaths = pkg?.copies && pkg.copies.some(c => c.requiredBy)
      ? Object.fromEntries(pkg.copies.map(c => [c.key, pathToCopy(c.key, copies)]))
      : undefined;
    plans[pkgId] = {
      ...(bump ? { bump } : {}),
      directDependencies: pkg?.direct ? [] : graph.directAncestors(pkgId).map(p => p.name),
      pathFromDirect: graph.shortestPathFromDirect(pkgId),
      ...(copyPaths ? { copyPaths } : {}),
    };
  }
  return plans;
}

interface IndexedCopy {
  copy: PackageCopy;
  pkgId: string;
}

function copyIndex(packages: readonly Package[]): Map<string, IndexedCopy> {
  const index = new Map<string, IndexedCopy>();
  for (const pkg of packages) for (const copy of pkg.copies ?? []) index.set(copy.key, { copy, pkgId: pkg.id });
  return index;
}

/** Package ids from the nearest direct copy down to this one, by breadth-first search up its requirers. */
function pathToCopy(key: string, copies: ReadonlyMap<string, IndexedCopy>): string[] {
  const cameFrom = new Map<string, string | undefined>([[key, undefined]]);
  const queue = [key];
  for (let i = 0; i < queue.length; i++) {
    const current = copies.get(queue[i]);
    if (!current) continue;
    if (current.copy.direct) {
      const path: string[] = [];
      for (let step: string | undefined = queue[i]; step !== undefined; step = cameFrom.get(step)) path.push(copies.get(step)!.pkgId);
      return path;
    }
    for (const parent of current.copy.requiredBy ?? []) {
      if (cameFrom.has(parent)) continue;
      cameFrom.set(parent, queue[i]);
      queue.push(parent);
    }
  }
  return [copies.get(key)?.pkgId ?? key];
}
