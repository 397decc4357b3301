// Packagist (Composer) ordering: PHP's version_compare() on the version after Composer's
// normalisation drops a leading `v`. version_compare splits on `.-_+` and on every digit/letter
// switch, compares numbers numerically, and ranks words
// (unknown < dev < alpha = a < beta = b < RC = rc < # < pl = p) by their prefix.
import { compareDigits, isDigits, type Ordering } from './util';

function canonicalParts(version: string): string[] {
  const text = version
    .trim()
    .replace(/^[vV]/, '')
    .replace(/[-_+]/g, '.')
    .replace(/([^\d.])(\d)/g, '$1.$2')
    .replace(/(\d)([^\d.])/g, '$1.$2');
  return text.split('.').filter((part) => part !== '');
}

const SPECIAL_FORMS: [string, number][] = [
  ['dev', 0], ['alpha', 1], ['a', 1], ['beta', 2], ['b', 2], ['RC', 3], ['rc', 3], ['#', 4], ['pl', 5], ['p', 5],
];

function specialRank(part: string): number {
  for (const [form, rank] of SPECIAL_FORMS) if (part.startsWith(form)) return rank;
  return -6;
}

function compareSpecial(a: string, b: string): Ordering {
  const x = specialRank(a);
  const y = specialRank(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

function compareParts(a: string[], b: string[]): Ordering {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const aNumeric = isDigits(a[i]);
    const bNumeric = isDigits(b[i]);
    let order: Ordering;
    if (aNumeric && bNumeric) order = compareDigits(a[i], b[i]);
    else if (!aNumeric && !bNumeric) order = compareSpecial(a[i], b[i]);
    else order = aNumeric ? compareSpecial('#', b[i]) : compareSpecial(a[i], '#');
    if (order !== 0) return order;
  }
  // What is left of the longer one: a number makes it newer, a word is weighed against `#`.
  if (a.length > b.length) return isDigits(a[shared]) ? 1 : compareParts(a.slice(shared), ['#']);
  if (a.length < b.length) return isDigits(b[shared]) ? -1 : compareParts(['#'], b.slice(shared));
  return 0;
}

export function comparePackagist(a: string, b: string): Ordering {
  return compareParts(canonicalParts(a), canonicalParts(b));
}
