import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { assertLinearGrowth } from '../../../../test/helpers/linear-time';
import { analyzePom } from '../analyzers/pom';
import { applyTextEdits } from './edits';
import { declaredDependency, manifestFormatFor } from './manifests';
import { pomManifest } from './pom';

const fixtures = path.resolve(__dirname, '../analyzers/fixtures/pom');
const read = (file: string) => readFileSync(path.join(fixtures, file), 'utf8');
const happy = read('happy.xml');
const managedInFile = read('use-root-dep-management-in-parent/pom.xml');
const childOfParent = read('parent-child-properties/pom.xml');

const bumped = (text: string, name: string, version: string) => {
  const planned = pomManifest.bump(text, name, version);
  return planned && { spec: planned.spec, text: applyTextEdits(text, planned.edits) };
};
const overridden = (text: string, name: string, version: string) => {
  const planned = pomManifest.override!(text, name, '0', version, 'none');
  return planned && { field: planned.field, text: applyTextEdits(text, planned.edits) };
};

describe('fixes: pom.xml', () => {
  it('lists dependencies and managed entries as group:artifact, the names the analyzer gives', () => {
    assert.equal(manifestFormatFor('svc/pom.xml'), pomManifest);
    const listed = pomManifest.list(happy);
    assert.deepEqual(listed.map(d => `${d.section}:${d.name}=${d.spec}`), [
      'dependencies:org.example:example-api=${api.version}',
      'dependencies:org.example:example-runtime=1.0.0',
      'dependencies:org.example:example-provided=999',
    ]);
    assert.match(happy.slice(listed[0].offset, listed[0].offset + listed[0].length), /^<dependency>[^]*<\/dependency>$/);
    assert.deepEqual(listed.map(d => d.name), analyzePom({ path: 'pom.xml', content: happy }).packages.map(p => p.name));
    assert.deepEqual(pomManifest.list(managedInFile).map(d => `${d.section}:${d.name}`), [
      'dependencyManagement:org.example:example-api', 'dependencies:org.example:example-dependency',
    ]);
    assert.equal(declaredDependency(pomManifest, happy, 'org.example:Example-API'), undefined, 'Maven names are case-sensitive');
  });

  it('bumps a literal version, and a version held in a property at the property', () => {
    const literal = bumped(happy, 'org.example:example-runtime', '1.0.5')!;
    assert.equal(literal.spec, '1.0.5');
    assert.equal(literal.text, happy.replace('<version>1.0.0</version>\n            <scope>runtime', '<version>1.0.5</version>\n            <scope>runtime'));
    const property = bumped(happy, 'org.example:example-api', '1.7.36')!;
    assert.equal(property.text, happy.replace('<api.version>1.7.30</api.version>', '<api.version>1.7.36</api.version>'));
    assert.equal(analyzePom({ path: 'pom.xml', content: property.text }).packages[0].id, 'org.example:example-api@1.7.36');
  });

  it('bumps the dependencyManagement entry that gives a version-less dependency its version', () => {
    const text = managedInFile.replace('<artifactId>example-dependency</artifactId>\n            <version>2.0.0</version>',
      '<artifactId>example-dependency</artifactId>');
    const managed = text.replace('<dependencies>\n            <dependency>\n                <groupId>org.example</groupId>\n                <artifactId>example-api</artifactId>\n                <version>${api.version}</version>',
      '<dependencies>\n            <dependency>\n                <groupId>org.example</groupId>\n                <artifactId>example-dependency</artifactId>\n                <version>2.0.0</version>\n            </dependency>\n            <dependency>\n                <groupId>org.example</groupId>\n                <artifactId>example-api</artifactId>\n                <version>${api.version}</version>');
    assert.notEqual(managed, text);
    const planned = bumped(managed, 'org.example:example-dependency', '2.0.3')!;
    assert.equal(planned.text, managed.replace('<version>2.0.0</version>', '<version>2.0.3</version>'));
    assert.equal(analyzePom({ path: 'pom.xml', content: planned.text }).packages[0].id, 'org.example:example-dependency@2.0.3');
    // A managed entry alone, its version in a property.
    assert.equal(bumped(managedInFile, 'org.example:example-api', '1.0.2')!.text, managedInFile.replace('<api.version>1.0.1<', '<api.version>1.0.2<'));
  });

  it('gives no bump where the version is not written in this file, is a range, or is already there', () => {
    // ${project.version} is the project's coordinates; the other comes from the parent POM.
    assert.equal(pomManifest.bump(childOfParent, 'org.example:example-dependency', '9.0.0'), undefined);
    assert.equal(pomManifest.bump(childOfParent, 'org.example:example-api3', '9.0.0'), undefined);
    const fromParent = happy.replace('<api.version>1.7.30</api.version>', '');
    assert.equal(pomManifest.bump(fromParent, 'org.example:example-api', '1.7.36'), undefined);
    const versionless = managedInFile.replace('\n            <version>2.0.0</version>', '');
    assert.equal(pomManifest.bump(versionless, 'org.example:example-dependency', '2.0.3'), undefined);
    const range = happy.replace('<version>1.0.0</version>\n            <scope>runtime', '<version>[1.0,2.0)</version>\n            <scope>runtime');
    assert.notEqual(range, happy);
    assert.equal(pomManifest.bump(range, 'org.example:example-runtime', '1.0.5'), undefined);
    assert.equal(pomManifest.bump(happy, 'org.example:example-runtime', '1.0.0'), undefined);
    assert.equal(pomManifest.bump(happy, 'org.example:example-runtime', '0.9'), undefined);
    assert.equal(pomManifest.bump(happy, 'org.example:absent', '1.0.0'), undefined);
  });

  it('says why the version is not this file\'s to raise, and nothing where it is', () => {
    assert.match(pomManifest.whyNoBump!(childOfParent, 'org.example:example-dependency')!, /\$\{project\.version\}, the project's own/);
    const fromParent = happy.replace('<api.version>1.7.30</api.version>', '');
    assert.match(pomManifest.whyNoBump!(fromParent, 'org.example:example-api')!, /property api\.version, which this POM does not define \(a parent POM does\)/);
    const versionless = managedInFile.replace('\n            <version>2.0.0</version>', '');
    assert.match(pomManifest.whyNoBump!(versionless, 'org.example:example-dependency')!, /managed outside this POM/);
    assert.equal(pomManifest.whyNoBump!(happy, 'org.example:example-api'), undefined);
    assert.equal(pomManifest.whyNoBump!(happy, 'org.example:absent'), undefined);
    assert.equal(pomManifest.whyNoBump!('<project', 'org.example:example-api'), undefined);
  });

  it('pins an indirect package in a new dependencyManagement, before the dependencies and indented like the file', () => {
    const planned = overridden(happy, 'com.fasterxml.jackson.core:jackson-databind', '2.13.4.2')!;
    assert.equal(planned.field, 'dependencyManagement');
    assert.equal(planned.text, happy.replace('    <dependencies>\n', `    <dependencyManagement>
        <dependencies>
            <dependency>
                <groupId>com.fasterxml.jackson.core</groupId>
                <artifactId>jackson-databind</artifactId>
                <version>2.13.4.2</version>
            </dependency>
        </dependencies>
    </dependencyManagement>
    <dependencies>
`));
    assert.deepEqual(pomManifest.list(planned.text).map(d => `${d.section}:${d.name}=${d.spec}`)[0], 'dependencyManagement:com.fasterxml.jackson.core:jackson-databind=2.13.4.2');
  });

  it('adds to an existing dependencyManagement, or raises the entry already there', () => {
    const added = overridden(managedInFile, 'org.yaml:snakeyaml', '2.0')!;
    assert.equal(added.text, managedInFile.replace('            </dependency>\n        </dependencies>\n    </dependencyManagement>', `            </dependency>
            <dependency>
                <groupId>org.yaml</groupId>
                <artifactId>snakeyaml</artifactId>
                <version>2.0</version>
            </dependency>
        </dependencies>
    </dependencyManagement>`));
    const raised = overridden(managedInFile, 'org.example:example-api', '1.0.2')!;
    assert.equal(raised.text, managedInFile.replace('<api.version>1.0.1<', '<api.version>1.0.2<'));
    assert.equal(overridden(managedInFile, 'org.example:example-api', '1.0.1'), undefined);
  });

  it('writes into a tab-indented or one-line POM, escaping what it writes', () => {
    const tabs = '<project>\n\t<modelVersion>4.0.0</modelVersion>\n</project>\n';
    assert.equal(overridden(tabs, 'a:b', '1.0')!.text,
      '<project>\n\t<modelVersion>4.0.0</modelVersion>\n\t<dependencyManagement>\n\t\t<dependencies>\n\t\t\t<dependency>\n\t\t\t\t<groupId>a</groupId>\n'
      + '\t\t\t\t<artifactId>b</artifactId>\n\t\t\t\t<version>1.0</version>\n\t\t\t</dependency>\n\t\t</dependencies>\n\t</dependencyManagement>\n</project>\n');
    const oneLine = '<project><dependencyManagement><dependencies></dependencies></dependencyManagement></project>';
    const written = overridden(oneLine, 'a&b:c', '1.0<2')!.text;
    assert.deepEqual(pomManifest.list(written).map(d => `${d.name}=${d.spec}`), ['a&b:c=1.0<2']);
    assert.match(written, /<groupId>a&amp;b<\/groupId>/);
    assert.equal(overridden('<project><dependencyManagement><dependencies/></dependencyManagement></project>', 'a:b', '1.0'), undefined);
    assert.equal(overridden(happy, 'not-maven', '1.0'), undefined);
  });

  it('gives nothing for a malformed or foreign file, and never throws', () => {
    for (const text of ['', '<project>', '<Project/>', '<!DOCTYPE project [<!ENTITY a "b">]><project/>', '{}', happy.slice(0, happy.length / 2)]) {
      assert.deepEqual(pomManifest.list(text), []);
      assert.equal(pomManifest.bump(text, 'org.example:example-api', '2.0'), undefined);
      assert.equal(pomManifest.override!(text, 'org.example:example-api', '1.0', '2.0', 'none'), undefined);
    }
  });

  it('lists and bumps in linear time', function () {
    this.timeout(60000);
    const make = (n: number) => `<project><properties><v>1.0</v></properties><dependencies>\n${'<dependency><groupId>g</groupId><artifactId>a</artifactId><version>${v}</version></dependency>\n'.repeat(n)}</dependencies></project>`;
    assertLinearGrowth(make, text => pomManifest.bump(text, 'g:a', '2.0'), 400);
  });
});
