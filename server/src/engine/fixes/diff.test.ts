import assert from 'node:assert/strict';
import { applyTextEdits } from './edits';
import { unifiedDiff } from './diff';

/** Applies a unified diff of unifiedDiff's making to the text, hunk by hunk, checking every old line. */
function applyDiff(text: string, diff: string[]): string {
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '' ? lines.pop() !== undefined : false;
  let shift = 0;
  for (let i = 2; i < diff.length;) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(diff[i]);
    assert.ok(header, diff[i]);
    let at = Number(header[1]) - 1 + shift;
    if (Number(header[2]) === 0) at++;
    i++;
    while (i < diff.length && !diff[i].startsWith('@@')) {
      const [mark, rest] = [diff[i][0], diff[i].slice(1)];
      if (mark === ' ') assert.equal(lines[at++], rest);
      else if (mark === '-') {
        assert.equal(lines[at], rest);
        lines.splice(at, 1);
        shift--;
      } else {
        lines.splice(at++, 0, rest);
        shift++;
      }
      i++;
    }
  }
  return lines.join('\n') + (trailing ? '\n' : '');
}

describe('unifiedDiff', () => {
  const TEXT = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

  it('gives nothing for no change', () => {
    assert.deepEqual(unifiedDiff('f', TEXT, []), []);
    assert.deepEqual(unifiedDiff('f', TEXT, [{ offset: 0, length: 6, newText: 'line 1' }]), []);
  });

  it('shows an insertion at the end as + lines with three lines of context', () => {
    const diff = unifiedDiff('Dockerfile', TEXT, [{ offset: TEXT.length, length: 0, newText: 'USER 10001\n' }]);
    assert.deepEqual(diff, ['--- a/Dockerfile', '+++ b/Dockerfile', '@@ -18,3 +18,4 @@', ' line 18', ' line 19', ' line 20', '+USER 10001']);
  });

  it('groups edits on neighbouring lines into one change and near changes into one hunk, far ones into two', () => {
    const at = (line: number) => TEXT.indexOf(`line ${line}\n`);
    const edits = [
      { offset: at(2), length: 6, newText: 'LINE 2' },
      { offset: at(3), length: 6, newText: 'LINE 3' },
      { offset: at(8), length: 0, newText: 'new\n' },
      { offset: at(18), length: 8, newText: '' },
    ];
    const diff = unifiedDiff('f', TEXT, edits);
    assert.deepEqual(diff.filter(line => line.startsWith('@@')), ['@@ -1,10 +1,11 @@', '@@ -15,6 +16,5 @@']);
    assert.deepEqual(diff.slice(3, 8), [' line 1', '-line 2', '-line 3', '+LINE 2', '+LINE 3']);
    assert.equal(applyDiff(TEXT, diff), applyTextEdits(TEXT, edits));
  });

  it('reads CRLF files and files without a final line break', () => {
    const crlf = 'a\r\nb\r\nc\r\n';
    assert.deepEqual(unifiedDiff('f', crlf, [{ offset: 3, length: 1, newText: 'B' }]).slice(2), ['@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c']);
    const open = 'a\nb';
    assert.deepEqual(unifiedDiff('f', open, [{ offset: 0, length: 1, newText: 'A' }]).slice(2), ['@@ -1,2 +1,2 @@', '-a', '+A', ' b']);
  });

  it('agrees with applyTextEdits on many random edits', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 200; round++) {
      const edits = [];
      let offset = 0;
      while (offset < TEXT.length) {
        offset += 1 + random(40);
        if (offset >= TEXT.length) break;
        const length = Math.min(random(4), TEXT.length - offset);
        edits.push({ offset, length, newText: ['', 'x', 'y\n', '\nz\n'][random(4)] });
        offset += length + 1;
      }
      const diff = unifiedDiff('f', TEXT, edits);
      assert.equal(applyDiff(TEXT, diff), applyTextEdits(TEXT, edits), JSON.stringify(edits));
    }
  });
});
