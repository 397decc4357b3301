// Debian version ordering, as dpkg's verrevcmp (https://manpages.debian.org/deb-version):
// [epoch:]upstream[-revision]; within each part, runs of non-digits compare character by character
// (`~` lowest, then end of string, then letters, then everything else) and runs of digits numerically.
import { compareDigits, type Ordering } from './util';

interface DebianVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

function parseDebian(version: string): DebianVersion {
  let text = version.trim();
  let epoch = '0';
  const colon = text.indexOf(':');
  if (colon !== -1 && /^\d+$/.test(text.slice(0, colon))) {
    epoch = text.slice(0, colon);
    text = text.slice(colon + 1);
  }
  const dash = text.lastIndexOf('-');
  if (dash === -1) return { epoch, upstream: text, revision: '' };
  return { epoch, upstream: text.slice(0, dash), revision: text.slice(dash + 1) };
}

function characterWeight(text: string, i: number): number {
  if (i >= text.length) return 0;
  const c = text[i];
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function isDigitAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

export function compareDebianPart(a: string, b: string): Ordering {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigitAt(a, i)) || (j < b.length && !isDigitAt(b, j))) {
      const x = i < a.length && !isDigitAt(a, i) ? characterWeight(a, i) : 0;
      const y = j < b.length && !isDigitAt(b, j) ? characterWeight(b, j) : 0;
      if (x !== y) return x < y ? -1 : 1;
      if (i < a.length && !isDigitAt(a, i)) i++;
      if (j < b.length && !isDigitAt(b, j)) j++;
    }
    const startA = i;
    const startB = j;
    while (i < a.length && isDigitAt(a, i)) i++;
    while (j < b.length && isDigitAt(b, j)) j++;
    const order = compareDigits(a.slice(startA, i) || '0', b.slice(startB, j) || '0');
    if (order !== 0) return order;
  }
  return 0;
}

export function compareDebian(a: string, b: string): Ordering {
  const x = parseDebian(a);
  const y = parseDebian(b);
  return (
    compareDigits(x.epoch, y.epoch) ||
    compareDebianPart(x.upstream, y.upstream) ||
    compareDebianPart(x.revision, y.revision)
  );
}
