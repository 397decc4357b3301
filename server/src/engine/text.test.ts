import assert from 'node:assert/strict';
import { assertLinearGrowth } from '../../../test/helpers/linear-time';
import { decodeText, escapeControl, LineCursor, LineIndex } from './text';

describe('text', () => {
  it('treats a NUL byte anywhere as binary, not only in the first 8 KiB', () => {
    const late = Buffer.concat([Buffer.from(`${'# padding\n'.repeat(1000)}fla`), Buffer.from([0]), Buffer.from('sk==0.12\n')]);
    assert.ok(late.indexOf(0) > 8192);
    assert.throws(() => decodeText(late), /binary content/);
    assert.equal(decodeText(Buffer.from('flask==0.12\n')), 'flask==0.12\n');
  });

  it('escapes C0, C1, DEL, line separators and bidi overrides, and nothing else', () => {
    assert.equal(escapeControl('a\x1b]0;title\x07b\r\n\tc\x7f\x9b\u2028\u202e'), 'a\\x1b]0;title\\x07b\\r\\n\\tc\\x7f\\x9b\\u2028\\u202e');
    const plain = 'requirements.txt: naïve – 日本語 🎉 C:\\path';
    assert.equal(escapeControl(plain), plain);
  });

  it('LineCursor gives the ranges LineIndex gives, whatever order they are asked in', () => {
    const text = 'a\nbc\n\r\ndef\n\n  g\nhi';
    const index = new LineIndex(text, 'f');
    const cursor = new LineCursor(text, 'f');
    // Forwards, an entry then its name (back to the entry's start), far back, and offsets on line breaks.
    const asked: [number, number][] = [[0, 1], [2, 9], [2, 4], [5, 13], [1, 2], [12, text.length], [6, 7], [0, text.length], [3, 3]];
    for (let start = 0; start <= text.length; start += 3) for (let end = start; end <= text.length; end += 2) asked.push([start, end], [0, start]);
    for (const [start, end] of asked) assert.deepEqual(cursor.range(start, end), index.range(start, end), `${start}-${end}`);
  });

  it('LineCursor takes linear time on a text without line breaks (a lockfile written on one line)', () => {
    const ranges = (text: string) => {
      const cursor = new LineCursor(text);
      for (let at = 0; at + 10 <= text.length; at += 10) cursor.range(at, at + 5);
    };
    assertLinearGrowth(size => 'x'.repeat(size), ranges, 200_000);
  });
});
