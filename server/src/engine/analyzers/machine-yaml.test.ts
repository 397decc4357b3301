// The machine-YAML reader against the `yaml` parser: on every pnpm lockfile fixture it either
// declines (and the parser reads the file) or gives the same values, and the same packages at
// the same places.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { doublingRatio, LINEAR_RATIO } from '../../../../test/helpers/linear-time';
import { readMachineYaml } from './machine-yaml';
import { parsedRoots, pnpmPackages } from './pnpm-lock';

const FIXTURES = path.join(__dirname, 'fixtures/pnpm-lock');
const lockfiles = fs.readdirSync(FIXTURES).filter(name => name.endsWith('.yaml'));

function assertSameAsParser(text: string, label: string): boolean {
  const fast = readMachineYaml(text);
  if (!fast) return false;
  const exact = parsedRoots(text);
  assert.deepEqual(fast.map(root => root?.toJSON() ?? null), exact.map(root => root?.toJSON() ?? null), `${label}: values`);
  assert.deepEqual(pnpmPackages(fast, text, label), pnpmPackages(exact, text, label), `${label}: packages`);
  return true;
}

describe('machine-YAML reader', () => {
  it('reads every pnpm fixture as the yaml parser does, and declines only the one with comments', () => {
    const declined = lockfiles.filter(name => !assertSameAsParser(fs.readFileSync(path.join(FIXTURES, name), 'utf8'), name));
    assert.deepEqual(declined, ['osv-files.yaml']);
  });

  it('reads CRLF line endings, quoted keys, flow collections and sequences as the parser does', () => {
    const text = [
      "lockfileVersion: '6.0'", '', 'settings:', '  autoInstallPeers: true', '',
      'packages:', '', "  /@babel/core@7.0.0:", "    resolution: {integrity: sha512-x==, tarball: 'https://a.example/b.tgz'}",
      "    engines: {node: '>=6.9.0'}", '    cpu: [x64, arm64]', '    os: []', '    dev: false',
      "  '/it''s@1.0.0(a@1)':", '    dependencies:', '      "b": 2.0.0', '    bundledDependencies:', '      - c', '      - d',
      '  /empty@1.0.0: {}', '  /none@1.0.0:', '',
    ].join('\r\n');
    assert.ok(assertSameAsParser(text, 'sample'), 'the reader declined');
  });

  for (const [what, text] of [
    ['a comment', 'a: b\n# note\n'],
    ['a trailing comment', 'a: b # note\n'],
    ['an anchor', 'a: &x b\nc: *x\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a plain scalar over two lines', 'a: one\n  two\n'],
    ['an escape in double quotes', 'a: "\\u0041"\n'],
    ['a sequence at its key\'s indentation', 'a:\n- b\n'],
    ['a flow map over two lines', 'a: {b: c,\n  d: e}\n'],
    ['a tab', 'a:\n\tb: c\n'],
    ['a top-level sequence', '- a\n'],
  ] as const) {
    it(`leaves ${what} to the yaml parser`, () => {
      assert.equal(readMachineYaml(text), undefined);
    });
  }

  it('leaves flow collections nested deeper than 32 to the yaml parser', () => {
    assert.ok(readMachineYaml(`a: ${'['.repeat(32)}${']'.repeat(32)}\n`));
    assert.equal(readMachineYaml(`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), undefined);
  });

  it('gives one root per document, null for an empty one', () => {
    assert.deepEqual(readMachineYaml('a: b\n---\n---\nc: d\n')!.map(root => root?.toJSON() ?? null), [{ a: 'b' }, null, { c: 'd' }]);
    assert.deepEqual(readMachineYaml(''), []);
  });

  it('takes linear time on long lines of quotes, flow collections and deep indentation', function () {
    this.timeout(120_000);
    const deepChain = Array.from({ length: 300 }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n');
    const shapes: [string, (n: number) => string, number][] = [
      ['quote pairs', n => `a: '${"''".repeat(n)}'\n`.repeat(20), 10_000],
      ['nested flow', n => `a: [${'[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]], '.repeat(n)}x]\n`, 500],
      ['wide flow', n => `a: {${'b: [c, {d: e}], '.repeat(n)}f: g}\n`, 2_000],
      ['deep blocks', n => `${deepChain} v\n`.repeat(n), 50],
    ];
    for (const [name, make, size] of shapes) {
      const ratio = doublingRatio(make, text => readMachineYaml(text), size).ratio;
      assert.ok(ratio < LINEAR_RATIO, `${name}: time(2N)/time(N) = ${ratio.toFixed(2)}`);
    }
  });
});
