// What the goldens do not show: the underline, the note a scan makes, malformed input, and linear time.
import assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { analyzePath, ecosystemsOf } from '../scan';
import { MemorySource } from '../source';
import { supportedEcosystems } from '.';
import { parsePodfileLock } from './podfile-lock';

function lockfile(size: number): string {
  let text = 'PODS:\n';
  for (let i = 0; i < size; i++) text += i + 1 < size ? `  - Pod${i} (1.${i}.0):\n    - Pod${i + 1} (~> 1.0)\n` : `  - Pod${i} (1.${i}.0)\n`;
  return `${text}\nDEPENDENCIES:\n  - Pod0 (~> 1.0)\n\nCOCOAPODS: 1.11.2\n`;
}

describe('podfile-lock analyzer', () => {
  it('underlines the pod and its version, and spans the pods it depends on', () => {
    const [first, second] = parsePodfileLock(lockfile(2), 'ios/Podfile.lock');
    assert.deepEqual(first.copies![0].highlight, { file: 'ios/Podfile.lock', startLine: 2, startColumn: 5, endLine: 2, endColumn: 17 });
    assert.deepEqual(first.location, { file: 'ios/Podfile.lock', startLine: 2, startColumn: 5, endLine: 3, endColumn: 20 });
    assert.deepEqual([first.direct, second.direct], [true, false]);
    assert.deepEqual(first.dependsOn, ['Pod1@1.1.0']);
  });

  it('lists the pods, says no advisory source covers them, and never asks the DB for them', async () => {
    const source = new MemorySource({ 'ios/Podfile.lock': lockfile(3) });
    const scan = await analyzePath({ source }, {});
    assert.equal(scan.results[0].packages.length, 3);
    assert.deepEqual(scan.notes, ['ios/Podfile.lock: no advisory source covers CocoaPods packages, so they are listed but were not checked for vulnerabilities']);
    assert.deepEqual(ecosystemsOf(scan), []);
    assert.ok(!supportedEcosystems().includes('CocoaPods'));
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    for (const [content, expected] of [
      [`PODS:\n  - [${secret}\n`, /invalid YAML, \w+ \(line \d+, column \d+\)/],
      [`- ${secret}\n`, /the top level is not a map/],
      [`PODS:\n  ${secret}: 1\n`, /'PODS' is not a list/],
      [`PODS:\n  - ${secret} = 4.2.0\n`, /is not 'name \(version\)'/],
    ] as const) {
      assert.throws(() => parsePodfileLock(content, 'Podfile.lock'), (error: Error) => {
        assert.ok(error.constructor === Error, String(error));
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  it('takes time that grows linearly (twice the pods, well under three times the time)', function () {
    this.timeout(60_000);
    const { ratio, smallMs, largeMs } = doublingRatio(lockfile, text => parsePodfileLock(text, 'Podfile.lock'), 1000);
    assert.ok(ratio < 3, `${largeMs.toFixed(1)} ms / ${smallMs.toFixed(1)} ms`);
  });
});
