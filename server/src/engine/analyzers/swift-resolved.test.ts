// What the goldens do not show: the underline, pins without a version, malformed input, linear time.
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import assert from 'node:assert/strict';
import { parsePackageResolved } from './swift-resolved';

function resolved(size: number, extra = ''): string {
  const pins = Array.from({ length: size }, (_, i) => ({
    identity: `pkg${i}`, kind: 'remoteSourceControl', location: `https://github.com/owner/pkg${i}.git`,
    state: { revision: 'a'.repeat(40), version: `1.${i}.0` },
  }));
  return JSON.stringify({ pins, version: 2, extra }, null, 2);
}

describe('swift-resolved analyzer', () => {
  it('underlines the pin\'s first line and leaves out pins with only a revision', () => {
    const text = JSON.stringify({
      pins: [
        { identity: 'nio', location: 'https://github.com/apple/swift-nio.git', state: { revision: 'abc', version: '2.41.1' } },
        { identity: 'local', location: 'https://github.com/me/tool', state: { revision: 'def' } },
      ],
      version: 2,
    }, null, 2);
    const [nio, ...rest] = parsePackageResolved(text, 'Package.resolved');
    assert.equal(rest.length, 0);
    assert.equal(nio.purl, 'pkg:swift/github.com/apple/swift-nio@2.41.1');
    const { highlight, location } = nio.copies![0];
    assert.deepEqual([highlight.startLine, highlight.startColumn, highlight.endLine, highlight.endColumn], [4, 7, 4, 24]);
    assert.deepEqual([location.startLine, location.startColumn, location.endLine, location.endColumn], [3, 5, 10, 6]);
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    for (const [content, expected] of [
      [`{"pins": [{"location": "${secret}"}`, /not valid JSON \(.* at line 1, column \d+\)/],
      [`"${secret}"`, /must hold a JSON object/],
      [`{"pins": {"${secret}": 1}}`, /'pins' is not an array/],
    ] as const) {
      assert.throws(() => parsePackageResolved(content, 'Package.resolved'), (error: Error) => {
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });


  it('takes time that grows linearly (twice the pins, well under three times the time)', function () {
    this.timeout(60_000);
    const pins = (size: number) => resolved(size, '"'.repeat(size));
    assert.equal(parsePackageResolved(pins(4000), 'Package.resolved').length, 4000);
    assertLinearGrowth(pins, text => parsePackageResolved(text, 'Package.resolved'), 2000);
  });
});
