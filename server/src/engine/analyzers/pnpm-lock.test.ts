// What the goldens do not show: workspaces (importers, link: members, file: packages),
// aliases, malformed input, and time that grows linearly with the lockfile.
import { doublingRatio, LINEAR_RATIO } from '../../../../test/helpers/linear-time';
import assert from 'node:assert/strict';
import { parsePnpmLock, pnpmLockAnalyzer } from './pnpm-lock';

const WORKSPACE_V9 = `lockfileVersion: '9.0'

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5.0.0
        version: 5.4.5

  packages/app:
    dependencies:
      lib:
        specifier: workspace:*
        version: link:../lib
      string-width-cjs:
        specifier: npm:string-width@^4.2.0
        version: string-width@4.2.3
      local-tool:
        specifier: file:../../tools/local-tool
        version: file:tools/local-tool

  packages/lib:
    dependencies:
      ms:
        specifier: ^2.1.2
        version: 2.1.3

packages:

  local-tool@file:tools/local-tool:
    resolution: {directory: tools/local-tool, type: directory}

  ms@2.1.3:
    resolution: {integrity: sha512-x}

  string-width@4.2.3:
    resolution: {integrity: sha512-y}

  typescript@5.4.5:
    resolution: {integrity: sha512-z}

  qs@6.5.1:
    resolution: {integrity: sha512-w}

snapshots:

  local-tool@file:tools/local-tool:
    dependencies:
      qs: 6.5.1

  ms@2.1.3: {}

  string-width@4.2.3: {}

  typescript@5.4.5: {}

  qs@6.5.1: {}
`;

const WORKSPACE_V6 = `lockfileVersion: '6.0'

importers:

  .:
    devDependencies:
      typescript:
        specifier: ^5.0.0
        version: 5.4.5

  packages/app:
    dependencies:
      lib:
        specifier: workspace:*
        version: link:../lib
      string-width-cjs:
        specifier: npm:string-width@^4.2.0
        version: /string-width@4.2.3

packages:

  /string-width@4.2.3:
    resolution: {integrity: sha512-y}
    dev: false

  /typescript@5.4.5:
    resolution: {integrity: sha512-z}
    dev: true
`;

describe('pnpm-lock analyzer', () => {
  it('takes the direct dependencies of every workspace member, follows aliases, and leaves out link: and file: packages', () => {
    const packages = parsePnpmLock(WORKSPACE_V9, 'pnpm-lock.yaml');
    const summary = Object.fromEntries(packages.map(p => [p.id, { direct: p.direct, dev: p.dev }]));
    assert.deepEqual(summary, {
      'ms@2.1.3': { direct: true, dev: false },
      'string-width@4.2.3': { direct: true, dev: false },
      'typescript@5.4.5': { direct: true, dev: true },
      // What a file: package (the user's own code) depends on is direct.
      'qs@6.5.1': { direct: true, dev: false },
    });
    // Each package belongs to the workspace members that pull it in.
    assert.deepEqual(Object.fromEntries(packages.map(p => [p.id, p.members])), {
      'ms@2.1.3': ['packages/lib'], 'string-width@4.2.3': ['packages/app'], 'typescript@5.4.5': [''], 'qs@6.5.1': ['packages/app'],
    });
  });

  it('reads v6 workspaces and aliases the same way, with dev from the dev flags', () => {
    const packages = parsePnpmLock(WORKSPACE_V6, 'pnpm-lock.yaml');
    assert.deepEqual(packages.map(p => [p.id, p.direct, p.dev]), [['string-width@4.2.3', true, false], ['typescript@5.4.5', true, true]]);
  });

  it('underlines the entry key on its line and spans the whole entry', () => {
    const [string] = parsePnpmLock(WORKSPACE_V6, 'sub/pnpm-lock.yaml');
    assert.deepEqual(string.copies![0].highlight, { file: 'sub/pnpm-lock.yaml', startLine: 22, startColumn: 3, endLine: 22, endColumn: 22 });
    assert.deepEqual(string.location, { file: 'sub/pnpm-lock.yaml', startLine: 22, startColumn: 3, endLine: 24, endColumn: 15 });
  });

  it('reads an empty file as no packages', () => {
    assert.deepEqual(pnpmLockAnalyzer.analyze({ path: 'pnpm-lock.yaml', content: '' }).packages, []);
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    const cases: [string, RegExp][] = [
      [`lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {\n  ${secret}`, /invalid YAML, \w+ \(line \d+, column \d+\)/],
      [`${secret}\n`, /the top level is not a map/],
      [`packages:\n  /${secret}/1.0.0: {}\n`, /no lockfileVersion/],
      [`lockfileVersion: 5.4\npackages:\n  - ${secret}\n`, /'packages' is not a map/],
      [`lockfileVersion: 5.4\npackages:\n  /a/1.0.0: ${secret}\n`, /an entry is not a map of fields \(line 3\)/],
    ];
    for (const [content, expected] of cases) {
      assert.throws(() => parsePnpmLock(content, 'pnpm-lock.yaml'), (error: Error) => {
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  function v9Lockfile(size: number): string {
    const lines = ["lockfileVersion: '9.0'", '', 'importers:', '', '  .:', '    dependencies:'];
    lines.push('      pkg-0:', '        specifier: ^1.0.0', '        version: 1.0.0', '', 'packages:', '');
    for (let i = 0; i < size; i++) lines.push(`  pkg-${i}@1.${i}.0:`, `    resolution: {integrity: sha512-${i}}`, '');
    lines.push('snapshots:', '');
    for (let i = 0; i < size; i++) {
      const children = [2 * i + 1, 2 * i + 2].filter(child => child < size);
      if (children.length === 0) lines.push(`  pkg-${i}@1.${i}.0: {}`, '');
      else lines.push(`  pkg-${i}@1.${i}.0:`, '    dependencies:', ...children.map(child => `      pkg-${child}: 1.${child}.0`), '');
    }
    return lines.join('\n');
  }

  it('takes time that grows linearly (twice the packages, well under three times the time, at one of two doublings)', function () {
    this.timeout(60_000);
    assert.equal(parsePnpmLock(v9Lockfile(800), 'pnpm-lock.yaml').length, 800);
    // The lower of 400 -> 800 and 800 -> 1,600 packages: a step as the heap grows lands on one doubling, not both.
    const ratio = doublingRatio(v9Lockfile, text => parsePnpmLock(text, 'pnpm-lock.yaml'), 400, 15).ratio;
    assert.ok(ratio < LINEAR_RATIO, `time(2N)/time(N) = ${ratio.toFixed(2)}`);
  });

  it("records a package's resolution integrity as its hashes (v6 and v9)", () => {
    const SHA512 = Buffer.alloc(64, 9);
    const integrity = `sha512-${SHA512.toString('base64')}`;
    const v6 = `lockfileVersion: '6.0'\n\npackages:\n\n  /ms@2.1.3:\n    resolution: {integrity: ${integrity}}\n    dev: false\n`;
    const v9 = `lockfileVersion: '9.0'\n\npackages:\n\n  ms@2.1.3:\n    resolution: {integrity: ${integrity}}\n\n  local@file:pkg:\n    resolution: {directory: pkg, type: directory}\n\nsnapshots:\n\n  ms@2.1.3: {}\n`;
    for (const content of [v6, v9]) {
      const [ms] = parsePnpmLock(content, 'pnpm-lock.yaml');
      assert.deepEqual(ms.hashes, [{ algorithm: 'SHA-512', value: SHA512.toString('hex') }]);
    }
  });
});
