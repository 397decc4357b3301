// Alpine apk version ordering: number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}
// (https://github.com/alpinelinux/apk-tools/blob/master/doc/apk-package.5.scd).
// Past the spec, this follows what apk-tools 2.x does with malformed versions, as pinned by
// osv-scalibr's fixtures: letters may repeat with numbers (1.0a9b10), an empty number component
// (`1..2`, a trailing `.`) has its own place, and an unparsable remainder is not compared itself
// but decides between otherwise equal versions.
import { compareDigits, compareStrings, type Ordering } from './util';

/** Suffix order; "" is the place of a version without suffix. */
const SUFFIXES = ['alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];
const NO_SUFFIX = { weight: SUFFIXES.indexOf(''), number: '0' };

type Stage = 'number' | 'letter' | 'suffix' | 'hash' | 'build';

interface NumberComponent {
  /** Digits, or "" for an empty component (`1..2`). */
  digits: string;
  /** Empty and the last component (`1.`). */
  trailing: boolean;
}

interface ApkVersion {
  numbers: NumberComponent[];
  letters: { letter: string; number?: string }[];
  suffixes: { weight: number; number: string }[];
  build: string;
  /** Whatever could not be parsed, and the last part parsed before it. */
  remainder: string;
  lastStage: Stage;
}

const LETTERS = /^(?:[a-z]\d+)*[a-z]\d*/;
const SUFFIX = /_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)/g;

function parseApk(version: string): ApkVersion {
  // A leading 0 changes nothing (".1" = "0.1" = "00.1") and spares special cases for a missing first number.
  let rest = `0${version.trim()}`;
  const v: ApkVersion = { numbers: [], letters: [], suffixes: [], build: '0', remainder: '', lastStage: 'number' };

  const numbers = /^[\d.]*/.exec(rest)![0];
  const parts = numbers.split('.');
  parts.forEach((digits, i) => v.numbers.push({ digits, trailing: digits === '' && i === parts.length - 1 }));
  rest = rest.slice(numbers.length);

  const letters = LETTERS.exec(rest)?.[0];
  if (letters) {
    for (const [, letter, number] of letters.matchAll(/([a-z])(\d*)/g)) {
      v.letters.push({ letter, number: number === '' ? undefined : number });
    }
    v.lastStage = 'letter';
    rest = rest.slice(letters.length);
  }

  for (const [whole, name, number] of rest.matchAll(SUFFIX)) {
    v.suffixes.push({ weight: SUFFIXES.indexOf(name), number: number || '0' });
    v.lastStage = 'suffix';
    if (rest.startsWith(whole)) rest = rest.slice(whole.length);
  }

  const hash = /^~[0-9a-f]+/.exec(rest)?.[0];
  if (hash) {
    v.lastStage = 'hash';
    rest = rest.slice(hash.length);
  }

  const build = /^-r(\d*)/.exec(rest);
  if (build) {
    v.build = build[1] || '0';
    v.lastStage = 'build';
    rest = rest.slice(build[0].length);
  }
  v.remainder = rest;
  return v;
}

function compareNumberComponent(a: NumberComponent, b: NumberComponent, index: number): Ordering {
  if (index === 0) return compareDigits(a.digits, b.digits);
  if (a.digits === '' || b.digits === '') {
    if (a.digits === '' && b.digits === '') return a.trailing === b.trailing ? 0 : a.trailing ? -1 : 1;
    // An empty component sits just above 0 unless it ends the version.
    if (a.digits === '') return a.trailing ? -1 : /^0+$/.test(b.digits) ? 1 : -1;
    return b.trailing ? 1 : /^0+$/.test(a.digits) ? -1 : 1;
  }
  // apk compares components after the first with a leading zero as text (1.01 < 1.1).
  if (a.digits[0] === '0' || b.digits[0] === '0') return compareStrings(a.digits, b.digits);
  return compareDigits(a.digits, b.digits);
}

function compareNumbers(a: ApkVersion, b: ApkVersion): Ordering {
  const shared = Math.min(a.numbers.length, b.numbers.length);
  for (let i = 0; i < shared; i++) {
    const order = compareNumberComponent(a.numbers[i], b.numbers[i], i);
    if (order !== 0) return order;
  }
  if (a.numbers.length === b.numbers.length) return 0;
  // More components win, except that a trailing `.` ranks below ending there (0.8.21.r2 < 0.8.21r2).
  if (a.numbers.length > b.numbers.length) return a.numbers[shared].trailing ? -1 : 1;
  return b.numbers[shared].trailing ? 1 : -1;
}

/** Junk right after the numbers, against a version that ends cleanly there or after its letters. */
function numericJunk(a: ApkVersion, b: ApkVersion): Ordering | undefined {
  if (a.remainder === '' || a.lastStage !== 'number' || b.remainder !== '') return undefined;
  if (b.lastStage === 'letter') return -1;
  if (b.lastStage === 'number') return a.remainder === '_' ? 1 : -1;
  return undefined;
}

function compareLetters(a: ApkVersion, b: ApkVersion): Ordering {
  const shared = Math.min(a.letters.length, b.letters.length);
  for (let i = 0; i < shared; i++) {
    const x = a.letters[i];
    const y = b.letters[i];
    const order = compareStrings(x.letter, y.letter);
    if (order !== 0) return order;
    if (x.number === undefined || y.number === undefined) {
      if (x.number !== y.number) return x.number === undefined ? -1 : 1;
      continue;
    }
    const byNumber = compareDigits(x.number, y.number);
    if (byNumber !== 0) return byNumber;
  }
  return a.letters.length === b.letters.length ? 0 : a.letters.length < b.letters.length ? -1 : 1;
}

function letterJunk(a: ApkVersion, b: ApkVersion): Ordering | undefined {
  const applies = a.remainder !== '' && a.lastStage === 'letter' && b.remainder === '' && b.lastStage === 'letter';
  return applies ? -1 : undefined;
}

function compareSuffixes(a: ApkVersion, b: ApkVersion): Ordering {
  const length = Math.max(a.suffixes.length, b.suffixes.length);
  for (let i = 0; i < length; i++) {
    const x = a.suffixes[i] ?? NO_SUFFIX;
    const y = b.suffixes[i] ?? NO_SUFFIX;
    if (x.weight !== y.weight) return x.weight < y.weight ? -1 : 1;
    const order = compareDigits(x.number, y.number);
    if (order !== 0) return order;
  }
  return 0;
}

function compareRemainders(a: ApkVersion, b: ApkVersion): Ordering {
  if ((a.remainder === '') === (b.remainder === '')) return 0;
  // Junk after the revision (1-ruff) ranks below the clean version; junk anywhere else above it.
  const [junk, sign]: [ApkVersion, Ordering] = a.remainder !== '' ? [a, 1] : [b, -1];
  return junk.lastStage === 'build' ? (-sign as Ordering) : sign;
}

function flip(order: Ordering | undefined): Ordering | undefined {
  return order === undefined ? undefined : (-order as Ordering);
}

export function compareApk(a: string, b: string): Ordering {
  const x = parseApk(a);
  const y = parseApk(b);
  return (
    compareNumbers(x, y) ||
    numericJunk(x, y) ||
    flip(numericJunk(y, x)) ||
    compareLetters(x, y) ||
    letterJunk(x, y) ||
    flip(letterJunk(y, x)) ||
    compareSuffixes(x, y) ||
    compareDigits(x.build, y.build) ||
    compareRemainders(x, y)
  );
}
