// The remediation plan of one analyzed file, worked out once by the engine after detection: for
// each vulnerable package, the version that fixes all of its findings, the direct dependencies
// that pull it in and the shortest path from one of them. The editor and the reports read it.
import { DependencyGraph } from '../depgraph';
import type { DetectedVulnerability, FileResult } from '../types';
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
  for (const [pkgId, vulns] of byPackage) {
    const pkg = graph.get(pkgId);
    const bump = pkg && lowestFixingVersion(pkg.ecosystem, pkg.version, vulns.map(v => ({ id: v.vulnerabilityId, fixedVersions: v.fixedVersions })));
    plans[pkgId] = {
      ...(bump ? { bump } : {}),
      directDependencies: pkg?.direct ? [] : graph.directAncestors(pkgId).map(p => p.name),
      pathFromDirect: graph.shortestPathFromDirect(pkgId),
    };
  }
  return plans;
}
