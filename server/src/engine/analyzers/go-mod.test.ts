import { goModWithModules } from '../../../../test/helpers/generated-go-mod';
import assert from 'node:assert/strict';
import { parseGoMod } from './go-mod';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const summary = (text: string, goSum?: string) =>
  parseGoMod(text, 'go.mod', goSum).map(p => [p.id, p.direct, p.location?.startLine ?? null]);

describe('go.mod parser', () => {
  it('reads require lines and blocks, quoted paths, comments, and // indirect as modfile does', () => {
    const text = [
      '// a comment', 'module example.com/app // the module', '', 'go 1.20', '',
      'require "github.com/Quoted/Mod" v1.0.0', 'require (', '\tgolang.org/x/text v0.3.6 // indirect; needed by x',
      '\tgolang.org/x/net v0.1.0 // not indirect', '\t// indirect on a line of its own', ')',
    ].join('\n');
    const packages = parseGoMod(text, 'app/go.mod');
    assert.deepEqual(packages.map(p => [p.id, p.direct]), [
      ['github.com/Quoted/Mod@v1.0.0', true], ['golang.org/x/text@v0.3.6', false], ['golang.org/x/net@v0.1.0', true],
    ]);
    assert.equal(packages[0].purl, 'pkg:golang/github.com/quoted/mod@v1.0.0');
    assert.deepEqual(packages[1].location, { file: 'app/go.mod', startLine: 8, startColumn: 1, endLine: 8, endColumn: 51 });
    assert.deepEqual(packages[1].copies![0].highlight, { file: 'app/go.mod', startLine: 8, startColumn: 2, endLine: 8, endColumn: 26 });
  });

  it('reports the toolchain as stdlib: the toolchain line, else a go line of 1.21 or later', () => {
    assert.deepEqual(summary('module m\ngo 1.21\ntoolchain go1.22.5-custom\n'), [['stdlib@v1.22.5', true, 3]]);
    assert.deepEqual(summary('module m\ngo 1.22\n'), [['stdlib@v1.22.0', true, 2]]);
    assert.deepEqual(summary('module m\ngo 1.21.3\n'), [['stdlib@v1.21.3', true, 2]]);
    assert.deepEqual(summary('module m\ngo 1.23rc1\n'), [['stdlib@v1.23rc1', true, 2]]);
    assert.deepEqual(summary('module m\ngo 1.20\n'), []);
  });

  it('applies replace directives: by version or for every version, to another module or to a local folder', () => {
    const text = [
      'module m', 'go 1.17', 'require (', '\ta.example/one v1.0.0', '\tb.example/two v2.0.0', '\tc.example/three v3.0.0', '\td.example/four v4.0.0', ')',
      'replace a.example/one v1.0.0 => a.example/fork v1.0.1', 'replace b.example/two v9.9.9 => b.example/fork v2.0.1',
      'replace (', '\tc.example/three => ../three', '\td.example/four => d.example/four v4.0.1', ')', 'replace z.example/unused => z.example/fork v1.0.0',
    ].join('\n');
    assert.deepEqual(summary(text), [
      ['b.example/two@v2.0.0', true, 5], ['a.example/fork@v1.0.1', true, 9], ['d.example/four@v4.0.1', true, 13],
    ]);
    const fork = parseGoMod(text, 'go.mod').find(p => p.name === 'a.example/fork')!;
    assert.deepEqual(fork.copies![0].highlight, { file: 'go.mod', startLine: 9, startColumn: 33, endLine: 9, endColumn: 54 });
  });

  it('adds the modules go.sum holds code for, before Go 1.17 only, at their highest version', () => {
    const goSum = [
      'a.example/x v1.0.0 h1:aaa=', 'a.example/x v1.0.0/go.mod h1:bbb=', 'b.example/y v1.2.0 h1:ccc=', 'b.example/y v1.10.0 h1:ddd=',
      'c.example/only-go-mod v1.0.0/go.mod h1:eee=', '',
    ].join('\n');
    const text = (go: string) => `module m\n${go}\nrequire a.example/x v1.0.0\n`;
    assert.deepEqual(summary(text('go 1.16'), goSum), [['a.example/x@v1.0.0', true, 3], ['b.example/y@v1.10.0', false, null]]);
    assert.deepEqual(summary(text(''), goSum).length, 2, 'no go line: before 1.17');
    assert.deepEqual(summary(text('go 1.17'), goSum), [['a.example/x@v1.0.0', true, 3]]);
  });

  const SECRET = 'hunter2-token';
  const broken: [string, string, RegExp][] = [
    ['text that is no go.mod', `${SECRET} is here\n`, /not a go\.mod directive \(line 1\)/],
    ['an unclosed block', `module m\nrequire (\n\t${SECRET} v1.0.0\n`, /block is not closed \(line 2\)/],
    ['a require without a version', `module m\nrequire ${SECRET}\n`, /'require' is not a module path and a version \(line 2\)/],
    ['an unclosed quote', `module m\nrequire "${SECRET} v1\n`, /not closed \(line 2\)/],
    ['a replace without an arrow', `module m\nreplace ${SECRET} v1\n`, /'replace' is not/],
  ];
  for (const [what, content, message] of broken) {
    it(`throws on ${what}, naming the line but not quoting the file`, () => {
      assert.throws(() => parseGoMod(content, 'go.mod'), (error: Error) => {
        assert.match(error.message, message);
        assert.ok(!error.message.includes(SECRET), error.message);
        return true;
      });
    });
  }

  // Below the size where the garbage collector starts promoting objects (a step in the curve).
  it('time grows linearly (twice the modules, well under three times the time)', function () {
    this.timeout(60_000);
    this.retries(2); // a busy shared machine can slow one size more than the other; a quadratic parser fails every try
    const { ratio } = doublingRatio(goModWithModules, text => parseGoMod(text, 'go.mod'), 600);
    assert.ok(ratio < 3, `ratio ${ratio.toFixed(2)}`);
  });
});
