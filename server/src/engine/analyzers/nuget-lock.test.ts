// What the goldens do not show: referenced projects, malformed input, and linear time.
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import assert from 'node:assert/strict';
import { parseNugetLock } from './nuget-lock';

describe('nuget-lock analyzer', () => {
  it('leaves out referenced projects and counts what they require as direct', () => {
    const lock = JSON.stringify({
      version: 1,
      dependencies: {
        'net8.0': {
          'My.Library': { type: 'Project', dependencies: { 'Serilog': '[3.1.1, )' } },
          'Serilog': { type: 'Transitive', resolved: '3.1.1', contentHash: 'x' },
          'Polly': { type: 'CentralTransitive', requested: '[8.0.0, )', resolved: '8.0.0' },
        },
      },
    }, null, 2);
    assert.deepEqual(parseNugetLock(lock, 'packages.lock.json').map(p => [p.id, p.direct]), [['Serilog@3.1.1', true], ['Polly@8.0.0', false]]);
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    const cases: [string, RegExp][] = [
      [`{"dependencies": {"net8.0": {"${secret}": {"resolved": 1.0}}`, /not valid JSON \(.* at line 1, column \d+\)/],
      [`["${secret}"]`, /must hold a JSON object/],
      [`{"dependencies": ["${secret}"]}`, /'dependencies' is not an object/],
    ];
    for (const [content, expected] of cases) {
      assert.throws(() => parseNugetLock(content, 'packages.lock.json'), (error: Error) => {
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  function lockfile(size: number): string {
    const packages: Record<string, unknown> = {};
    for (let i = 0; i < size; i++) {
      const dependencies = Object.fromEntries([2 * i + 1, 2 * i + 2].filter(child => child < size).map(child => [`Pkg${child}`, `1.${child}.0`]));
      packages[`Pkg${i}`] = { type: i === 0 ? 'Direct' : 'Transitive', resolved: `1.${i}.0`, contentHash: 'x', dependencies };
    }
    return JSON.stringify({ version: 1, dependencies: { 'net6.0': packages, 'net8.0': packages } }, null, 2);
  }


  it('takes time that grows linearly (twice the packages, well under three times the time)', function () {
    this.timeout(60_000);
    assert.equal(parseNugetLock(lockfile(2000), 'packages.lock.json').length, 2000);
    assertLinearGrowth(lockfile, text => parseNugetLock(text, 'packages.lock.json'), 1000);
  });
});
