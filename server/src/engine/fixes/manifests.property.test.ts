// Property-based test of the composer.json, *.csproj, Directory.Packages.props and pom.xml
// manifests on the analyzers' fixtures, mutated: list, bump, override and whyNoBump never throw,
// every listed declaration lies inside the text, and a bump's edits lie inside it too and leave
// the package listed with the spec it wrote.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { composerJsonManifest } from './composerJson';
import { csprojManifest } from './csproj';
import { applyTextEdits } from './edits';
import type { ManifestFormat } from './manifests';
import { packagesPropsManifest } from './packagesProps';
import { pomManifest } from './pom';

const fixtures = path.resolve(__dirname, '../analyzers/fixtures');
const CASES: [string, ManifestFormat, string[]][] = [
  ['composer.json', composerJsonManifest, ['composer-lock/with-manifest/composer.json']],
  ['*.csproj', csprojManifest, ['csproj/sdk-style.csproj', 'csproj/central-versions/src/Web/Web.csproj']],
  ['Directory.Packages.props', packagesPropsManifest, ['csproj/central-versions/Directory.Packages.props', 'packages-props/Directory.Packages.props']],
  ['pom.xml', pomManifest, ['pom/happy.xml', 'pom/use-root-dep-management-in-parent/pom.xml', 'pom/parent-child-properties/pom.xml']],
];
const PUNCTUATION = ['{', '}', '"', ':', ',', '<', '>', '/', '&', '$', '(', ')', '[', ']', '${', '$(', '\n', '=', ' ', '\u0000'];

const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat({ max: 20 }),
  kind: fc.constantFrom('delete', 'insert'),
  text: fc.oneof(fc.constantFrom(...PUNCTUATION), fc.string({ maxLength: 6 })),
});

function mutate(text: string, { at, length, kind, text: inserted }: { at: number; length: number; kind: string; text: string }): string {
  const start = Math.floor(at * text.length);
  return kind === 'delete' ? text.slice(0, start) + text.slice(start + length) : text.slice(0, start) + inserted + text.slice(start);
}

describe('manifests on mutated fixtures (property-based)', function () {
  this.timeout(120_000);
  for (const [label, format, files] of CASES) {
    const texts = files.map(file => fs.readFileSync(path.join(fixtures, file), 'utf8'));
    it(`${label}: never throws, and what it lists and writes stays inside the file`, () => {
      fc.assert(fc.property(fc.constantFrom(...texts), fc.array(mutation, { minLength: 1, maxLength: 3 }), (fixture, mutations) => {
        const text = mutations.reduce(mutate, fixture);
        const listed = format.list(text);
        for (const dependency of listed) {
          assert.ok(dependency.offset >= 0 && dependency.offset + dependency.length <= text.length, dependency.name);
          const bump = format.bump(text, dependency.name, '99.0.1');
          format.whyNoBump?.(text, dependency.name);
          if (bump) {
            for (const edit of bump.edits) assert.ok(edit.offset >= 0 && edit.offset + edit.length <= text.length);
            const after = applyTextEdits(text, bump.edits);
            assert.ok(format.list(after).some(d => d.name === dependency.name), `${dependency.name} still declared`);
          }
        }
        const override = format.override?.(text, label === 'pom.xml' ? 'org.acme:lib' : 'acme/lib', '1.0.0', '1.0.1', 'none');
        for (const edit of override?.edits ?? []) assert.ok(edit.offset >= 0 && edit.offset + edit.length <= text.length);
      }), { numRuns: 300 });
    });
  }
});
