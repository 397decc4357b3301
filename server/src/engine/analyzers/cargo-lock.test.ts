import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cargoLockAnalyzer, parseCargoLock } from './cargo-lock';
import { analyzePath } from '../scan';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const REGISTRY = 'registry+https://github.com/rust-lang/crates.io-index';
const crate = (name: string, version: string, source: string | undefined, dependencies: string[] = []) =>
  `[[package]]\nname = "${name}"\nversion = "${version}"\n${source ? `source = "${source}"\n` : ''}` +
  (dependencies.length ? `dependencies = [\n${dependencies.map(d => ` "${d}",\n`).join('')}]\n` : '') + '\n';

describe('Cargo.lock parser', () => {
  const content = 'version = 3\n\n' +
    crate('app', '0.1.0', undefined, ['helper', 'serde', 'proptest', 'cc']) +
    crate('helper', '0.1.0', undefined, ['log 0.4.20']) +
    crate('serde', '1.0.190', REGISTRY) +
    crate('log', '0.4.20', REGISTRY) +
    crate('log', '0.3.9', REGISTRY, ['log 0.4.20']) +
    crate('proptest', '1.3.1', 'git+https://github.com/proptest-rs/proptest?rev=abc#abc', ['rand']) +
    crate('rand', '0.8.5', REGISTRY) +
    crate('cc', '1.0.83', REGISTRY);

  it('leaves out the workspace\'s own crates and marks what they depend on direct', () => {
    const packages = parseCargoLock(content, 'app/Cargo.lock');
    assert.deepEqual(packages.map(p => [p.id, p.direct, p.dev]), [
      ['serde@1.0.190', true, false], ['log@0.4.20', true, false], ['log@0.3.9', false, false],
      ['proptest@1.3.1', true, false], ['rand@0.8.5', false, false], ['cc@1.0.83', true, false],
    ]);
    const log = packages[2];
    assert.deepEqual(log.dependsOn, ['log@0.4.20'], '"name version" picks that version');
    assert.equal(log.purl, 'pkg:cargo/log@0.3.9');
    assert.deepEqual(log.location, { file: 'app/Cargo.lock', startLine: 30, startColumn: 1, endLine: 36, endColumn: 2 });
    assert.deepEqual(log.copies![0].highlight, { file: 'app/Cargo.lock', startLine: 31, startColumn: 1, endLine: 31, endColumn: 13 });
  });

  it('marks dev what only the root crate\'s dev-dependencies reach, renamed and per-target ones included', () => {
    const manifest = [
      '[package]', 'name = "app"', 'version = "0.1.0"', '',
      '[dependencies]', 'serde = "1"', '',
      '[target.\'cfg(unix)\'.build-dependencies]', 'cc = "1"', '',
      '[dev-dependencies]', 'pt = { package = "proptest", git = "https://github.com/proptest-rs/proptest" }', 'serde = "1"',
    ].join('\n');
    const packages = parseCargoLock(content, 'Cargo.lock', manifest);
    assert.deepEqual(packages.filter(p => p.dev).map(p => p.id), ['proptest@1.3.1', 'rand@0.8.5']);
    assert.ok(packages.every(p => p.copies!.every(c => c.dev === p.dev && c.direct === p.direct)));
    assert.equal(parseCargoLock(content, 'Cargo.lock', '[package\nname=').filter(p => p.dev).length, 0, 'a broken Cargo.toml leaves the lockfile readable');
  });

  it('locates tables written by hand in another shape through the TOML parser', () => {
    const text = `# hand-written\n[[ package ]]\nversion = '1.0.0'\nname = 'a'\nsource = "${REGISTRY}"\n\n[[package]]\n  name = "b"\n  version = "2.0.0"\n  source = "${REGISTRY}"\n  dependencies = ["a"]\n`;
    const packages = parseCargoLock(text, 'Cargo.lock');
    assert.deepEqual(packages.map(p => [p.id, p.location!.startLine, p.location!.endLine, p.copies![0].highlight.startLine]), [
      ['a@1.0.0', 2, 5, 4], ['b@2.0.0', 7, 11, 8],
    ]);
    assert.deepEqual(packages[1].dependsOn, ['a@1.0.0']);
  });

  const SECRET = 'hunter2-token';
  const broken: [string, string, RegExp][] = [
    ['text that is not TOML', `[[package]]\nname = ${SECRET}\n`, /invalid TOML \(line 2/],
    ['a package without a version', `[[package]]\nname = "${SECRET}"\n`, /package at line 1 has no version/],
    ['dependencies that are not strings', `[[package]]\nname = "a"\nversion = "1"\ndependencies = [1]\n`, /not a list of strings/],
    ['packages written as an inline array', `package = [{ name = "${SECRET}", version = "1" }]\n`, /must be \[\[package\]\] tables/],
  ];
  for (const [what, text, message] of broken) {
    it(`throws on ${what}, without quoting the file`, () => {
      assert.throws(() => parseCargoLock(text, 'Cargo.lock'), (error: Error) => {
        assert.match(error.message, message);
        assert.ok(!error.message.includes(SECRET), error.message);
        return true;
      });
    });
  }

  // Below the size where the garbage collector starts promoting objects (a step in the curve).
  it('time grows linearly (twice the crates, well under three times the time)', function () {
    this.timeout(60_000);
    this.retries(2); // a busy shared machine can slow one size more than the other; a quadratic parser fails every try
    const make = (n: number) => 'version = 3\n\n' + Array.from({ length: n }, (_, i) =>
      crate(`crate-${i}`, `1.${i}.0`, REGISTRY, [`crate-${i + 1}`, `crate-${i + 2} 1.${i + 2}.0`])).join('');
    const { ratio } = doublingRatio(make, text => parseCargoLock(text, 'Cargo.lock'), 600);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });

  describe('workspace members', () => {
    const WORKSPACE = path.join(__dirname, 'fixtures', 'cargo-lock', 'workspace');
    const scan = async (dir: string) => {
      const result = await analyzePath(dir, { analyzers: [cargoLockAnalyzer], includeDevDeps: true, scanners: ['vuln'] });
      const lockfile = result.results.find(r => r.target === 'Cargo.lock')!;
      return { members: Object.fromEntries(lockfile.packages.map(p => [p.id, p.members])), notes: result.notes ?? [] };
    };

    it('attributes each crate to the members whose dependencies pull it in, by the folders Cargo.toml lists, patterns included', async () => {
      const { members, notes } = await scan(WORKSPACE);
      // util is a member of its own (crates/*): web and the cli depend on it, and it keeps log.
      assert.deepEqual(members, { 'log@0.4.22': ['crates/util'], 'memchr@2.7.4': ['tools/cli'], 'smallvec@1.6.0': ['crates/web'] });
      assert.deepEqual(notes, []);
    });

    it('attributes nothing, and says so, when a pattern\'s member sits in a folder not named after its crate', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cargo-members-'));
      try {
        fs.cpSync(WORKSPACE, dir, { recursive: true });
        fs.renameSync(path.join(dir, 'crates', 'web'), path.join(dir, 'crates', 'frontend'));
        const { members, notes } = await scan(dir);
        assert.deepEqual(members, { 'log@0.4.22': undefined, 'memchr@2.7.4': undefined, 'smallvec@1.6.0': undefined });
        assert.equal(notes.length, 1);
        assert.match(notes[0], /^Cargo\.lock: packages are not attributed to workspace members: the folder of a member crate is not among/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('gives no members without the members\' Cargo.toml files, and none outside a workspace', () => {
      const lockfile = fs.readFileSync(path.join(WORKSPACE, 'Cargo.lock'), 'utf8');
      const manifest = fs.readFileSync(path.join(WORKSPACE, 'Cargo.toml'), 'utf8');
      const output = cargoLockAnalyzer.analyze({ path: 'Cargo.lock', content: lockfile, siblings: new Map([['Cargo.toml', manifest]]) });
      assert.ok(output.packages.every(p => p.members === undefined));
      assert.equal(output.notes?.length, 1);
      assert.ok(parseCargoLock(content, 'Cargo.lock', '[package]\nname = "app"\n').every(p => p.members === undefined));
    });
  });
});
