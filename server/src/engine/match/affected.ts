// Decides whether one installed package version is affected by an OSV record, following the
// schema's evaluation rules (https://ossf.github.io/osv-schema/#evaluation): an `affected` entry
// applies when its package is ours; the version is affected when the entry lists it in
// `versions` or one of its SEMVER/ECOSYSTEM ranges includes it. A range is walked in version order:
// `introduced` opens an interval (`"0"` = from the start), `fixed` closes it at that version,
// `last_affected` just after it, and `limit` events cap the whole range.
// Records come from hostile feeds, and DBs built before the importer checked them may hold any
// JSON: every shape is checked here, and nothing of the wrong shape matches or throws. A range with
// a version that does not parse in its ecosystem matches nothing: its intervals cannot be placed,
// and "affected, with no fix" would be a guess.
import { baseEcosystem, normalizePackageName } from '../ecosystems';
import type { OsvAffected, OsvRange, OsvRecord } from '../osv';
import type { Ecosystem } from '../types';
import { comparatorFor, isValidVersion } from '../versions';
import { compareSemver, parseSemver } from '../versions/semver';
import { compareStrings, type Ordering } from '../versions/util';

export interface AdvisoryMatch {
  /** The `fixed` versions closing the intervals the installed version is in, lowest first. */
  fixedVersions: string[];
  /** Every `fixed` version of the package's ranges in the record, in record order (Trivy's FixedVersion). */
  advisoryFixedVersions: string[];
}

type Compare = (a: string, b: string) => Ordering;

interface SortedEvent {
  kind: 'introduced' | 'fixed' | 'last_affected';
  version: string;
}

/** A range made ready for repeated evaluation: events sorted once, limits split out. */
interface PreparedRange {
  compare: Compare;
  events: SortedEvent[];
  limits: string[];
}

const prepared = new WeakMap<OsvRange, PreparedRange | null>();
const listedVersions = new WeakMap<OsvAffected, Set<string>>();

/**
 * Whether `version` of package `name` in `ecosystem` is affected by `osv`, and by which fixes.
 * Returns null when it is not affected, when the record is withdrawn, or when nothing applies.
 * A version that does not parse in the ecosystem is only matched against explicit `versions` lists.
 */
export function matchAdvisory(
  osv: OsvRecord,
  ecosystem: Ecosystem,
  name: string,
  version: string,
): AdvisoryMatch | null {
  if (!isObject(osv) || osv.withdrawn || !Array.isArray(osv.affected)) return null;
  const wantedName = normalizePackageName(ecosystem, name);
  const rangesUsable = isValidVersion(ecosystem, version);
  let affected = false;
  const fixed: string[] = [];
  // The package's ranges: their fixed events are read only once the version is found affected.
  const ranges: OsvRange[] = [];
  for (const entry of osv.affected) {
    const pkg = packageOf(entry);
    if (!pkg || baseEcosystem(pkg.ecosystem) !== ecosystem) continue;
    if (normalizePackageName(ecosystem, pkg.name) !== wantedName) continue;
    if (isListed(entry, version)) affected = true;
    if (!rangesUsable || !Array.isArray(entry.ranges)) continue;
    for (const range of entry.ranges) {
      const ready = prepareRange(range, pkg.ecosystem);
      if (!ready) continue;
      ranges.push(range);
      const result = evaluateRange(ready, version);
      if (!result.affected) continue;
      affected = true;
      if (result.fixed !== undefined) fixed.push(result.fixed);
    }
  }
  if (!affected) return null;
  const compare = comparatorFor(ecosystem) ?? compareStrings;
  const unique = [...new Set(fixed)].sort(compare);
  const advisoryFixed = ranges.flatMap(range => (range.events as unknown[]).flatMap(event => (isObject(event) && typeof event.fixed === 'string' ? [event.fixed] : [])));
  return { fixedVersions: unique, advisoryFixedVersions: [...new Set(advisoryFixed)] };
}

/**
 * One package's affected entries with each `versions` list cut down to what its ranges do not
 * already cover. matchAdvisory gives the same answer for every installed version: a listed version
 * the ranges cover is affected through them anyway, and a version that does not parse keeps its
 * place. osv.dev enumerates most lists from the ranges, so this usually leaves them empty.
 */
