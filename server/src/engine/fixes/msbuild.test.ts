import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import { parseProjectFile } from '../analyzers/csproj';
import { parsePackagesProps } from '../analyzers/packages-props';
import { csprojManifest } from './csproj';
import { applyTextEdits } from './edits';
import { declaredDependency, manifestFormatFor } from './manifests';
import { bumpNugetVersion } from './msbuild';
import { packagesPropsManifest } from './packagesProps';

const fixtures = path.resolve(__dirname, '../analyzers/fixtures');
const sdkStyle = readFileSync(path.join(fixtures, 'csproj/sdk-style.csproj'), 'utf8');
const centralProject = readFileSync(path.join(fixtures, 'csproj/central-versions/src/Web/Web.csproj'), 'utf8');
const props = readFileSync(path.join(fixtures, 'csproj/central-versions/Directory.Packages.props'), 'utf8');

const bumped = (format: typeof csprojManifest, text: string, name: string, version: string) => {
  const planned = format.bump(text, name, version);
  return planned && { spec: planned.spec, text: applyTextEdits(text, planned.edits) };
};

describe('fixes: NuGet versions', () => {
  it('raises a version in its own notation', () => {
    assert.equal(bumpNugetVersion('12.0.1', '13.0.1'), '13.0.1');
    assert.equal(bumpNugetVersion(' 12.0.1 ', '13.0.1'), '13.0.1');
    assert.equal(bumpNugetVersion('[12.0.1]', '13.0.1'), '[13.0.1]');
    assert.equal(bumpNugetVersion('[4.5.0, 5.0.0)', '4.7.2'), '[4.7.2, 5.0.0)');
    assert.equal(bumpNugetVersion('[4.5.0,)', '4.7.2'), '[4.7.2,)');
    assert.equal(bumpNugetVersion('[4.5.0,4.7.2]', '4.7.2'), '[4.7.2,4.7.2]');
  });

  it('refuses what names no version to raise, and an upper bound the fix lies beyond', () => {
    for (const written of ['6.*', '(4.5.0,)', '(,5.0)', '', '[4.5.0, 5.0.0)', '[1.0', '1.0 2.0']) {
      assert.equal(bumpNugetVersion(written, '5.0.0'), undefined, written);
    }
  });
});

