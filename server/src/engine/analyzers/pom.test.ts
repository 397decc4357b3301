// What the goldens do not show: notes for what needs a remote repository, parents held to the
// scan root, cycles and depth, property and entity bombs, malformed input, linear time, and
// Trivy's pom fixtures (direct dependencies only: the rest needs a repository).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { doublingRatio } from '../../../../test/helpers/linear-time';
import { CORPUS_DIR, corpusOrSkip } from '../../../../test/helpers/corpus';
import { analyzeFile } from '../scan';
import { DiskSource, MemorySource } from '../source';
import { analyzePom, interpolate, pomAnalyzer } from './pom';

const pom = (inner: string, coordinates = '<groupId>com.example</groupId><artifactId>app</artifactId><version>1.0.0</version>') =>
  `<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n${coordinates}\n${inner}\n</project>\n`;
const dependency = (group: string, artifact: string, version?: string, scope?: string) =>
  `<dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId>${version ? `<version>${version}</version>` : ''}${scope ? `<scope>${scope}</scope>` : ''}</dependency>`;

async function scan(files: Record<string, string>, file = 'pom.xml') {
  const result = await analyzeFile(new MemorySource(files), file, { analyzers: [pomAnalyzer], includeDevDeps: true });
  return { ids: result.results.flatMap(r => r.packages.map(p => p.id)), notes: result.notes ?? [], errors: result.errors.map(e => e.message) };
}

