import assert from 'node:assert/strict';
import { blankCommentsAndTrailingCommas, containerValues, locateValue } from './json-offsets';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';

describe('json-offsets', () => {
  it('spans the members of an object and the elements of an array, strings with brackets and escapes included', () => {
    const text = '{ "a": [1, "x]\\"}", {"b": null}], "k\\u0065y": { "c": true } , "n": -1.5e3 }';
    const members = containerValues(text, 0);
    assert.deepEqual(members.map(m => [m.key, text.slice(m.keyStart, m.keyStart + 1), text.slice(m.start, m.end)]), [
      ['a', '"', '[1, "x]\\"}", {"b": null}]'],
      ['key', '"', '{ "c": true }'],
      ['n', '"', '-1.5e3'],
    ]);
    const elements = containerValues(text, members[0].start);
    assert.deepEqual(elements.map(e => [e.key, text.slice(e.start, e.end)]), [[undefined, '1'], [undefined, '"x]\\"}"'], [undefined, '{"b": null}']]);
    assert.deepEqual(containerValues(text, members[2].start), []);
  });

  it('follows a path to the last of a repeated key, as JSON.parse keeps', () => {
    const text = '{"a": {"b": 1}, "a": {"b": [2, 3]}}';
    const found = locateValue(text, ['a', 'b'])!;
    assert.equal(text.slice(found.start, found.end), '[2, 3]');
    assert.equal(locateValue(text, ['a', 'missing']), undefined);
    assert.equal(locateValue('[]', ['a']), undefined);
  });

  it('blanks comments and trailing commas, keeping every offset and line break', () => {
    const text = '{\n  "a": [1, 2, ], // note, "quoted"\n  "b": "x,}", /* a\n block */\n}';
    const blanked = blankCommentsAndTrailingCommas(text);
    assert.equal(blanked.length, text.length);
    assert.equal(blanked.split('\n').length, text.split('\n').length);
    assert.deepEqual(JSON.parse(blanked), { a: [1, 2], b: 'x,}' });
    assert.equal(blanked.indexOf('"b"'), text.indexOf('"b"'));
    assert.equal(blankCommentsAndTrailingCommas('{"a": 1}'), '{"a": 1}');
  });

  it('reads in time linear in the input', function () {
    this.timeout(60_000);
    const make = (n: number) => `{"list": [${Array.from({ length: n }, (_, i) => `{"name": "p${i}", "v": [1, 2, ], },`).join('\n')}], }`;
    assertLinearGrowth(make, text => {
      const json = blankCommentsAndTrailingCommas(text);
      for (const element of containerValues(json, locateValue(json, ['list'])!.start)) containerValues(json, element.start);
    }, 5_000);
  });
});
