// Gem::Version ordering (https://github.com/rubygems/rubygems/blob/master/lib/rubygems/version.rb).
// A version is a run of numeric and alphabetic segments; any letter makes it a prerelease, which
// sorts below the numbers it stands next to (1.0.a < 1.0 < 1.0.1).
import { compareDigits, compareStrings, type Ordering } from './util';

type Segment = string; // digits or letters

function isNumeric(segment: Segment): boolean {
  const c = segment.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function canonicalSegments(version: string): Segment[] {
  // RubyGems reads `1.0-beta` as `1.0.pre.beta`.
  const text = version.trim().replace(/-/g, '.pre.');
  const segments = text.match(/[0-9]+|[a-z]+/gi) ?? [];
  // Trailing zeros are dropped from the numeric part and from the part starting at the first word.
  const firstWord = segments.findIndex((s) => !isNumeric(s));
  const numeric = firstWord === -1 ? segments : segments.slice(0, firstWord);
  const words = firstWord === -1 ? [] : segments.slice(firstWord);
  return [...dropTrailingZeros(numeric), ...dropTrailingZeros(words)];
}

function dropTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0 && /^0+$/.test(segments[end - 1])) end--;
  return segments.slice(0, end);
}

export function compareRubyGems(a: string, b: string): Ordering {
  const left = canonicalSegments(a);
  const right = canonicalSegments(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i] ?? '0';
    const y = right[i] ?? '0';
    const xNumeric = isNumeric(x);
    const yNumeric = isNumeric(y);
    let order: Ordering;
    if (xNumeric && yNumeric) order = compareDigits(x, y);
    else if (xNumeric !== yNumeric) order = xNumeric ? 1 : -1;
    else order = compareStrings(x, y);
    if (order !== 0) return order;
  }
  // Same segments but different text (e.g. not a version at all): order by text, stay deterministic.
  return left.length === 0 && right.length === 0 ? compareStrings(a, b) : 0;
}