describe('pom analyzer', () => {
  it('reports direct dependencies with their purl, test and provided scopes as dev, and places each on its lines', () => {
    const content = pom(`  <dependencies>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>2.14.1</version>
    </dependency>
    ${dependency('junit', 'junit', '4.12', 'test')}
    ${dependency('javax.servlet', 'servlet-api', '2.5', 'provided')}
  </dependencies>`);
    const { packages } = analyzePom({ path: 'svc/pom.xml', content });
    assert.deepEqual(packages.map(p => [p.id, p.purl, p.dev]), [
      ['org.apache.logging.log4j:log4j-core@2.14.1', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', false],
      ['junit:junit@4.12', 'pkg:maven/junit/junit@4.12', true],
      ['javax.servlet:servlet-api@2.5', 'pkg:maven/javax.servlet/servlet-api@2.5', true],
    ]);
    const [log4j] = packages;
    assert.deepEqual([log4j.location!.startLine, log4j.location!.endLine], [5, 9]);
    assert.deepEqual(log4j.copies![0].highlight, { file: 'svc/pom.xml', startLine: 7, startColumn: 7, endLine: 7, endColumn: 42 });
  });

  it('names in a note each dependency whose version needs a remote parent or BOM, and leaves it out', async () => {
    const child = pom(`<parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>2.5.4</version></parent>
<dependencyManagement><dependencies>${dependency('io.micronaut', 'micronaut-bom', '3.0.0', 'import').replace('</artifactId>', '</artifactId><type>pom</type>')}</dependencies></dependencyManagement>
<dependencies>${dependency('org.springframework.boot', 'spring-boot-starter-web')}${dependency('org.yaml', 'snakeyaml', '${snakeyaml.version}')}${dependency('com.example', 'ranged', '[1.0,2.0)')}${dependency('com.example', 'pinned', '1.0.0')}</dependencies>`,
    '<artifactId>app</artifactId>');
    const { ids, notes } = await scan({ 'pom.xml': child });
    assert.deepEqual(ids, ['com.example:pinned@1.0.0']);
    assert.deepEqual(notes, [
      'pom.xml: org.springframework.boot:spring-boot-starter-web was not checked: its version is managed elsewhere, perhaps in the imported BOM io.micronaut:micronaut-bom:3.0.0, which needs a remote repository',
      'pom.xml: org.yaml:snakeyaml was not checked: its version is a property this POM and its parents in the workspace do not define; the parent POM org.springframework.boot:spring-boot-starter-parent:2.5.4, which is not in the workspace (a remote repository has it) may define it',
      'pom.xml: com.example:ranged was not checked: its version is a range, which only a remote repository resolves',
    ]);
  });

  it('reads parents at their relative path, checks their coordinates, and never leaves the scan root', async () => {
    const parent = pom('<properties><lib.version>3.1</lib.version></properties>', '<groupId>com.example</groupId><artifactId>parent</artifactId><version>1</version>');
    const child = (relativePath?: string) => pom(`<parent><groupId>com.example</groupId><artifactId>parent</artifactId><version>1</version>${relativePath === undefined ? '' : `<relativePath>${relativePath}</relativePath>`}</parent>
<dependencies>${dependency('com.example', 'lib', '${lib.version}')}</dependencies>`, '<artifactId>child</artifactId>');
    assert.deepEqual((await scan({ 'pom.xml': parent, 'child/pom.xml': child() }, 'child/pom.xml')).ids, ['com.example:lib@3.1']);
    assert.deepEqual((await scan({ 'build/parent.xml': parent, 'child/pom.xml': child('../build/parent.xml') }, 'child/pom.xml')).ids, ['com.example:lib@3.1']);
    assert.deepEqual((await scan({ 'build/pom.xml': parent, 'child/pom.xml': child('../build') }, 'child/pom.xml')).ids, ['com.example:lib@3.1']);
    // An empty relativePath means "from the repository"; a POM of other coordinates is not the parent.
    assert.deepEqual((await scan({ 'pom.xml': parent, 'child/pom.xml': child('') }, 'child/pom.xml')).ids, []);
    const other = parent.replace('<artifactId>parent</artifactId>', '<artifactId>other</artifactId>');
    assert.deepEqual((await scan({ 'pom.xml': other, 'child/pom.xml': child() }, 'child/pom.xml')).ids, []);
    // A relative path out of the scan root is never read, even when the source has the file.
    const outside = await scan({ 'pom.xml': parent, 'a/pom.xml': child('../../pom.xml') }, 'a/pom.xml');
    assert.deepEqual(outside.ids, []);
    assert.match(outside.notes[0], /not in the workspace/);
  });

  it('stops at a cycle of parents and at a chain deeper than its cap, and says so', async () => {
    const link = (name: string, next: string, path: string) => pom(`<parent><groupId>g</groupId><artifactId>${next}</artifactId><version>1</version><relativePath>${path}</relativePath></parent>
<dependencies>${dependency('g', 'lib', '${v}')}</dependencies>`, `<groupId>g</groupId><artifactId>${name}</artifactId><version>1</version>`);
    const cycle = await scan({ 'a/pom.xml': link('a', 'b', '../b/pom.xml'), 'b/pom.xml': link('b', 'a', '../a/pom.xml') }, 'a/pom.xml');
    assert.deepEqual(cycle.ids, []);
    assert.match(cycle.notes[0], /leads back to a POM of this chain/);

    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`p${i}/pom.xml`] = link(`p${i}`, `p${i + 1}`, `../p${i + 1}/pom.xml`);
    const deep = await scan(files, 'p0/pom.xml');
    assert.deepEqual(deep.ids, []);
    assert.match(deep.notes[0], /past 16 parents/);
  });

  it('refuses properties that expand without bound, and entity definitions', () => {
    const properties = new Map([['a0', 'x']]);
    for (let i = 1; i <= 40; i++) properties.set(`a${i}`, `\${a${i - 1}}\${a${i - 1}}`);
    assert.equal(interpolate('${a40}', properties), undefined);
    assert.equal(interpolate('${a3}', properties), 'xxxxxxxx');
    assert.equal(interpolate('${loop}', new Map([['loop', '${loop}']])), undefined);

    const secret = 'sekret-token-123';
    const laughs = `<?xml version="1.0"?><!DOCTYPE project [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY ${secret} "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><project><version>&${secret};</version></project>`;
    const cases: [string, RegExp][] = [
      [laughs, /not a valid pom\.xml: it has a DOCTYPE/],
      [`<project><dependencies><${secret}></dependencies></project>`, /not a valid pom\.xml: malformed XML \(.*line 1, column \d+\)/],
      [`<${secret}/>`, /the root element is not <project>/],
      [`{"${secret}": 1}`, /not a valid pom\.xml: malformed XML/],
    ];
    for (const [content, expected] of cases) {
      assert.throws(() => analyzePom({ path: 'pom.xml', content }), (error: Error) => {
        assert.ok(!(error instanceof TypeError) && !(error instanceof RangeError), String(error));
        assert.match(error.message, expected);
        assert.ok(!error.message.includes(secret), error.message);
        return true;
      });
    }
  });

  it('takes time that grows linearly with the dependencies', function () {
    this.timeout(60_000);
    const make = (size: number) => {
      let items = '';
      for (let i = 0; i < size; i++) items += `    ${dependency(`org.example${i}`, `artifact-${i}`, i % 2 ? '${shared.version}' : `1.${i}`)}\n`;
      return pom(`<properties><shared.version>2.0</shared.version></properties>\n  <dependencies>\n${items}  </dependencies>`);
    };
    const { ratio } = doublingRatio(make, content => analyzePom({ path: 'pom.xml', content }), 1000);
    assert.ok(ratio < 3, `time(2N)/time(N) = ${ratio.toFixed(2)}`);
  });
});

