// PEP 440 ordering (https://peps.python.org/pep-0440/#summary-of-permitted-suffixes-and-relative-ordering).
// The grammar is @renovatebot/pep440's; the comparison is done here on digit strings because that
// package turns numbers into floats and so calls 999999999999999999999999999991 equal to ...999.
// Strings PEP 440 rejects are ordered the way setuptools' LegacyVersion did: below every valid version.
import { VERSION_PATTERN } from '@renovatebot/pep440/lib/version';
import { compareDigits, compareStrings, isDigits, type Ordering } from './util';

const PEP440 = new RegExp(`^\\s*${VERSION_PATTERN}\\s*$`, 'i');

const PRE_RELEASE_RANK: Record<string, number> = {
  a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2,
};

interface Pep440Version {
  legacy: false;
  epoch: string;
  release: string[];
  /** [rank of a/b/rc, number], or undefined. */
  pre?: [number, string];
  post?: string;
  dev?: string;
  local?: string[];
}

interface LegacyVersion {
  legacy: true;
  parts: string[];
}

type PypiVersion = Pep440Version | LegacyVersion;

export function isValidPypi(version: string): boolean {
  return PEP440.test(version);
}

export function parsePypi(version: string): PypiVersion {
  const groups = PEP440.exec(version)?.groups;
  if (!groups) return { legacy: true, parts: legacyParts(version.toLowerCase()) };
  const release = groups.release.split('.');
  while (release.length > 1 && /^0+$/.test(release[release.length - 1])) release.pop();
  const postNumber = groups.post_n1 ?? groups.post_n2;
  return {
    legacy: false,
    epoch: groups.epoch ?? '0',
    release,
    pre: groups.pre_l ? [PRE_RELEASE_RANK[groups.pre_l.toLowerCase()], groups.pre_n ?? '0'] : undefined,
    post: groups.post_l || groups.post_n1 ? postNumber ?? '0' : undefined,
    dev: groups.dev_l ? groups.dev_n ?? '0' : undefined,
    local: groups.local ? groups.local.toLowerCase().split(/[-_.]/) : undefined,
  };
}

export function comparePypi(a: string, b: string): Ordering {
  return compareParsedPypi(parsePypi(a), parsePypi(b));
}

function compareParsedPypi(a: PypiVersion, b: PypiVersion): Ordering {
  if (a.legacy || b.legacy) {
    if (!a.legacy) return 1;
    if (!b.legacy) return -1;
    return compareTuples(a.parts, b.parts);
  }
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    comparePre(a, b) ||
    compareOptional(a.post, b.post, -1) ||
    compareOptional(a.dev, b.dev, 1) ||
    compareLocal(a.local, b.local)
  );
}

function compareRelease(a: string[], b: string[]): Ordering {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * A dev release without pre or post (1.0.dev0) sorts before every prerelease of its release;
 * a version without prerelease sorts after them.
 */
function preKey(v: Pep440Version): [number, string] {
  if (!v.pre && v.post === undefined && v.dev !== undefined) return [-1, '0'];
  return v.pre ?? [3, '0'];
}

function comparePre(a: Pep440Version, b: Pep440Version): Ordering {
  const [rankA, numberA] = preKey(a);
  const [rankB, numberB] = preKey(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  return compareDigits(numberA, numberB);
}

/** Compares optional numbers; `absent` says where a missing one sorts (-1 below all, 1 above all). */
function compareOptional(a: string | undefined, b: string | undefined, absent: -1 | 1): Ordering {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    return a === undefined ? absent : (-absent as Ordering);
  }
  return compareDigits(a, b);
}

/** Local labels: absent lowest; numeric segments above alphanumeric ones; longer wins on a tie. */
function compareLocal(a: string[] | undefined, b: string[] | undefined): Ordering {
  if (!a || !b) return a === b ? 0 : a ? 1 : -1;
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const aNumeric = isDigits(a[i]);
    const bNumeric = isDigits(b[i]);
    let order: Ordering;
    if (aNumeric && bNumeric) order = compareDigits(a[i], b[i]);
    else if (aNumeric !== bNumeric) order = aNumeric ? 1 : -1;
    else order = compareStrings(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

// setuptools' LegacyVersion key: numbers zero-padded, words prefixed with `*`, `pre`/`rc` -> `c`,
// `dev` -> `@` (below everything), `-` -> `final-`, trailing zeros and `final-` markers dropped.
const LEGACY_REPLACEMENTS: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

function legacyParts(version: string): string[] {
  const parts: string[] = [];
  // Like Python's re.split with a capturing group: the text between matches is kept too.
  const pieces = version.split(/(\d+|[a-z]+|\.|-)/);
  pieces.push('final');
  for (const raw of pieces) {
    const piece = LEGACY_REPLACEMENTS[raw] ?? raw;
    if (piece === '' || piece === '.') continue;
    const part = /^[0-9]/.test(piece) ? piece.padStart(8, '0') : `*${piece}`;
    if (part.startsWith('*')) {
      if (part < '*final') while (parts[parts.length - 1] === '*final-') parts.pop();
      while (parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

function compareTuples(a: string[], b: string[]): Ordering {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const order = compareStrings(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
