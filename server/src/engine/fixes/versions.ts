// Picking the version a dependency should move to so that all of its findings are fixed.
import type { Ecosystem } from '../types';
import { compareVersions, isValidVersion } from '../versions';

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
      .filter(v => isValidVersion(ecosystem, v) && compareVersions(ecosystem, v, installed) > 0)
      .sort((a, b) => compareVersions(ecosystem, a, b));
    if (candidates.length === 0) {
      unfixable.push(finding.id);
      continue;
    }
    fixes.push(finding.id);
    if (target === undefined || compareVersions(ecosystem, candidates[0], target) > 0) target = candidates[0];
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