/**
 * Trivy's pom fixtures, compared on direct dependencies (Trivy's others come from its test
 * repository, which an offline scan does not have), with the reason for each difference.
 */
const TRIVY_POM_DIFFERENCES: Record<string, string> = {
  'dep-without-version/pom.xml': 'the version is managed by a parent in a remote repository: a note, no package (Trivy lists the package without a version)',
  'version-requirement/pom.xml': 'the version is a range that only a repository resolves: a note, no package (Trivy lists the package without a version)',
  'import-dependency-management/pom.xml': 'the version comes from a BOM in a remote repository: a note',
  'import-dependency-management-multiple/pom.xml': 'the version comes from BOMs in a remote repository: a note',
  'inherit-props/base/pom.xml': 'the version comes from a BOM in a remote repository: a note',
  'hard-requirement/pom.xml': "the POM writes example-dependency 1.2.4; Trivy's 1.2.3 is a transitive hard requirement from its test repository",
  'inherit-scopes-from-child-deps-and-their-parents/pom.xml': 'the derived expectation lists only the root project; the POM declares three dependencies with versions',
  'inherit-scopes-in-children-from-root/pom.xml': 'the derived expectation lists only the root project; the POM declares three dependencies with versions',
  'parent-dependencies/child/pom.xml': "the dependency is declared in the parent: reported on the parent's pom.xml, where it is written",
  'use-child-dep-management-in-parent/pom.xml': "the dependencies are declared in the parent: reported (or noted) on the parent's pom.xml",
  'modules-infinity-loop/pom.xml': "an aggregator: each module's dependencies are reported on the module's own pom.xml",
  'multi-module/pom.xml': "an aggregator: each module's dependencies are reported on the module's own pom.xml",
  'multi-module-soft-requirement/pom.xml': "an aggregator: each module's dependencies are reported on the module's own pom.xml",
  'multiple-modules-with-deps-with-same-gav/pom.xml': "an aggregator: each module's dependencies are reported on the module's own pom.xml",
  'multiple-modules-with-deps-with-same-gav-with-props/pom.xml': "an aggregator: each module's dependencies are reported on the module's own pom.xml",
  'nested-modules/pom.xml': "an aggregator: each module's dependencies are reported on the module's own pom.xml",
};

describe("pom analyzer on Trivy's pom fixtures", function () {
  it('finds the direct dependencies Trivy expects, or a recorded reason why not', async function () {
    const testdata = corpusOrSkip(this, 'vuln/trivy/parser-testdata/pkg/dependency/parser/java/pom/testdata');
    if (!testdata) return;
    const expected = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'vuln/trivy/parser-testdata/EXPECTED-PACKAGES.derived.json'), 'utf8')).fixtures;
    const source = new DiskSource(testdata);
    let matched = 0;
    let compared = 0;
    for (const [fixture, cases] of Object.entries<{ packages: { name: string; version?: string; relationship?: string }[] }[]>(expected)) {
      if (!fixture.includes('/java/pom/testdata/')) continue;
      const file = fixture.split('/java/pom/testdata/')[1];
      compared++;
      const result = await analyzeFile(source, file, { analyzers: [pomAnalyzer] });
      assert.deepEqual(result.errors, [], file);
      const got = [...new Set(result.results.flatMap(r => r.packages.map(p => p.id)))].sort();
      const want = [...new Set(cases[0].packages.filter(p => p.relationship === 'direct').map(p => `${p.name}@${p.version ?? ''}`))].sort();
      const same = JSON.stringify(got) === JSON.stringify(want);
      assert.ok(same !== (file in TRIVY_POM_DIFFERENCES), same ? `${file}: matches now, drop its recorded difference` : `${file}: want ${want}, got ${got}`);
      if (same) matched++;
    }
    console.log(`      conformance pom: ${matched}/${compared} fixtures match Trivy's direct dependencies (${compared - matched} differ for recorded reasons)`);
  });
});
