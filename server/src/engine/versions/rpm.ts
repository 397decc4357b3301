// RPM ordering (Red Hat): [epoch:]version[-release], each part compared with rpmvercmp
// (https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning):
// separators are skipped, `~` sorts before anything (even the end), `^` after the end but before
// anything else, digit runs compare numerically and beat letter runs, letter runs compare as text.
import { compareStrings, type Ordering } from './util';

interface RpmVersion {
  epoch: string;
  version: string;
  release: string;
}

function parseRpm(text: string): RpmVersion {
  const colon = text.indexOf(':');
  let epoch = '';
  let rest = text;
  // A colon only marks an epoch when what precedes it is a number (`1.m+e2:1` has none).
  if (colon !== -1 && /^\d*$/.test(text.slice(0, colon))) {
    epoch = text.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const dash = rest.indexOf('-');
  return {
    epoch: epoch === '' ? '0' : epoch,
    version: dash === -1 ? rest : rest.slice(0, dash),
    // Kept with its dash so that `1-` (empty release) sorts above `1` (no release).
    release: dash === -1 ? '' : rest.slice(dash),
  };
}

const isDigit = (c: string) => c >= '0' && c <= '9';
const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isSeparator = (c: string) => !isDigit(c) && !isLetter(c) && c !== '~' && c !== '^';

export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  if (a === '' || b === '') return a === '' ? -1 : 1;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && isSeparator(a[i])) i++;
    while (j < b.length && isSeparator(b[j])) j++;
    const aTilde = a[i] === '~';
    const bTilde = b[j] === '~';
    if (aTilde || bTilde) {
      if (aTilde && bTilde) {
        i++;
        j++;
        continue;
      }
      return aTilde ? -1 : 1;
    }
    const aCaret = a[i] === '^';
    const bCaret = b[j] === '^';
    if (aCaret || bCaret) {
      if (aCaret && bCaret) {
        i++;
        j++;
        continue;
      }
      // `^` is newer than the end of the other string, older than anything else.
      if (aCaret) return j >= b.length ? 1 : -1;
      return i >= a.length ? -1 : 1;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const inRun = numeric ? isDigit : isLetter;
    const startA = i;
    const startB = j;
    while (i < a.length && inRun(a[i])) i++;
    while (j < b.length && inRun(b[j])) j++;
    let runA = a.slice(startA, i);
    let runB = b.slice(startB, j);
    // Different kinds of run: digits are newer than letters.
    if (runB === '') return numeric ? 1 : -1;
    if (numeric) {
      runA = runA.replace(/^0+/, '');
      runB = runB.replace(/^0+/, '');
      if (runA.length !== runB.length) return runA.length < runB.length ? -1 : 1;
    }
    const order = compareStrings(runA, runB);
    if (order !== 0) return order;
  }
  const leftA = a.length - i;
  const leftB = b.length - j;
  return leftA === leftB ? 0 : leftA < leftB ? -1 : 1;
}

export function compareRpm(a: string, b: string): Ordering {
  const x = parseRpm(a.trim());
  const y = parseRpm(b.trim());
  return rpmvercmp(x.epoch, y.epoch) || rpmvercmp(x.version, y.version) || rpmvercmp(x.release, y.release);
}
