// Maven version order, as the POM reference specifies it
// (https://maven.apache.org/pom.html#version-order-specification) and as OSV evaluates Maven ranges.
// Tokens are split at `.`, `-` and digit/letter switches (a switch counts as `-`), trailing null
// tokens are trimmed before each hyphen, and the shorter version is padded with nulls.
// Order: `.qualifier` < `-qualifier` < `-number` < `.number`; qualifiers alpha < beta < milestone
// < rc = cr < snapshot < "" = ga = final = release < sp < unknown ones alphabetically.
// (Maven's own ComparableVersion differs on corner cases such as `1-ga-1`; OSV data follows the spec.)
import { compareDigits, compareStrings, isDigits, type Ordering } from './util';

interface Token {
  prefix: '' | '.' | '-';
  value: string;
  numeric: boolean;
  /** Padding added to the shorter version, not a real token. */
  padding?: boolean;
}

const QUALIFIER_ORDER = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { cr: 'rc', ga: '', final: '', release: '' };
const SHORTHANDS: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };

function token(prefix: Token['prefix'], text: string, followedByDigit: boolean): Token {
  let value = text === '' ? '0' : text.toLowerCase();
  value = ALIASES[value] ?? value;
  if (followedByDigit) value = SHORTHANDS[value] ?? value;
  if (isDigits(value)) return { prefix, value: value.replace(/^0+(?=.)/, ''), numeric: true };
  return { prefix, value, numeric: false };
}

export function parseMaven(version: string): Token[] {
  const tokens: Token[] = [];
  let prefix: Token['prefix'] = '';
  for (const piece of version.trim().split(/([.-])/)) {
    if (piece === '.' || piece === '-') {
      prefix = piece;
      continue;
    }
    // Split at digit/letter switches; each later part is hyphen-prefixed.
    const parts = piece.match(/\d+|\D+/g) ?? [''];
    parts.forEach((part, i) => {
      tokens.push(token(i === 0 ? prefix : '-', part, i < parts.length - 1));
    });
  }
  trimNulls(tokens);
  return tokens;
}

function isNullToken(t: Token): boolean {
  return t.value === '0' || t.value === '';
}

/** Removes trailing nulls, then again before each hyphen, from the end towards the start. */
function trimNulls(tokens: Token[]): void {
  let i = tokens.length - 1;
  while (i > 0) {
    if (isNullToken(tokens[i])) {
      tokens.splice(i, 1);
      i--;
      continue;
    }
    while (i >= 0 && tokens[i].prefix !== '-') i--;
    i--;
  }
}

/** The null a missing token stands for, shaped after the other version's token at that place. */
function paddingFor(other: Token): Token {
  if (other.prefix === '-') return { prefix: '-', value: '', numeric: false, padding: true };
  // Only `sp` sorts above the release; against it the padding must act as the release itself.
  return { prefix: '.', value: other.value === 'sp' ? '' : '0', numeric: other.value !== 'sp', padding: true };
}

function prefixRank(t: Token): number {
  if (t.numeric) return t.prefix === '-' ? 2 : 3;
  return t.prefix === '-' ? 1 : 0;
}

function qualifierRank(value: string): number {
  const index = QUALIFIER_ORDER.indexOf(value);
  return index === -1 ? QUALIFIER_ORDER.length : index;
}

function compareTokens(a: Token, b: Token): Ordering {
  if (a.prefix !== b.prefix) {
    const x = prefixRank(a);
    const y = prefixRank(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (a.numeric && b.numeric) return compareDigits(a.value, b.value);
  // A real number is above any qualifier; a padded 0 is weighed as a qualifier.
  if (a.numeric && !a.padding) return 1;
  if (b.numeric && !b.padding) return -1;
  const x = qualifierRank(a.value);
  const y = qualifierRank(b.value);
  if (x === QUALIFIER_ORDER.length && y === QUALIFIER_ORDER.length) return compareStrings(a.value, b.value);
  return x === y ? 0 : x < y ? -1 : 1;
}

export function compareMaven(a: string, b: string): Ordering {
  const left = parseMaven(a);
  const right = parseMaven(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i] ?? paddingFor(right[i]);
    const y = right[i] ?? paddingFor(left[i]);
    if (x.prefix === y.prefix && x.value === y.value) continue;
    const order = compareTokens(x, y);
    if (order !== 0) return order;
  }
  return 0;
}
