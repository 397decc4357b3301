// What the goldens do not show: notes for versions it cannot read, versions as child elements,
// and linear time.
import assert from 'node:assert/strict';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { parsePackagesProps } from './packages-props';

describe('packages-props analyzer', () => {
  it('reads central versions, properties and child elements, and names what it cannot read', () => {
    const { packages, notes } = parsePackagesProps(`<Project>
  <PropertyGroup><AspNetVersion>6.0.1</AspNetVersion></PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="Microsoft.AspNetCore.Mvc" Version="$(AspNetVersion)" />
    <PackageVersion Include="Polly"><Version>7.2.3</Version></PackageVersion>
    <GlobalPackageReference Include="Nerdbank.GitVersioning" Version="3.5.119" />
    <PackageVersion Include="Floating" Version="1.*" />
    <PackageVersion Include="Elsewhere" Version="$(NotHere)" />
  </ItemGroup>
</Project>`, 'Directory.Packages.props');
    assert.deepEqual(packages.map(p => [p.id, p.direct, p.location!.startLine]), [
      ['Microsoft.AspNetCore.Mvc@6.0.1', true, 4], ['Polly@7.2.3', true, 5], ['Nerdbank.GitVersioning@3.5.119', true, 6],
    ]);
    assert.deepEqual(notes, [
      'Floating was not checked: its version is floating or a range without a lowest version',
      'Elsewhere was not checked: its version is a property this file does not define',
    ]);
  });

  it('takes time that grows linearly with the versions', function () {
    this.timeout(60_000);
    const make = (size: number) => {
      let items = '';
      for (let i = 0; i < size; i++) items += `    <PackageVersion Include="Pkg${i}" Version="1.${i}.0" />\n`;
      return `<Project>\n  <ItemGroup>\n${items}  </ItemGroup>\n</Project>\n`;
    };
    const { ratio } = doublingRatio(make, content => parsePackagesProps(content, 'Directory.Packages.props'), 2000);
    assert.ok(ratio < 3, `time(2N)/time(N) = ${ratio.toFixed(2)}`);
  });
});
