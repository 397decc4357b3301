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

/**
 * Rewrites the clauses of a version requirement (`>=1.0`, `<2`; `~> 1.2`) to require `version`,
 * keeping each clause's operator and spacing. A clause that sets a floor (an operator of `floors`,
 * `''` for a bare version) below `version` gets `version`; ceilings (`<`, `<=`, `!=`) stay and
 * must admit it. Undefined when a clause is anything else (`*`, wildcards, `>`), when no clause
 * sets a floor, when a ceiling excludes `version`, or when nothing changes.
 */
export function bumpClauses(ecosystem: Ecosystem, clauses: readonly string[], version: string, floors: readonly string[]): string[] | undefined {
  let floorSeen = false;
  let changed = false;
  const bumped: string[] = [];
  for (const clause of clauses) {
    const parsed = parseClause(clause);
    if (!parsed) return undefined;
    const order = compareLoosely(ecosystem, version, parsed.version);
    if (floors.includes(parsed.operator)) {
      floorSeen = true;
      if (order > 0) {
        bumped.push(`${parsed.before}${version}${parsed.after}`);
        changed = true;
        continue;
      }
    } else if (!(parsed.operator === '<' ? order < 0 : parsed.operator === '<=' ? order <= 0 : parsed.operator === '!=' && order !== 0)) {
      return undefined;
    }
    bumped.push(clause);
  }
  return floorSeen && changed ? bumped : undefined;
}

const OPERATOR_CHARS = '<>=!~^';

/** `  >= 1.2 ` as its operator, its version, and the text around the version. */
function parseClause(clause: string): { operator: string; version: string; before: string; after: string } | undefined {
  let at = 0;
  while (at < clause.length && clause[at] === ' ') at++;
  const operatorStart = at;
  while (at < clause.length && OPERATOR_CHARS.includes(clause[at])) at++;
  const operator = clause.slice(operatorStart, at);
  while (at < clause.length && clause[at] === ' ') at++;
  let end = clause.length;
  while (end > at && clause[end - 1] === ' ') end--;
  const version = clause.slice(at, end);
  const digit = version.charCodeAt(0);
  if (!(digit >= 0x30 && digit <= 0x39) || /[\s*,]/.test(version)) return undefined;
  return { operator, version, before: clause.slice(0, at), after: clause.slice(end) };
}

/** compareVersions, with partial semver versions (`1.4`) read as `1.4.0`. */
function compareLoosely(ecosystem: Ecosystem, a: string, b: string): number {
  const pad = (v: string) => (ecosystem === 'crates.io' || ecosystem === 'Go') && /^\d+(\.\d+)?$/.test(v) ? `${v}${'.0'.repeat(2 - (v.split('.').length - 1))}` : v;
  return compareVersions(ecosystem, pad(a), pad(b));
}

/**
 * A Cargo requirement (`1.2`, `^1.2`, `~1.2.3`, `=1.2.3`, `>=1.2, <2`) raised to `version`. A bare
 * version is Cargo's caret requirement and stays bare.
 */
export function bumpCargoSpec(spec: string, version: string): string | undefined {
  return bumpClauses('crates.io', spec.split(','), version, ['', '^', '~', '=', '>='])?.join(',');
}

/**
 * A PEP 440 specifier set (`>=1.0`, `==1.0`, `~=1.4`, `>=2,<3`), or a Poetry constraint (`^1.2`,
 * `~1.2`, a bare exact `1.2`), raised to `version`.
 */
export function bumpPythonSpec(spec: string, version: string): string | undefined {
  const bumped = bumpClauses('PyPI', spec.split(','), version, ['', '==', '===', '~=', '>=', '^', '~']);
  // `~=` needs two release numbers: `~=2` is no specifier, `~=2.0` is.
  return bumped?.map(clause => (/^\s*~=\s*\d+\s*$/.test(clause) ? `${clause.trimEnd()}.0` : clause)).join(',');
}

/** RubyGems requirements (`'~> 1.2'`, `'>= 1.2.1'`, a bare exact `'1.2'`) raised to `version`, one string each. */
export function bumpGemRequirements(requirements: readonly string[], version: string): string[] | undefined {
  return bumpClauses('RubyGems', requirements, version, ['', '=', '~>', '>=']);
}
