// What the goldens do not show: highlights, notes, central versions read from a folder above,
// malformed and hostile XML, linear time.
import assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { analyzeFile } from '../scan';
import { MemorySource } from '../source';
import { csprojAnalyzer, parseProjectFile } from './csproj';

const analyze = (content: string, related?: Record<string, string>) =>
  parseProjectFile({ path: 'src/App/App.csproj', content, related: related && new Map(Object.entries(related)) });

describe('csproj analyzer', () => {
  it('underlines the start tag, or the package name when the tag spans lines', () => {
    const { packages } = analyze([
      '<Project Sdk="Microsoft.NET.Sdk">',
      '  <ItemGroup>',
      '    <PackageReference Include="Newtonsoft.Json" Version="12.0.1" />',
      '    <PackageReference',
      '        Include="Serilog"',
      '        Version="2.10.0" />',
      '  </ItemGroup>',
      '</Project>',
    ].join('\n'));
    const places = packages.map(p => [p.id, p.location, p.copies![0].highlight].map(x => (typeof x === 'string' ? x : `${x!.startLine}:${x!.startColumn}-${x!.endLine}:${x!.endColumn}`)));
    assert.deepEqual(places, [
      ['Newtonsoft.Json@12.0.1', '3:5-3:68', '3:5-3:68'],
      ['Serilog@2.10.0', '4:5-6:28', '5:9-5:26'],
    ]);
  });

  it('names in a note each reference whose version it cannot work out', () => {
    const { packages, notes } = analyze(`<Project><ItemGroup>
      <PackageReference Include="A" Version="6.*" />
      <PackageReference Include="B" Version="$(Elsewhere)" />
      <PackageReference Include="C" />
      <PackageReference Include="D" Version="(1.0,)" />
      <PackageReference Include="E" Version="[1.2.3]" />
    </ItemGroup></Project>`);
    assert.deepEqual(packages.map(p => p.id), ['E@1.2.3']);
    assert.deepEqual(notes, [
      'A was not checked: its version is floating or a range without a lowest version',
      'B was not checked: its version is a property this file does not define',
      'C was not checked: it has no version, and no Directory.Packages.props in its folder or above gives one',
      'D was not checked: its version is floating or a range without a lowest version',
    ]);
  });

  it('reads central versions from the nearest Directory.Packages.props at or above the project, inside the scan root', async () => {
    const project = '<Project><ItemGroup><PackageReference Include="Newtonsoft.Json" /></ItemGroup></Project>';
    const props = (version: string) => `<Project><ItemGroup><PackageVersion Include="newtonsoft.json" Version="${version}" /></ItemGroup></Project>`;
    const source = new MemorySource({
      'Directory.Packages.props': props('9.0.1'),
      'src/Directory.Packages.props': props('12.0.3'),
      'src/App/App.csproj': project,
      'other/Other.csproj': project,
    });
    const ids = async (path: string) => {
      const scan = await analyzeFile(source, path, { analyzers: [csprojAnalyzer] });
      return scan.results.flatMap(r => r.packages.map(p => p.id));
    };
    assert.deepEqual(await ids('src/App/App.csproj'), ['Newtonsoft.Json@12.0.3']);
    assert.deepEqual(await ids('other/Other.csproj'), ['Newtonsoft.Json@9.0.1']);
  });

  it('refuses malformed XML and a DOCTYPE (entity expansion) with a message that never quotes the file', () => {
    const secret = 'sekret-token-123';
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY ${secret} "&lol3;&lol3;&lol3;&lol3;">]>
<Project><ItemGroup><PackageReference Include="&${secret};" Version="1.0.0" /></ItemGroup></Project>`;
    const cases: [string, RegExp][] = [
      [laughs, /it has a DOCTYPE/],
      [`<Project><ItemGroup><${secret}></ItemGroup></Project>`, /malformed XML \(.*line 1, column \d+\)/],
      [`<Project><PackageReference Include="&${secret};" /></Project>`, /malformed XML/],
      [`<${secret}/>`, /the root element is not <Project>/],
      [secret, /malformed XML|no XML element/],
    ];
    for (const [content, expected] of cases) {
      assert.throws(() => analyze(content), (error: Error) => {
        assert.ok(!(error instanceof TypeError) && !(error instanceof RangeError), String(error));
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  it('takes time that grows linearly with the references', function () {
    this.timeout(60_000);
    const make = (size: number) => {
      let items = '';
      for (let i = 0; i < size; i++) items += `    <PackageReference Include="Pkg${i}" Version="1.${i}.0" PrivateAssets="all" />\n`;
      return `<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n${items}  </ItemGroup>\n</Project>\n`;
    };
    const { ratio } = doublingRatio(make, content => analyze(content), 1000);
    assert.ok(ratio < 3, `time(2N)/time(N) = ${ratio.toFixed(2)}`);
  });
});
