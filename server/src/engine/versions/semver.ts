// SemVer 2.0 ordering for npm, crates.io, Hex and Pub (Pub additionally orders build metadata).
// Hand-written rather than the `semver` package because advisories carry numbers beyond
// Number.MAX_SAFE_INTEGER and shapes it rejects (`1.1.3.4.5`, a bare `1`), which must still order.
import { compareDigits, compareStrings, isDigits, type Ordering } from './util';

interface ParsedSemver {
  valid: boolean;
  original: string;
  /** major, minor, patch as digit strings; missing ones are "0". */
  core: [string, string, string];
  prerelease: string[];
  build: string[];
}

const SEMVER_SHAPE = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/s;

export function parseSemver(version: string): ParsedSemver {
  // npm's loose forms: surrounding spaces, a leading `=` or `v`.
  const text = version.trim().replace(/^=\s*/, '').replace(/^[vV]/, '');
  const match = SEMVER_SHAPE.exec(text);
  if (!match) return { valid: false, original: version, core: ['0', '0', '0'], prerelease: [], build: [] };
  const rest = match[4];
  let prerelease: string[] = [];
  let build = '';
  if (rest.startsWith('-')) {
    const plus = rest.indexOf('+');
    prerelease = (plus === -1 ? rest.slice(1) : rest.slice(1, plus)).split('.');
    build = plus === -1 ? '' : rest.slice(plus + 1);
  } else if (rest !== '') {
    // Everything after the third number that is not a prerelease counts as build metadata,
    // `1.1.3.4.5` included.
    build = rest.startsWith('+') ? rest.slice(1) : rest;
  }
  return {
    valid: true,
    original: version,
    core: [match[1], match[2] ?? '0', match[3] ?? '0'],
    prerelease,
    build: build === '' ? [] : build.split('.'),
  };
}

/** Compares dot-separated identifiers the SemVer way: numbers numerically and below words. */
function compareIdentifiers(a: string[], b: string[]): Ordering {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const x = a[i];
    const y = b[i];
    const xNumeric = isDigits(x);
    const yNumeric = isDigits(y);
    let order: Ordering;
    if (xNumeric && yNumeric) order = compareDigits(x, y);
    else if (xNumeric) order = -1;
    else if (yNumeric) order = 1;
    else order = compareStrings(x, y);
    if (order !== 0) return order;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareParsedSemver(a: ParsedSemver, b: ParsedSemver, orderBuild: boolean): Ordering {
  // Strings that are no version at all sort below every version, and among themselves by text.
  if (!a.valid || !b.valid) {
    if (a.valid !== b.valid) return a.valid ? 1 : -1;
    return compareStrings(a.original, b.original);
  }
  for (let i = 0; i < 3; i++) {
    const order = compareDigits(a.core[i], b.core[i]);
    if (order !== 0) return order;
  }
  // A version without prerelease is above all its prereleases.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    if (a.prerelease.length !== b.prerelease.length) return a.prerelease.length === 0 ? 1 : -1;
  } else {
    const order = compareIdentifiers(a.prerelease, b.prerelease);
    if (order !== 0) return order;
  }
  if (!orderBuild) return 0;
  // Pub: a version with build metadata is above the same version without.
  if (a.build.length === 0 || b.build.length === 0) {
    return a.build.length === b.build.length ? 0 : a.build.length === 0 ? -1 : 1;
  }
  return compareIdentifiers(a.build, b.build);
}

export function compareSemver(a: string, b: string): Ordering {
  return compareParsedSemver(parseSemver(a), parseSemver(b), false);
}

export function comparePub(a: string, b: string): Ordering {
  return compareParsedSemver(parseSemver(a), parseSemver(b), true);
}
