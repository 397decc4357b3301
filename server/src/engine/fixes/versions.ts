// Picking the version a dependency should move to so that all of its findings are fixed.
import * as semver from 'semver';
import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440';
import type { Ecosystem } from '../types';

/** Orders two versions of one ecosystem; undefined when either is not a version we can compare. */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number | undefined {
  if (ecosystem === 'npm') {
    const va = semver.valid(a, { loose: true });
    const vb = semver.valid(b, { loose: true });
    return va && vb ? semver.compare(va, vb, { loose: true }) : undefined;
  }
  if (ecosystem === 'PyPI') {
    return validPep440(a) && validPep440(b) ? comparePep440(a, b) : undefined;
  }
  return undefined;
}

/**
 * The lowest version above `installed` that fixes every finding that has a fix.
 * Each finding's `fixedVersions` lists the fixes that apply to the installed version, lowest
 * first; the first one above `installed` is that finding's minimum, and the answer is the
 * highest of those minimums. Findings without a fix are reported in `unfixable`.
 */
export function lowestFixingVersion(
  ecosystem: Ecosystem,
  installed: string,
  findings: readonly { id: string; fixedVersions: readonly string[] }[],
): { version: string; fixes: string[]; unfixable: string[] } | undefined {
  let target: string | undefined;
  const fixes: string[] = [];
  const unfixable: string[] = [];
  for (const finding of findings) {
    const candidates = finding.fixedVersions
      .filter(v => (compareVersions(ecosystem, v, installed) ?? -1) > 0)
      .sort((a, b) => compareVersions(ecosystem, a, b) ?? 0);
    if (candidates.length === 0) {
      unfixable.push(finding.id);
      continue;
    }
    fixes.push(finding.id);
    if (target === undefined || (compareVersions(ecosystem, candidates[0], target) ?? 0) > 0) target = candidates[0];
  }
  return target === undefined ? undefined : { version: target, fixes, unfixable };
}

/**
 * Rewrites an npm version spec to require `version`, keeping its range operator:
 * `^1.2.3` -> `^1.4.0`, `~1.2.3` -> `~1.4.0`, `1.2.3` -> `1.4.0`, `>=1.2.3` -> `>=1.4.0`,
 * `npm:pkg@^1.2.3` -> `npm:pkg@^1.4.0`. Returns undefined for specs that are not one simple
 * comparator (`1.x || 2.x`, tags, git URLs, file paths), which a bump should not guess at.
 */
export function bumpNpmSpec(spec: string, version: string): string | undefined {
  const alias = /^(npm:(?:@[^/@\s]+\/)?[^@\s]+@)(.*)$/.exec(spec);
  const prefix = alias ? alias[1] : '';
  const range = (alias ? alias[2] : spec).trim();
  const simple = /^(\^|~|>=|=|v)?\s*\d+(\.\d+){0,2}([-+][0-9A-Za-z.+-]*)?$/.exec(range);
  if (!simple) return undefined;
  const operator = simple[1] === 'v' ? '' : simple[1] ?? '';
  return `${prefix}${operator}${version}`;
}
