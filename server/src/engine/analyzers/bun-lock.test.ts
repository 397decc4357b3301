// What the goldens do not show: the underline, nested copies, malformed input, and linear time.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { parseBunLock } from './bun-lock';

const FIXTURES = path.join(__dirname, 'fixtures', 'bun-lock');

function lockfile(size: number): string {
  const lines = ['{', '  "lockfileVersion": 1,', '  "workspaces": {', '    "": {', '      "name": "app",', '      "dependencies": {'];
  lines.push('        "pkg-0": "^1.0.0",', '      },', '    },', '  },', '  "packages": {');
  for (let i = 0; i < size; i++) {
    const next = i + 1 < size ? `{ "dependencies": { "pkg-${i + 1}": "^1.0.0" } }` : '{}';
    lines.push(`    "pkg-${i}": ["pkg-${i}@1.${i}.0", "", ${next}, "sha512-x"],`, '');
  }
  lines.push('  }', '}');
  return lines.join('\n');
}

describe('bun-lock analyzer', () => {
  it('underlines the package key and spans its whole entry', () => {
    const [first, second] = parseBunLock(lockfile(2), 'app/bun.lock');
    assert.deepEqual(first.copies![0].highlight, { file: 'app/bun.lock', startLine: 12, startColumn: 5, endLine: 12, endColumn: 12 });
    assert.equal(first.location!.endLine, 12);
    assert.equal(first.location!.endColumn, 88); // just past the closing bracket, before the comma
    assert.deepEqual([first.direct, second.direct], [true, false]);
    assert.deepEqual(first.dependsOn, ['pkg-1@1.1.0']);
    assert.deepEqual(second.copies![0].requiredBy, ['pkg-0']);
  });

  it('attributes each package to the workspaces, by folder, whose dependencies pull it in', () => {
    const members = (file: string) => Object.fromEntries(parseBunLock(fs.readFileSync(path.join(FIXTURES, file), 'utf8'), 'bun.lock').map(p => [p.id, p.members]));
    assert.deepEqual(members('bun_multiple_ws.lock'), { 'chalk@5.0.1': ['my-lib'], 'lodash@4.17.21': ['my-app'] });
    // The root pulls in ms 2.1.3 through its file: package; the api member has its own qs.
    assert.deepEqual(members('nested-with-manifest/bun.lock'), {
      'body-parser@1.18.2': [''], 'express@4.16.0': [''], 'mocha@10.2.0': [''], 'ms@2.1.3': [''], 'qs@6.5.1': [''],
      'qs@6.11.0': ['packages/api'], 'ms@2.0.0': [''],
    });
  });

  it('resolves a dependency to the nearest nested copy, as Node does', () => {
    const text = `{ "lockfileVersion": 1, "workspaces": { "": { "dependencies": { "a": "1", "@s/b": "1" } } }, "packages": {
      "a": ["a@1.0.0", "", { "dependencies": { "c": "2" } }, ""],
      "@s/b": ["@s/b@1.0.0", "", { "dependencies": { "c": "1" } }, ""],
      "c": ["c@2.0.0", "", {}, ""],
      "@s/b/c": ["c@1.0.0", "", {}, ""],
    } }`;
    const byId = new Map(parseBunLock(text, 'bun.lock').map(p => [p.id, p]));
    assert.deepEqual(byId.get('a@1.0.0')!.dependsOn, ['c@2.0.0']);
    assert.deepEqual(byId.get('@s/b@1.0.0')!.dependsOn, ['c@1.0.0']);
    assert.deepEqual(byId.get('c@1.0.0')!.copies![0].requiredBy, ['@s/b']);
    assert.equal(byId.get('@s/b@1.0.0')!.purl, 'pkg:npm/%40s/b@1.0.0');

    // Two levels up, past a level with no copy; and a key whose segments are not package names.
    const deeper = `{ "lockfileVersion": 1, "workspaces": { "": { "dependencies": { "p": "1", "x": "1" } } }, "packages": {
      "p": ["p@1.0.0", "", { "dependencies": { "q": "1" } }, ""],
      "p/q": ["q@1.0.0", "", { "dependencies": { "r": "2" } }, ""],
      "p/r": ["r@2.0.0", "", {}, ""],
      "r": ["r@1.0.0", "", {}, ""],
      "x": ["x@1.0.0", "", {}, ""],
      "x/@y": ["@y@1.0.0", "", { "dependencies": { "z": "1" } }, ""],
      "x/@y/z": ["z@1.0.0", "", {}, ""],
    } }`;
    const deeperById = new Map(parseBunLock(deeper, 'bun.lock').map(p => [p.id, p]));
    assert.deepEqual(deeperById.get('q@1.0.0')!.dependsOn, ['r@2.0.0']);
    assert.deepEqual(deeperById.get('@y@1.0.0')!.dependsOn, ['z@1.0.0']);
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    for (const [content, expected] of [
      [`{ "lockfileVersion": 1, "packages": { "${secret}": [ }`, /^not a valid bun\.lock: not valid JSON \(.* at line 1, column \d+\)/],
      [`["${secret}"]`, /the top level is not an object/],
      [`{ "lockfileVersion": "${secret}" }`, /lockfileVersion is not a number/],
      [`{ "lockfileVersion": 1, "packages": ["${secret}"] }`, /'packages' is not an object/],
      ['', /not valid JSON/],
    ] as const) {
      assert.throws(() => parseBunLock(content, 'bun.lock'), (error: Error) => {
        assert.ok(error.constructor === Error, String(error));
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  it('takes time that grows linearly (twice the packages, well under three times the time)', function () {
    this.timeout(60_000);
    assert.equal(parseBunLock(lockfile(2000), 'bun.lock').length, 2000);
    const { ratio, smallMs, largeMs } = doublingRatio(lockfile, text => parseBunLock(text, 'bun.lock'), 2000);
    assert.ok(ratio < 3, `${largeMs.toFixed(1)} ms / ${smallMs.toFixed(1)} ms`);
  });

  it("records a registry package's integrity (its last element) as its hashes", () => {
    const SHA512 = Buffer.alloc(64, 9);
    const integrity = `sha512-${SHA512.toString('base64')}`;
    const content = `{\n  "lockfileVersion": 1,\n  "workspaces": { "": { "name": "app", "dependencies": { "ms": "^2.1.3", "gitdep": "github:a/b" } } },\n  "packages": {\n    "ms": ["ms@2.1.3", "", {}, "${integrity}"],\n    "gitdep": ["gitdep@github:a/b#abc1234", {}, "a-b-abc1234"],\n  }\n}\n`;
    const [ms] = parseBunLock(content, 'bun.lock');
    assert.deepEqual(ms.hashes, [{ algorithm: 'SHA-512', value: SHA512.toString('hex') }]);
  });
});
