// What the goldens do not show: highlights, the dependency graph, malformed input, linear time.
import assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { parseDepsJson } from './dotnet-deps';

describe('dotnet-deps analyzer', () => {
  const deps = JSON.stringify({
    runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
    targets: {
      '.NETCoreApp,Version=v8.0': {
        'App/1.0.0': { dependencies: { 'Serilog.AspNetCore': '6.0.0', Lib: '1.0.0' }, runtime: { 'App.dll': {} } },
        'Lib/1.0.0': { dependencies: { 'Polly': '8.0.0' }, runtime: { 'Lib.dll': {} } },
        'Serilog.AspNetCore/6.0.0': { dependencies: { Serilog: '2.12.0', 'Reference.Only': '1.0.0' }, runtime: { 'lib/Serilog.AspNetCore.dll': {} } },
        'Serilog/2.12.0': { runtime: { 'lib/Serilog.dll': {} } },
        'Polly/8.0.0': { runtime: { 'lib/Polly.dll': {} } },
        'Reference.Only/1.0.0': {},
      },
    },
    libraries: {
      'App/1.0.0': { type: 'project' },
      'Lib/1.0.0': { type: 'project' },
      'Serilog.AspNetCore/6.0.0': { type: 'package', path: 'serilog.aspnetcore/6.0.0' },
      'Serilog/2.12.0': { type: 'package' },
      'Polly/8.0.0': { type: 'Package' },
      'Reference.Only/1.0.0': { type: 'package' },
      'Some.Reference/1.0.0': { type: 'reference' },
    },
  }, null, 2);

  it('reports packages with what projects require as direct, leaving out projects and compile-time references', () => {
    const packages = parseDepsJson(deps, 'bin/App.deps.json');
    assert.deepEqual(packages.map(p => [p.id, p.direct, p.dependsOn]), [
      ['Serilog.AspNetCore@6.0.0', true, ['Serilog@2.12.0']],
      ['Serilog@2.12.0', false, []],
      ['Polly@8.0.0', true, []],
    ]);
    const [first] = packages;
    assert.equal(first.purl, 'pkg:nuget/Serilog.AspNetCore@6.0.0');
    assert.deepEqual(first.copies![0].highlight, { file: 'bin/App.deps.json', startLine: 53, startColumn: 5, endLine: 53, endColumn: 31 });
    assert.deepEqual([first.location!.startLine, first.location!.endLine], [53, 56]);
  });

  it('refuses broken input with a message that says where, never what', () => {
    const secret = 'sekret-token-123';
    const cases: [string, RegExp][] = [
      [`{"libraries": {"${secret}/1.0": {"type": "package"}`, /not valid JSON \(.* at line 1, column \d+\)/],
      [`["${secret}"]`, /must hold a JSON object/],
      [`{"libraries": ["${secret}"]}`, /'libraries' is not an object/],
    ];
    for (const [content, expected] of cases) {
      assert.throws(() => parseDepsJson(content, 'a.deps.json'), (error: Error) => {
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  it('takes time that grows linearly with the libraries', function () {
    this.timeout(60_000);
    const make = (size: number) => {
      const target: Record<string, unknown> = { 'App/1.0.0': { dependencies: { Pkg0: '1.0.0' }, runtime: {} } };
      const libraries: Record<string, unknown> = { 'App/1.0.0': { type: 'project' } };
      for (let i = 0; i < size; i++) {
        target[`Pkg${i}/1.0.0`] = { dependencies: { [`Pkg${i + 1}`]: '1.0.0' }, runtime: { [`Pkg${i}.dll`]: {} } };
        libraries[`Pkg${i}/1.0.0`] = { type: 'package', sha512: 'x', path: `pkg${i}/1.0.0` };
      }
      return JSON.stringify({ runtimeTarget: { name: 't' }, targets: { t: target }, libraries }, null, 2);
    };
    const { ratio } = doublingRatio(make, text => parseDepsJson(text, 'a.deps.json'), 2000);
    assert.ok(ratio < 3, `time(2N)/time(N) = ${ratio.toFixed(2)}`);
  });
});
