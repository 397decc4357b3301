// What the goldens do not show: the underline, the names claimed, malformed input, and linear time.
import assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { analyzersFor } from '.';
import { parseSbtLock, sbtLockAnalyzer } from './sbt-lock';

function lockfile(size: number): string {
  const entries: string[] = [];
  for (let i = 0; i < size; i++) {
    entries.push(`    {\n      "org": "org.example",\n      "name": "lib-${i}",\n      "version": "1.${i}",\n`
      + `      "artifacts": [{ "name": "lib-${i}.jar", "hash": "sha1:00" }],\n      "configurations": ["${i % 2 ? 'compile' : 'test'}"]\n    }`);
  }
  return `{\n  "lockVersion": 1,\n  "configurations": ["compile", "runtime", "test"],\n  "dependencies": [\n${entries.join(',\n')}\n  ]\n}\n`;
}

describe('sbt-lock analyzer', () => {
  it('claims build.sbt.lock and other *.sbt.lock files', () => {
    assert.ok(analyzersFor('build.sbt.lock').includes(sbtLockAnalyzer));
    assert.ok(analyzersFor('module/core.sbt.lock').includes(sbtLockAnalyzer));
    assert.ok(!analyzersFor('sbt.lock').includes(sbtLockAnalyzer));
  });

  it('underlines the name member and spans the whole entry', () => {
    const [test, compile] = parseSbtLock(lockfile(2), 'build.sbt.lock');
    assert.deepEqual(test.copies![0].highlight, { file: 'build.sbt.lock', startLine: 7, startColumn: 7, endLine: 7, endColumn: 22 });
    assert.deepEqual(test.location, { file: 'build.sbt.lock', startLine: 5, startColumn: 5, endLine: 11, endColumn: 6 });
    assert.equal(compile.purl, 'pkg:maven/org.example/lib-1@1.1');
    assert.deepEqual([test.dev, compile.dev, test.direct], [true, false, false]);
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    for (const [content, expected] of [
      [`{ "dependencies": [ "${secret}" `, /^not a valid sbt lock file: not valid JSON \(.* at line 1, column \d+\)/],
      [`["${secret}"]`, /the top level is not an object/],
      [`{ "dependencies": { "${secret}": 1 } }`, /'dependencies' is not an array/],
    ] as const) {
      assert.throws(() => parseSbtLock(content, 'build.sbt.lock'), (error: Error) => {
        assert.ok(error.constructor === Error, String(error));
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  it('takes time that grows linearly (twice the modules, well under three times the time)', function () {
    this.timeout(60_000);
    const { ratio, smallMs, largeMs } = doublingRatio(lockfile, text => parseSbtLock(text, 'build.sbt.lock'), 1000);
    assert.ok(ratio < 3, `${largeMs.toFixed(1)} ms / ${smallMs.toFixed(1)} ms`);
  });
});
