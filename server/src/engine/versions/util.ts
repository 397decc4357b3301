// Small helpers shared by the version comparators.
import { compareStrings } from '../text';

export { compareStrings };

export type Ordering = -1 | 0 | 1;

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}


/**
 * Compares two strings of ASCII digits by numeric value, without converting them to numbers:
 * versions in the wild carry components far beyond Number.MAX_SAFE_INTEGER.
 */
export function compareDigits(a: string, b: string): Ordering {
  const x = stripLeadingZeros(a);
  const y = stripLeadingZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareStrings(x, y);
}

function stripLeadingZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return digits.slice(i);
}

export function isDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}