describe('fixes: *.csproj', () => {
  it('is the manifest of every MSBuild project kind', () => {
    for (const file of ['App.csproj', 'src/Lib.fsproj', 'Old.vbproj']) assert.equal(manifestFormatFor(file), csprojManifest, file);
  });

  it('lists each PackageReference under the name the analyzer gives its package', () => {
    const listed = csprojManifest.list(sdkStyle);
    assert.deepEqual(listed.map(d => `${d.name}=${d.spec}`), [
      'Newtonsoft.Json=12.0.1', 'Serilog=$(SerilogVersion)', 'System.Text.Encodings.Web=[4.5.0, 5.0.0)', 'Microsoft.Data.SqlClient=2.1.2',
      'StyleCop.Analyzers=1.1.118', 'Floating.Package=6.*', 'Elsewhere.Package=$(DefinedInDirectoryBuildProps)', 'Newtonsoft.Json=12.0.1',
    ]);
    assert.ok(sdkStyle.slice(listed[0].offset, listed[0].offset + listed[0].length).startsWith('<PackageReference Include="Newtonsoft.Json"'));
    const analyzed = new Set(parseProjectFile({ path: 'sdk-style.csproj', content: sdkStyle }).packages.map(p => p.name));
    for (const name of analyzed) assert.ok(listed.some(d => d.name === name), name);
    assert.equal(declaredDependency(csprojManifest, sdkStyle, 'newtonsoft.json')?.name, 'Newtonsoft.Json', 'NuGet names compare case-insensitively');
  });

  it('bumps the Version attribute, the Version element and the property a version names', () => {
    const attribute = bumped(csprojManifest, sdkStyle, 'Newtonsoft.Json', '13.0.1')!;
    assert.equal(attribute.spec, '13.0.1');
    assert.match(attribute.text, /<PackageReference Include="Newtonsoft.Json" Version="13.0.1" \/>\n {4}<PackageReference Include="Serilog"/);
    assert.equal(attribute.text, sdkStyle.replaceAll('Include="Newtonsoft.Json" Version="12.0.1"', 'Include="Newtonsoft.Json" Version="13.0.1"'));
    assert.equal(attribute.text.split('"13.0.1"').length, 3, 'both declarations, the conditional one too');

    const element = bumped(csprojManifest, sdkStyle, 'microsoft.data.sqlclient', '2.1.7')!;
    assert.match(element.text, /<Version>2\.1\.7<\/Version>/);

    const property = bumped(csprojManifest, sdkStyle, 'Serilog', '2.12.0')!;
    assert.match(property.text, /<SerilogVersion>2\.12\.0<\/SerilogVersion>/);
    assert.match(property.text, /Version="\$\(SerilogVersion\)"/);

    const range = bumped(csprojManifest, sdkStyle, 'System.Text.Encodings.Web', '4.5.1')!;
    assert.match(range.text, /Version="\[4\.5\.1, 5\.0\.0\)"/);
  });

  it('keeps the exact-version brackets and rewrites a VersionOverride rather than the central version', () => {
    const exact = '<Project><ItemGroup><PackageReference Include="A" Version="[1.0.0]"/></ItemGroup></Project>';
    assert.equal(bumped(csprojManifest, exact, 'A', '1.2.0')!.text, exact.replace('[1.0.0]', '[1.2.0]'));
    const override = '<Project><ItemGroup><PackageReference Include="A" VersionOverride="1.0.0"/></ItemGroup></Project>';
    assert.equal(bumped(csprojManifest, override, 'A', '1.2.0')!.text, override.replace('1.0.0', '1.2.0'));
  });

  it('gives no bump where the version is not written in the project, floats, or is already there', () => {
    const central = csprojManifest.list(centralProject).find(d => d.spec === '');
    assert.ok(central, 'a reference with a central version is listed without a spec');
    assert.equal(csprojManifest.bump(centralProject, central.name, '99.0.0'), undefined);
    assert.equal(csprojManifest.bump(sdkStyle, 'Elsewhere.Package', '2.0.0'), undefined);
    assert.equal(csprojManifest.bump(sdkStyle, 'Floating.Package', '7.0.0'), undefined);
    assert.equal(csprojManifest.bump(sdkStyle, 'Newtonsoft.Json', '12.0.1'), undefined);
    assert.equal(csprojManifest.bump(sdkStyle, 'Newtonsoft.Json', '11.0.2'), undefined, 'never down');
    assert.equal(csprojManifest.bump(sdkStyle, 'Not.Declared', '1.0.0'), undefined);
  });

  it('says why a version is not the project\'s to raise', () => {
    assert.match(csprojManifest.whyNoBump!(centralProject, 'Newtonsoft.Json')!, /central: raise it in Directory\.Packages\.props/);
    assert.match(csprojManifest.whyNoBump!(sdkStyle, 'Elsewhere.Package')!, /property DefinedInDirectoryBuildProps, which this file does not define/);
    assert.match(csprojManifest.whyNoBump!(sdkStyle, 'Floating.Package')!, /floats/);
    assert.equal(csprojManifest.whyNoBump!(sdkStyle, 'Serilog'), undefined);
    assert.equal(csprojManifest.whyNoBump!('<Project', 'Serilog'), undefined);
  });

  it('writes a version XML-escaped', () => {
    const text = '<Project><ItemGroup><PackageReference Include="A" Version="1.0.0"/></ItemGroup></Project>';
    assert.equal(bumped(csprojManifest, text, 'A', '2.0.0-"x"&<y>')!.text.includes('Version="2.0.0-&quot;x&quot;&amp;&lt;y&gt;"'), true);
  });

  it('gives nothing for a malformed or foreign file, and never throws', () => {
    const malformed = readFileSync(path.join(fixtures, 'csproj/malformed.csproj'), 'utf8');
    for (const text of [malformed, '', '<Other/>', '<!DOCTYPE x><Project/>', '{"json": true}', '<Project><ItemGroup><PackageReference Include="A" Version="1.0"']) {
      assert.deepEqual(csprojManifest.list(text), []);
      assert.equal(csprojManifest.bump(text, 'A', '2.0'), undefined);
    }
  });

  it('lists in linear time', function () {
    this.timeout(60000);
    const make = (n: number) => `<Project><ItemGroup>\n${'  <PackageReference Include="Pkg" Version="1.0.0" />\n'.repeat(n)}</ItemGroup></Project>`;
    assertLinearGrowth(make, text => csprojManifest.list(text), 1000);
  });
});

describe('fixes: Directory.Packages.props', () => {
  it('lists the versioned items under the analyzer\'s names and bumps one in place', () => {
    const listed = packagesPropsManifest.list(props);
    const analyzed = parsePackagesProps(props, 'Directory.Packages.props').packages.map(p => p.name);
    assert.deepEqual([...new Set(listed.map(d => d.name))].sort(), [...new Set(analyzed)].sort());
    const [first] = listed;
    const planned = bumped(packagesPropsManifest, props, first.name.toUpperCase(), '99.0.0')!;
    assert.equal(planned.spec, '99.0.0');
    const again = packagesPropsManifest.list(planned.text);
    assert.equal(again.find(d => d.name === first.name)!.spec, '99.0.0');
    assert.deepEqual(again.slice(1), packagesPropsManifest.list(props).slice(1).map(d => ({ ...d, offset: d.offset + planned.text.length - props.length })));
  });

  it('bumps a version held in a property of the file, and leaves a version-less reference out', () => {
    const text = `<Project>
  <PropertyGroup><AspNetVersion>6.0.0</AspNetVersion></PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="Microsoft.AspNetCore.Authentication.JwtBearer" Version="$(AspNetVersion)" />
    <PackageReference Include="Takes.Its.Version.From.Here" />
  </ItemGroup>
</Project>`;
    assert.deepEqual(packagesPropsManifest.list(text).map(d => d.name), ['Microsoft.AspNetCore.Authentication.JwtBearer']);
    const planned = bumped(packagesPropsManifest, text, 'Microsoft.AspNetCore.Authentication.JwtBearer', '6.0.36')!;
    assert.equal(planned.text, text.replace('<AspNetVersion>6.0.0<', '<AspNetVersion>6.0.36<'));
    assert.equal(manifestFormatFor('build/Directory.Packages.props'), packagesPropsManifest);
  });
});
