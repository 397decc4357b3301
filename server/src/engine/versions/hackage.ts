// Hackage (Haskell PVP) versions: dot-separated integers, compared like lists (1.0 < 1.0.0).
import { compareNumberLists } from './cran';
import type { Ordering } from './util';

export function compareHackage(a: string, b: string): Ordering {
  return compareNumberLists(a.trim().split('.'), b.trim().split('.'), a, b);
}
