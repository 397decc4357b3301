// Property-based test of the npm, yarn, pip, pnpm, NuGet (lockfile, packages.config, .deps.json, Directory.Packages.props, project files), Maven (pom.xml), Pub, Hex and Swift analyzers, and of the
// Dockerfile and secret analyzers, on their own fixtures, mutated: characters deleted, inserted, repeated or swapped for the format's own punctuation.
// Each analysis returns packages or throws a plain Error with a message (no TypeError or
// RangeError, never a hang), and a package always has a name, a version and places in the file.
import { analyzerInput } from '../../../../test/helpers/analyzer-input';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { ANALYZERS } from '.';

const IDS = ['npm-lock', 'yarn-lock', 'pip-requirements', 'pnpm-lock', 'nuget-lock', 'nuget-config', 'dotnet-deps', 'packages-props', 'csproj', 'pom', 'pub-lock', 'mix-lock', 'swift-resolved', 'dockerfile', 'secret'];
/** What the formats are made of: a mutation that uses it reaches deeper than random text. */
const PUNCTUATION = ['{', '}', '[', ']', '"', "'", ':', ',', '<', '>', '/', '&', '%', '(', ')', '@', '\n', '  ', '- ', '#', '\\', '=', '\u0000'];

const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat({ max: 40 }),
  kind: fc.constantFrom('delete', 'insert', 'repeat'),
  text: fc.oneof(fc.constantFrom(...PUNCTUATION), fc.string({ maxLength: 8 })),
});

interface Mutation { at: number; length: number; kind: 'delete' | 'insert' | 'repeat'; text: string }

function mutate(text: string, { at, length, kind, text: inserted }: Mutation): string {
  const start = Math.floor(at * text.length);
  if (kind === 'delete') return text.slice(0, start) + text.slice(start + length);
  if (kind === 'insert') return text.slice(0, start) + inserted + text.slice(start);
  return text.slice(0, start) + text.slice(start, start + length).repeat(50) + text.slice(start);
}

describe('dependency-file analyzers on mutated fixtures (property-based)', function () {
  this.timeout(120_000);
  for (const id of IDS) {
    const analyzer = ANALYZERS.find(a => a.id === id)!;
    const dir = path.join(__dirname, 'fixtures', id);
    // Fixture files (a folder fixture's files too: a lockfile beside its manifest).
    const files = (folder: string): string[] => fs.readdirSync(folder, { withFileTypes: true }).flatMap(entry =>
      (entry.isDirectory() ? files(path.join(folder, entry.name)) : [path.join(folder, entry.name)]));
    const fixtures = files(dir).filter(file => !file.endsWith('.golden.json') && !file.endsWith('ATTRIBUTION.md'))
      .map(file => fs.readFileSync(file, 'utf8'));

    it(`${id}: returns its packages or findings, or throws a plain Error`, () => {
      fc.assert(fc.property(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 3 }), (fixture, mutations) => {
        const content = mutations.reduce(mutate, fixture);
        let output;
        try {
          output = analyzer.analyze(analyzerInput(analyzer, analyzer.fileNames.find(name => !name.includes('*')) ?? 'file.txt', content));
        } catch (error) {
          assert.ok(error instanceof Error && !(error instanceof TypeError) && !(error instanceof RangeError), String(error));
          assert.ok(error.message.length > 10, `the message says what is wrong: ${error.message}`);
          return;
        }
        const packages = output.packages;
        const lineCount = content.split('\n').length;
        for (const finding of output.findings ?? []) {
          const { startLine, endLine } = finding.location;
          assert.ok(startLine >= 1 && startLine <= endLine && endLine <= lineCount, `${finding.rule.id}: a place inside the file`);
        }
        for (const pkg of packages) {
          assert.ok(pkg.name && pkg.version && pkg.id === `${pkg.name}@${pkg.version}`, pkg.id);
          for (const copy of pkg.copies ?? []) {
            assert.ok(copy.highlight.startLine === copy.highlight.endLine, `${pkg.id}: the underline is on one line`);
            assert.ok(copy.location.startLine <= copy.highlight.startLine && copy.location.endLine >= copy.highlight.endLine, `${pkg.id}: the entry holds its underline`);
          }
        }
      }), { numRuns: 150 });
    });
  }
});
