import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTomlEntries, scanArrayTables, spansFromSyntaxTree } from './toml-entries';
import fc from 'fast-check';
import { doublingRatio, LINEAR_RATIO } from '../../../../test/helpers/linear-time';

const FIXTURES = path.join(__dirname, 'fixtures');

/** Every TOML lockfile fixture, with the array its entries are in. */
function tomlFixtures(): [string, string][] {
  const found: [string, string][] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) walk(file);
      else if (/\.(lock|toml)$/.test(name) && !name.startsWith('Pipfile')) found.push([file, name.includes('pylock') ? 'packages' : 'package']);
    }
  };
  walk(FIXTURES);
  return found;
}

const TRICKY = `# [[package]] in a comment
title = """
[[package]]
name = "not-an-entry"
"""
other = '''
[[package]]'''

[[package]]
"name" = "first" # [[package]]
version = "1.0" # a comment after the last value is not part of it
notes = [
  "[[package]]",
  { name = "inline", x = ["]"] },
]
escaped = "a \\" [[package]] \\\\"

[package.dependencies]
b = { version = ">=1", markers = "python_version >= \\"3\\"" }

# a comment between entries

[[package]]
version = "2.0"

[[package.wheels]]
name = "a-wheel.whl"

[ tool . other ]
name = "not in any entry"
`;

describe('TOML array-of-tables reader', () => {
  it('finds the same entries and name lines as the syntax tree, on every TOML fixture', () => {
    const fixtures = tomlFixtures();
    assert.ok(fixtures.length >= 5, `found ${fixtures.length}`);
    for (const [file, key] of fixtures) {
      const text = fs.readFileSync(file, 'utf8');
      let tree;
      try {
        tree = spansFromSyntaxTree(text, key);
      } catch {
        continue; // the fixtures of invalid TOML
      }
      assert.deepEqual(scanArrayTables(text, key), tree, file);
    }
  });

  it('agrees with the syntax tree on fixtures with random edits, wherever both read them (property-based)', function () {
    this.timeout(60_000);
    const text = TRICKY + fs.readFileSync(path.join(FIXTURES, 'uv-lock', 'workspace.lock'), 'utf8').replace(/^version = 1\n/, '');
    const edit = fc.record({
      at: fc.nat({ max: text.length }), remove: fc.nat({ max: 20 }),
      insert: fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', "'", '=', '\n', '#', '.', '\\', ',', ' ', 'a', 'package'), maxLength: 6 }),
    });
    let compared = 0;
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 2 }), edits => {
      let mutated = text;
      for (const { at, remove, insert } of edits) mutated = mutated.slice(0, at) + insert + mutated.slice(at + remove);
      let tree;
      try {
        tree = spansFromSyntaxTree(mutated, 'package');
      } catch {
        return; // not TOML
      }
      const scanned = scanArrayTables(mutated, 'package');
      if (scanned === undefined || tree.length === 0) return;
      compared++;
      assert.deepEqual(scanned, tree);
    }), { numRuns: 1000 });
    assert.ok(compared > 100, `compared ${compared}`);
  });

  it('is not fooled by headers in strings, comments or arrays', () => {
    const spans = scanArrayTables(TRICKY, 'package')!;
    assert.deepEqual(spans, spansFromSyntaxTree(TRICKY, 'package'));
    assert.deepEqual(spans.map(span => TRICKY.slice(span.nameStart, span.nameEnd)), ['"name" = "first"', '[[package]]']);
    assert.ok(TRICKY.slice(spans[0].start, spans[0].end).endsWith('markers = "python_version >= \\"3\\"" }'));
    assert.ok(TRICKY.slice(spans[1].start, spans[1].end).endsWith('name = "a-wheel.whl"'));
    const { entries } = readTomlEntries(TRICKY, 'package', 'test.lock');
    assert.deepEqual(entries.map(entry => entry.value.version), ['1.0', '2.0']);
  });

  it('falls back to the syntax tree for entries written as one inline array', () => {
    const text = 'package = [\n  { name = "a", version = "1" },\n  { name = "b", version = "2" },\n]\n';
    assert.deepEqual(scanArrayTables(text, 'package'), []);
    const { entries } = readTomlEntries(text, 'package', 'test.lock');
    assert.deepEqual(entries.map(entry => [entry.value.name, text.slice(entry.nameStart, entry.nameEnd)]), [['a', 'name = "a"'], ['b', 'name = "b"']]);
  });

  it('reports invalid TOML by line and column without quoting it', () => {
    assert.throws(() => readTomlEntries('[[package]]\nname = "secret\n', 'package', 'x.lock'), /^Error: not a valid x\.lock: invalid TOML, .* \(line 2, column \d+\)$/);
    assert.throws(() => readTomlEntries('a = 1\na = "secret"\n', 'package', 'x.lock'), (error: Error) => !error.message.includes('secret'));
  });

  it('scans in linear time, hostile text too: long escape runs, deep brackets', function () {
    this.timeout(60_000);
    // Sizes where one scan takes milliseconds, so that timer noise does not decide the ratio.
    const shapes: [string, (size: number) => string, number][] = [
      ['escaped quotes', size => `[[package]]\nname = "${'\\"'.repeat(size)}"\n`.repeat(5), 50_000],
      ['backslash runs', size => `[[package]]\nname = "${'\\\\'.repeat(size)}"\n`.repeat(5), 200_000],
      ['many entries', size => `[[package]]\nname = "a"\n[package.x]\ny = [1, { z = 'q' }]\n`.repeat(size), 10_000],
      ['nested arrays', size => `[[package]]\nx = ${'['.repeat(size)}${']'.repeat(size)}\n`, 500_000],
      // Each string's end is found without searching again for the line's end or the next backslash.
      ['strings on one line', size => `[[package]]\nname = "a"\nx = [${'"a", '.repeat(size)}"\\\\"]\n`, 100_000],
    ];
    for (const [shape, make, size] of shapes) {
      const { ratio } = doublingRatio(make, text => scanArrayTables(text, 'package'), size);
      assert.ok(ratio < LINEAR_RATIO, `${shape}: ratio ${ratio.toFixed(2)}`);
    }
  });
});
