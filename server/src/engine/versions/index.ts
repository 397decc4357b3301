// Version ordering per OSV ecosystem. One comparator per ordering family; each is total and never
// throws: strings that are no version in their ecosystem still get a deterministic place.
import semver from 'semver';
import { compareApk } from './apk';
import { compareCran } from './cran';
import { compareDebian } from './dpkg';
import { compareGo } from './go';
import { compareHackage } from './hackage';
import { compareMaven } from './maven';
import { compareNuget } from './nuget';
import { comparePackagist } from './packagist';
import { comparePypi, isValidPypi } from './pypi';
import { compareRpm } from './rpm';
import { compareRubyGems } from './rubygems';
import { comparePub, compareSemver } from './semver';
import { compareStrings, type Ordering } from './util';

export type { Ordering } from './util';

type Comparator = (a: string, b: string) => Ordering;

const COMPARATORS: Record<string, Comparator> = {
  npm: compareSemver,
  'crates.io': compareSemver,
  Hex: compareSemver,
  SwiftURL: compareSemver,
  Julia: compareSemver,
  Pub: comparePub,
  Go: compareGo,
  PyPI: comparePypi,
  Maven: compareMaven,
  RubyGems: compareRubyGems,
  NuGet: compareNuget,
  Packagist: comparePackagist,
  // Conan versions are dotted numbers with letters at times (openssl 1.1.1k): Maven's ordering of
  // numbers and qualifiers fits them.
  ConanCenter: compareMaven,
  Debian: compareDebian,
  Ubuntu: compareDebian,
  Alpine: compareApk,
  'Red Hat': compareRpm,
  CRAN: compareCran,
  Hackage: compareHackage,
};

/** `Alpine:v3.10` -> `Alpine`. */
function baseName(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon === -1 ? ecosystem : ecosystem.slice(0, colon);
}

/** The comparator for an OSV ecosystem name (suffixed forms accepted), or undefined if unknown. */
export function comparatorFor(ecosystem: string): Comparator | undefined {
  return COMPARATORS[baseName(ecosystem)];
}

/**
 * Orders two versions of one ecosystem. Unknown ecosystems order by plain text. A comparator that
 * fails on odd input falls back to plain text too, so the result stays deterministic.
 */
export function compareVersions(ecosystem: string, a: string, b: string): Ordering {
  const compare = comparatorFor(ecosystem);
  if (!compare) return compareStrings(a, b);
  try {
    return compare(a, b);
  } catch {
    return compareStrings(a, b);
  }
}

/**
 * Whether `version` is a well-formed version in the ecosystem. Loose where the ecosystem's own
 * tools are loose; for ecosystems whose tools accept anything (Debian, RPM, Maven...) it only
 * rejects the empty string. Lets the matcher tell "unaffected" from "could not judge".
 */
export function isValidVersion(ecosystem: string, version: string): boolean {
  const text = version.trim();
  if (text === '') return false;
  switch (baseName(ecosystem)) {
    case 'npm':
      return semver.valid(text, { loose: true }) !== null;
    case 'crates.io':
    case 'Hex':
    case 'SwiftURL':
    case 'Julia':
    case 'Pub':
    case 'Go':
      return /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(text);
    case 'PyPI':
      return isValidPypi(text);
    case 'NuGet':
      return /^v?\d+(\.\d+){0,3}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(text);
    case 'RubyGems':
      return /^[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/.test(text);
    case 'CRAN':
      return /^\d+([.-]\d+)*$/.test(text);
    case 'Hackage':
      return /^\d+(\.\d+)*$/.test(text);
    default:
      return /\d/.test(text);
  }
}
