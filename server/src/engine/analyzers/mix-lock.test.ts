// What the goldens do not show: renamed Hex packages, malformed and hostile input, linear time.
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import assert from 'node:assert/strict';
import { parseMixLock } from './mix-lock';

const hex = (app: string, name: string, version: string, deps = '') =>
  `  "${app}": {:hex, :${name}, "${version}", "abc", [:mix], [${deps}], "hexpm", "def"},\n`;

function lockfile(size: number): string {
  let text = '%{\n';
  for (let i = 0; i < size; i++) {
    const deps = [2 * i + 1, 2 * i + 2].filter(child => child < size)
      .map(child => `{:pkg_${child}, "~> 1.0", [hex: :pkg_${child}, repo: "hexpm", optional: false]}`).join(', ');
    text += hex(`pkg_${i}`, `pkg_${i}`, `1.${i}.0`, deps);
  }
  return `${text}}\n`;
}

describe('mix-lock analyzer', () => {
  it('reports a renamed dependency under its Hex name and follows requirements by app name', () => {
    const text = `%{\n${hex('my_json', 'jason', '1.4.0')}${hex('app_dep', 'plug', '1.14.0', '{:my_json, "~> 1.0", [hex: :jason, repo: "hexpm", optional: true]}')}}\n`;
    const packages = parseMixLock(text, 'mix.lock');
    assert.deepEqual(packages.map(p => [p.id, p.dependsOn]), [['jason@1.4.0', []], ['plug@1.14.0', ['jason@1.4.0']]]);
    assert.deepEqual(packages[0].copies![0].requiredBy, ['app_dep']);
    assert.deepEqual(packages[0].copies![0].highlight, { file: 'mix.lock', startLine: 2, startColumn: 3, endLine: 2, endColumn: 12 });
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    for (const [content, expected] of [
      [`%{\n  "${secret}": {:hex, :a, "1.0.0"`, /the file ends inside a tuple \(line 2\)/],
      [`%{\n  "a": {:hex, :a, "${secret}`, /a string is not closed \(line 2\)/],
      [`[:${secret}]`, /the file is not an Elixir map/],
      [`%{"a": 1 2}`, /two terms without a comma/],
      [`%{} ${secret}`, /unexpected text after the map/],
      [`%{"a": ${'['.repeat(100_000)}`, /nested too deeply/],
    ] as const) {
      assert.throws(() => parseMixLock(content, 'mix.lock'), (error: Error) => {
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });


  it('takes time that grows linearly (twice the packages, well under three times the time)', function () {
    this.timeout(60_000);
    assert.equal(parseMixLock(lockfile(2000), 'mix.lock').length, 2000);
    assertLinearGrowth(lockfile, text => parseMixLock(text, 'mix.lock'), 1000);
  });
});
