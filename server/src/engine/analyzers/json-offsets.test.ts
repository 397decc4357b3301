import assert from 'node:assert/strict';
import { blankCommentsAndTrailingCommas, locateMembers, locateObjectMembers, lastMember, locateMembersOfMembers, valuesAt, type ValueSpan } from './json-offsets';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';

describe('json-offsets', () => {
  it('spans the members of an object and the elements of an array, strings with brackets and escapes included', () => {
    const text = '{ "a": [1, "x]\\"}", {"b": null}], "k\\u0065y": { "c": true } , "n": -1.5e3 }';
    const members = valuesAt(text, [])!;
    assert.deepEqual(members.map(m => [m.key, text.slice(m.keyStart, m.keyStart + 1), text.slice(m.start, m.end)]), [
      ['a', '"', '[1, "x]\\"}", {"b": null}]'],
      ['key', '"', '{ "c": true }'],
      ['n', '"', '-1.5e3'],
    ]);
    const elements = valuesAt(text, ['a'])!;
    assert.deepEqual(elements.map(e => [e.key, text.slice(e.start, e.end)]), [[undefined, '1'], [undefined, '"x]\\"}"'], [undefined, '{"b": null}']]);
    assert.deepEqual(valuesAt(text, ['n']), []);
  });

  it('follows a path to the last of a repeated key, as JSON.parse keeps', () => {
    const text = '{"a": {"b": 1}, "a": {"b": [2, 3]}}';
    // Each value: its key, where its key starts, where it starts, and its text.
    const described = (json: string, values: ValueSpan[] | undefined) => values?.map(v => [v.key, v.keyStart, v.start, json.slice(v.start, v.end)]);
    assert.deepEqual(described(text, valuesAt(text, ['a', 'b'])), [[undefined, 28, 28, '2'], [undefined, 31, 31, '3']]);
    assert.equal(valuesAt(text, ['a', 'missing']), undefined);
    assert.equal(valuesAt('[]', ['a']), undefined);
    for (const [json, path, want] of [
      [text, ['a'], [['b', 22, 27, '[2, 3]']]],
      [text, [], [['a', 1, 6, '{"b": 1}'], ['a', 16, 21, '{"b": [2, 3]}']]],
      ['{"a": {"b": [1]}, "a": 2}', ['a', 'b'], undefined],
      ['{"a": {"b": [1]}, "a": {"c": 2}}', ['a', 'b'], undefined],
      ['{"a": {"b": {"x": "]"}}, "c": 1}', ['a', 'b'], [['x', 13, 18, '"]"']]],
      ['{"a": {"b": "s"}}', ['a', 'b'], []],
      ['[1, 2]', [], [[undefined, 1, 1, '1'], [undefined, 4, 4, '2']]],
      ['[{"a": 1}]', ['a'], undefined],
    ] as [string, string[], unknown[] | undefined][]) {
      assert.deepEqual(described(json, valuesAt(json, path)), want, `${json} ${path}`);
    }
    assert.deepEqual(lastMember('{"a": 1, "b": {"a": 2}, "a": [3]}', 0, 'a'), { key: 'a', keyStart: 24, start: 29, end: 32 });
    assert.equal(lastMember('{"b": 1}', 0, 'a'), undefined);
    assert.equal(lastMember('[{"a": 1}]', 0, 'a'), undefined);
    assert.deepEqual(lastMember('{"a\\u0062": 1}', 0, 'ab'), { key: 'ab', keyStart: 1, start: 12, end: 13 });
  });

  it('locates the members JSON.parse gives: values in its order, a repeated key at its first place with its last span', () => {
    const spans = (text: string, path: string[]) => {
      let object: any = JSON.parse(text);
      for (const key of path) object = object[key];
      const found = locateObjectMembers(text, path, object);
      return found.keys.map((key, i) => [key, found.values[i], text.slice(found.starts[i], found.ends[i])]);
    };
    assert.deepEqual(spans('{"x": {"a": {"v": 1}}, "p": { "b": [1, "}"], "a\\"": {"v": 2} }}', ['p']), [
      ['b', [1, '}'], '"b": [1, "}"]'], ['a"', { v: 2 }, '"a\\"": {"v": 2}'],
    ]);
    assert.deepEqual(spans('{"p": {"a": 1, "10": 2, "b": 3, "a": 4}}', ['p']), [
      ['a', 4, '"a": 4'], ['10', 2, '"10": 2'], ['b', 3, '"b": 3'],
    ]);
    // The last copy of a key on the path is the one JSON.parse keeps, even where it lacks the rest of the path.
    assert.deepEqual(spans('{"p": {"q": {"a": 1}}, "p": {"q": {"b": 2}}}', ['p', 'q']), [['b', 2, '"b": 2']]);
    const text = '{"p": {"q": {"a": 1}}, "p": {"r": 1}}';
    assert.deepEqual(locateObjectMembers(text, ['p', 'q'], {}), { keys: [], values: [], starts: [], ends: [] });
    assert.deepEqual(spans('[1]', []), []);
  });

  it('locates the object-valued members of every object in an object in one pass, as locateMembers does for each', () => {
    const members = '{"_meta": {"h": {"s": "}"}}, "a": {"x": {"v": 1}, "y": 2, "x": {"v": 3}}, "b": [], "c": {"z": {}}, "c": {"w": {"u": "{"}}}';
    for (const [text, path] of [[members, []], [`{"p": {"q": ${members}}}`, ['p', 'q']], [`{"p": ${members}, "p": {"a": {"n": {}}}}`, ['p']]] as [string, string[]][]) {
      const found = locateMembersOfMembers(text, path);
      for (const key of new Set([...found.keys(), '_meta', 'a', 'b', 'c'])) {
        const spans = locateMembers(text, [...path, key]);
        assert.deepEqual(found.get(key) ?? new Map(), spans, `${path} ${key}`);
      }
    }
    const found = locateMembersOfMembers(members, []);
    assert.deepEqual([...found.keys()], ['_meta', 'a', 'c']);
    assert.deepEqual([...found.get('a')!].map(([key, span]) => [key, members.slice(span.start, span.end)]), [['x', '"x": {"v": 3}']]);
    assert.deepEqual(locateMembersOfMembers('[{"a": {}}]', []), new Map());
    assert.deepEqual(locateMembersOfMembers('{"p": {"a": {"b": {}}}, "p": 1}', ['p']), new Map());
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
      for (const element of valuesAt(json, ['list'])!) lastMember(json, element.start, 'v');
    }, 5_000);
    const makeObject = (n: number) => `{"a": [{"x": "}"}], "p": {${Array.from({ length: n }, (_, i) => `"k${i}": {"v": [1, {"w": "\\""}]}`).join(',\n')}}}`;
    assertLinearGrowth(makeObject, text => locateObjectMembers(text, ['p'], JSON.parse(text).p), 5_000);
    assertLinearGrowth(makeObject, text => locateMembersOfMembers(text, []), 5_000);
    assertLinearGrowth(makeObject, text => valuesAt(text, ['p']), 5_000);
  });
});
