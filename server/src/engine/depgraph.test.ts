import assert from 'node:assert/strict';
import { sortIfNeeded, sortUnique } from './depgraph';

describe('sortUnique', () => {
  it('sorts in code-unit order and drops repeats, for short lists and long ones', () => {
    const words = ['a@1', 'a-b@1', 'A@2', 'é@1', 'a@1', '@s/x@1', 'z@0', 'a@10', 'a@9', ''];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let length = 0; length <= 40; length++) {
      const items = Array.from({ length }, () => words[next() % words.length]);
      const expected = [...new Set(items)].sort();
      sortUnique(items);
      assert.deepEqual(items, expected, `length ${length}`);
    }
  });

  it('leaves a list in order as it is', () => {
    const items = ['a@1', 'b@1', 'c@1'];
    sortUnique(items);
    assert.deepEqual(items, ['a@1', 'b@1', 'c@1']);
  });
});

describe('sortIfNeeded', () => {
  it('sorts stably by the comparison, and returns a list already in order as it is', () => {
    const byFirst = (a: [number, string], b: [number, string]) => a[0] - b[0];
    const items: [number, string][] = [[2, 'a'], [1, 'b'], [2, 'c'], [1, 'd']];
    assert.deepEqual(sortIfNeeded(items, byFirst), [[1, 'b'], [1, 'd'], [2, 'a'], [2, 'c']]);
    const ordered: [number, string][] = [[1, 'x'], [1, 'y'], [3, 'z']];
    const copy = [...ordered];
    assert.equal(sortIfNeeded(ordered, byFirst), ordered);
    assert.deepEqual(ordered, copy);
  });
});
