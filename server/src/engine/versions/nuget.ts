// NuGet ordering (https://learn.microsoft.com/en-us/nuget/concepts/package-versioning): up to four
// numeric parts (missing ones are 0), then a SemVer prerelease compared case-insensitively;
// build metadata after `+` is ignored.
import { compareDigits, compareStrings, isDigits, type Ordering } from './util';

interface NugetVersion {
  valid: boolean;
  original: string;
  numbers: string[];
  prerelease: string[];
}

function parseNuget(version: string): NugetVersion {
  const text = version.trim().replace(/^[vV]/, '');
  const match = /^(\d+(?:\.\d+)*)(?:-([^+]*))?(?:\+.*)?$/s.exec(text);
  if (!match) return { valid: false, original: version, numbers: [], prerelease: [] };
  return {
    valid: true,
    original: version,
    numbers: match[1].split('.'),
    prerelease: match[2] === undefined ? [] : match[2].toLowerCase().split('.'),
  };
}

export function compareNuget(a: string, b: string): Ordering {
  const x = parseNuget(a);
  const y = parseNuget(b);
  if (!x.valid || !y.valid) {
    if (x.valid !== y.valid) return x.valid ? 1 : -1;
    return compareStrings(x.original, y.original);
  }
  const length = Math.max(x.numbers.length, y.numbers.length, 4);
  for (let i = 0; i < length; i++) {
    const order = compareDigits(x.numbers[i] ?? '0', y.numbers[i] ?? '0');
    if (order !== 0) return order;
  }
  if (x.prerelease.length === 0 || y.prerelease.length === 0) {
    return x.prerelease.length === y.prerelease.length ? 0 : x.prerelease.length === 0 ? 1 : -1;
  }
  const shared = Math.min(x.prerelease.length, y.prerelease.length);
  for (let i = 0; i < shared; i++) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    const pNumeric = isDigits(p);
    const qNumeric = isDigits(q);
    let order: Ordering;
    if (pNumeric && qNumeric) order = compareDigits(p, q);
    else if (pNumeric !== qNumeric) order = pNumeric ? -1 : 1;
    else order = compareStrings(p, q);
    if (order !== 0) return order;
  }
  return x.prerelease.length === y.prerelease.length ? 0 : x.prerelease.length < y.prerelease.length ? -1 : 1;
}