export function versionsBeyondRanges(entries: OsvAffected[], ecosystem: Ecosystem): OsvAffected[] {
  const coveredByRanges = (version: string) => typeof version === 'string' && isValidVersion(ecosystem, version) && entries.some(entry => {
    const pkg = packageOf(entry);
    return pkg !== undefined && Array.isArray(entry.ranges) && entry.ranges.some(range => {
      const ready = prepareRange(range, pkg.ecosystem);
      return ready ? evaluateRange(ready, version).affected : false;
    });
  });
  return entries.map(entry => {
    if (!isObject(entry) || !Array.isArray(entry.versions) || !entry.versions.length) return entry;
    const { versions, ...rest } = entry;
    const beyond = versions.filter(version => !coveredByRanges(version));
    return beyond.length > 0 ? { ...rest, versions: beyond } : rest;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entry's package when the entry and its package have the schema's shape. */
function packageOf(entry: unknown): { ecosystem: string; name: string } | undefined {
  if (!isObject(entry) || !isObject(entry.package)) return undefined;
  const { ecosystem, name } = entry.package;
  return typeof ecosystem === 'string' && typeof name === 'string' ? { ecosystem, name } : undefined;
}

function isListed(entry: OsvAffected, version: string): boolean {
  if (!Array.isArray(entry.versions) || entry.versions.length === 0) return false;
  let set = listedVersions.get(entry);
  if (!set) {
    set = new Set(entry.versions);
    listedVersions.set(entry, set);
  }
  return set.has(version);
}

function prepareRange(range: OsvRange, osvEcosystem: string): PreparedRange | null {
  if (!isObject(range)) return null;
  const cached = prepared.get(range);
  if (cached !== undefined) return cached;
  const ready = buildRange(range, osvEcosystem);
  prepared.set(range, ready);
  return ready;
}

function buildRange(range: OsvRange, osvEcosystem: string): PreparedRange | null {
  let compare: Compare | undefined;
  if (range.type === 'SEMVER') compare = compareSemver;
  else if (range.type === 'ECOSYSTEM') compare = comparatorFor(osvEcosystem);
  if (!compare || !Array.isArray(range.events)) return null;
  // The semver comparator places shapes that strict SemVer refuses (`1`, `1.2.3.4`): it decides.
  const parses = compare === compareSemver
    ? (version: string) => parseSemver(version).valid
    : (version: string) => isValidVersion(osvEcosystem, version);
  const events: SortedEvent[] = [];
  const limits: string[] = [];
  for (const event of range.events) {
    if (!isObject(event)) return null;
    if (typeof event.introduced === 'string') events.push({ kind: 'introduced', version: event.introduced });
    else if (typeof event.fixed === 'string') events.push({ kind: 'fixed', version: event.fixed });
    else if (typeof event.last_affected === 'string') {
      events.push({ kind: 'last_affected', version: event.last_affected });
    } else if (typeof event.limit === 'string') limits.push(event.limit);
  }
  const placeable = events.every((e) => (e.kind === 'introduced' && e.version === '0') || parses(e.version))
    && limits.every((limit) => limit === '*' || parses(limit));
  if (!placeable) return null;
  const byVersion = compare;
  // `introduced: "0"` means "from the very start", whatever "0" means in the ecosystem.
  // Array.prototype.sort is stable, so events at equal versions keep the record's order.
  events.sort((a, b) => {
    const aStart = a.kind === 'introduced' && a.version === '0';
    const bStart = b.kind === 'introduced' && b.version === '0';
    if (aStart || bStart) return aStart === bStart ? 0 : aStart ? -1 : 1;
    return byVersion(a.version, b.version);
  });
  return { compare, events, limits };
}

function evaluateRange(range: PreparedRange, version: string): { affected: boolean; fixed?: string } {
  const { compare, events, limits } = range;
  // Limits: the version must sit below at least one of them (`*` is no limit at all).
  if (limits.length > 0 && !limits.some((limit) => limit === '*' || compare(version, limit) < 0)) {
    return { affected: false };
  }
  let affected = false;
  let next = events.length;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.kind === 'introduced') {
      if (event.version === '0' || compare(version, event.version) >= 0) affected = true;
      else {
        next = i;
        break;
      }
    } else if (event.kind === 'fixed') {
      if (compare(version, event.version) >= 0) affected = false;
      else {
        next = i;
        break;
      }
    } else if (compare(version, event.version) > 0) {
      affected = false;
    } else {
      next = i;
      break;
    }
  }
  if (!affected) return { affected: false };
  // The interval we are in ends at the next fixed or last_affected event, if any.
  for (let i = next; i < events.length; i++) {
    if (events[i].kind === 'fixed') return { affected: true, fixed: events[i].version };
    if (events[i].kind === 'last_affected') return { affected: true };
  }
  return { affected: true };
}
