// What the goldens do not show: the underline, build requirements, malformed input, version
// order and linear time.
import assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { compareVersions } from '../versions';
import { parseConanLock } from './conan-lock';

/** A Conan 1 lockfile: the root requires a chain of packages, and a build tool. */
function lockfile(size: number): string {
  const nodes = [`   "0": { "path": "conanfile.txt", "requires": ["1"], "build_requires": ["${size + 1}"] }`];
  for (let i = 1; i <= size; i++) {
    const requires = i < size ? `, "requires": ["${i + 1}"]` : '';
    nodes.push(`   "${i}": {\n    "ref": "pkg${i}/1.${i}#0123",\n    "package_id": "abc"${requires}\n   }`);
  }
  nodes.push(`   "${size + 1}": {\n    "ref": "cmake/3.25.0",\n    "requires": ["1"]\n   }`);
  return `{\n "graph_lock": {\n  "nodes": {\n${nodes.join(',\n')}\n  }\n },\n "version": "0.4"\n}\n`;
}

describe('conan-lock analyzer', () => {
  it('underlines the ref member and spans the whole node', () => {
    const [first] = parseConanLock(lockfile(2), 'conan.lock');
    assert.deepEqual(first.copies![0].highlight, { file: 'conan.lock', startLine: 6, startColumn: 5, endLine: 6, endColumn: 27 });
    assert.deepEqual(first.location, { file: 'conan.lock', startLine: 5, startColumn: 4, endLine: 8, endColumn: 5 });
    assert.equal(first.purl, 'pkg:conan/pkg1@1.1');
  });

  it('marks dev what only build requirements pull in', () => {
    const byId = new Map(parseConanLock(lockfile(2), 'conan.lock').map(p => [p.id, p]));
    assert.deepEqual([byId.get('cmake@3.25.0')!.dev, byId.get('cmake@3.25.0')!.direct], [true, true]);
    // pkg1 is required by the project itself, and by the build tool too: it ships.
    assert.deepEqual([byId.get('pkg1@1.1')!.dev, byId.get('pkg2@1.2')!.dev, byId.get('pkg2@1.2')!.direct], [false, false, false]);
    assert.deepEqual(byId.get('pkg1@1.1')!.dependsOn, ['pkg2@1.2']);
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    for (const [content, expected] of [
      [`{ "requires": [ "${secret}" `, /^not a valid conan\.lock: not valid JSON \(.* at line 1, column \d+\)/],
      [`{ "requires": [ "${secret}" ] }`, /a package reference is not name\/version/],
      [`{ "requires": { "${secret}": 1 } }`, /'requires' is not a list/],
      [`{ "graph_lock": { "nodes": ["${secret}"] } }`, /'graph_lock.nodes' is not an object/],
    ] as const) {
      assert.throws(() => parseConanLock(content, 'conan.lock'), (error: Error) => {
        assert.ok(error.constructor === Error, String(error));
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  it('orders Conan versions with letters as OpenSSL writes them', () => {
    assert.equal(compareVersions('ConanCenter', '1.1.1k', '1.1.1l'), -1);
    assert.equal(compareVersions('ConanCenter', '1.1.1', '1.1.1k'), -1);
    assert.equal(compareVersions('ConanCenter', '1.2.13', '1.2.9'), 1);
  });

  it('takes time that grows linearly (twice the nodes, well under three times the time)', function () {
    this.timeout(60_000);
    const { ratio, smallMs, largeMs } = doublingRatio(lockfile, text => parseConanLock(text, 'conan.lock'), 1000);
    assert.ok(ratio < 3, `${largeMs.toFixed(1)} ms / ${smallMs.toFixed(1)} ms`);
  });
});
