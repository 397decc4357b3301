// CRAN package versions: integers separated by `.` or `-`, compared numerically one by one;
// with equal leading parts the version with more parts is newer (0.1.0 < 0.1.0.0).
import { compareDigits, compareStrings, type Ordering } from './util';

export function compareCran(a: string, b: string): Ordering {
  return compareNumberLists(a.trim().split(/[.-]/), b.trim().split(/[.-]/), a, b);
}

/** Shared with Hackage: lists of integers, longer wins on a tie; non-numbers fall back to text. */
export function compareNumberLists(left: string[], right: string[], a: string, b: string): Ordering {
  const valid = (parts: string[]) => parts.every((p) => /^\d+$/.test(p));
  const leftValid = valid(left);
  const rightValid = valid(right);
  if (!leftValid || !rightValid) {
    if (leftValid !== rightValid) return leftValid ? 1 : -1;
    return compareStrings(a, b);
  }
  const shared = Math.min(left.length, right.length);
  for (let i = 0; i < shared; i++) {
    const order = compareDigits(left[i], right[i]);
    if (order !== 0) return order;
  }
  return left.length === right.length ? 0 : left.length < right.length ? -1 : 1;
}
