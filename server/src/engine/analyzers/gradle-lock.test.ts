// What the goldens do not show: the underline, the names claimed, malformed input, and linear time.
import assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { analyzersFor } from '.';
import { gradleLockAnalyzer, parseGradleLockfile } from './gradle-lock';

function lockfile(size: number): string {
  let text = '# This is a Gradle generated file for dependency locking.\n';
  for (let i = 0; i < size; i++) text += `org.example:lib-${i}:1.${i}.0=compileClasspath,${i % 2 ? 'runtimeClasspath' : 'testRuntimeClasspath'}\n`;
  return `${text}empty=annotationProcessor\n`;
}

describe('gradle-lock analyzer', () => {
  it('claims the lockfiles Gradle writes, as Trivy does', () => {
    for (const name of ['gradle.lockfile', 'app/buildscript-gradle.lockfile', 'settings-gradle.lockfile']) {
      assert.ok(analyzersFor(name).includes(gradleLockAnalyzer), name);
    }
    assert.ok(!analyzersFor('gradle.lockfile.bak').includes(gradleLockAnalyzer));
  });

  it('underlines the coordinates and spans the line, without its indentation', () => {
    const [pkg] = parseGradleLockfile('  org.example:lib:1.0=compileClasspath  \n', 'gradle.lockfile');
    assert.deepEqual(pkg.copies![0].highlight, { file: 'gradle.lockfile', startLine: 1, startColumn: 3, endLine: 1, endColumn: 22 });
    assert.deepEqual(pkg.location, { file: 'gradle.lockfile', startLine: 1, startColumn: 3, endLine: 1, endColumn: 39 });
    assert.equal(pkg.purl, 'pkg:maven/org.example/lib@1.0');
    assert.deepEqual([pkg.direct, pkg.dev], [false, false]);
  });

  it('refuses a file with no line of the format, without quoting it', () => {
    const secret = 'sekret-token-123';
    assert.throws(() => parseGradleLockfile(`<html>${secret}</html>\n`, 'gradle.lockfile'), (error: Error) => {
      assert.ok(error.constructor === Error);
      assert.match(error.message, /^not a valid gradle\.lockfile: /);
      assert.ok(!error.message.includes(secret));
      return true;
    });
    assert.deepEqual(parseGradleLockfile('# only comments\n\n', 'gradle.lockfile'), []);
  });

  it('takes time that grows linearly, whatever the lines hold', function () {
    this.timeout(60_000);
    const { ratio } = doublingRatio(lockfile, text => parseGradleLockfile(text, 'gradle.lockfile'), 2000);
    assert.ok(ratio < 3, `packages: ${ratio.toFixed(2)}`);
    // Lines without `=` must not each search the rest of the file for one.
    const noEquals = (size: number) => 'a:b:c\n'.repeat(size) + 'x:y:1=compileClasspath\n';
    const { ratio: noEqualsRatio } = doublingRatio(noEquals, text => parseGradleLockfile(text, 'gradle.lockfile'), 20_000);
    assert.ok(noEqualsRatio < 3, `lines without '=': ${noEqualsRatio.toFixed(2)}`);
  });
});
