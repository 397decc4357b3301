import assert from 'node:assert/strict';
import { decodeText, escapeControl } from './text';

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
});
