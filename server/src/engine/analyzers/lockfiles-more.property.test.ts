// Property-based test of the Gemfile.lock, composer.lock, Cargo.lock, go.mod, bun.lock,
// gradle.lockfile, sbt lock, conan.lock, Podfile.lock and Julia Manifest.toml analyzers: on
// their fixtures with lines dropped, repeated or swapped and characters inserted, each either
// reads the file or throws a plain Error that says what is wrong, and never a TypeError or
// RangeError (a crash), whatever the mutation.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Analyzer } from '../types';
import { bunLockAnalyzer } from './bun-lock';
import { cargoLockAnalyzer } from './cargo-lock';
import { conanLockAnalyzer } from './conan-lock';
import { composerLockAnalyzer } from './composer-lock';
import { gemfileLockAnalyzer } from './gemfile-lock';
import { goModAnalyzer } from './go-mod';
import { gradleLockAnalyzer } from './gradle-lock';
import { juliaManifestAnalyzer } from './julia-manifest';
import { podfileLockAnalyzer } from './podfile-lock';
import { sbtLockAnalyzer } from './sbt-lock';

const FIXTURES = path.join(__dirname, 'fixtures');

/** The fixture files of an analyzer, folders' files included, goldens left out. */
function fixtureTexts(id: string): string[] {
  const texts: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (!entry.name.endsWith('.golden.json') && !['go.sum', 'composer.json', 'Cargo.toml', 'package.json', 'Project.toml', 'ATTRIBUTION.md'].includes(entry.name)) texts.push(fs.readFileSync(full, 'utf8'));
    }
  };
  visit(path.join(FIXTURES, id));
  return texts;
}

/** Characters that mean something to one of these formats. */
const SPECIAL = fc.constantFrom(' ', '  ', '\n', '\t', '"', "'", '`', '(', ')', '[', ']', '{', '}', ',', ':', '=', '=>', '//', '#', '!', '-', '\\', '\r\n', '[[package]]');

type Mutation = { kind: 'drop' | 'repeat' | 'swap'; at: number } | { kind: 'insert'; at: number; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('drop' as const, 'repeat' as const, 'swap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(SPECIAL, fc.string({ maxLength: 4 })) }),
);

function mutate(text: string, mutations: Mutation[]): string {
  let lines = text.split('\n');
  for (const m of mutations) {
    const i = lines.length ? m.at % lines.length : 0;
    if (m.kind === 'drop') lines.splice(i, 1);
    else if (m.kind === 'repeat') lines.splice(i, 0, lines[i] ?? '');
    else if (m.kind === 'swap' && i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
    else if (m.kind === 'insert') {
      const line = lines[i] ?? '';
      const column = line.length ? m.at % (line.length + 1) : 0;
      lines[i] = line.slice(0, column) + m.text + line.slice(column);
      lines = lines.join('\n').split('\n');
    }
  }
  return lines.join('\n');
}

const ANALYZERS: Analyzer[] = [
  gemfileLockAnalyzer, composerLockAnalyzer, cargoLockAnalyzer, goModAnalyzer, bunLockAnalyzer, gradleLockAnalyzer, sbtLockAnalyzer,
  conanLockAnalyzer, podfileLockAnalyzer, juliaManifestAnalyzer,
];

describe('Gemfile.lock, composer.lock, Cargo.lock, go.mod and other lockfile analyzers on mutated fixtures', function () {
  this.timeout(120_000);
  for (const analyzer of ANALYZERS) {
    it(`${analyzer.id}: reads the file or throws a plain Error, never crashes`, () => {
      const texts = fixtureTexts(analyzer.id).filter(text => text.length > 0);
      assert.ok(texts.length > 2);
      fc.assert(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), (pick, mutations) => {
        const content = mutate(texts[pick % texts.length], mutations);
        try {
          const { packages } = analyzer.analyze({ path: analyzer.fileNames[0].replace('*', 'build'), content });
          for (const pkg of packages) assert.ok(pkg.name && pkg.version && pkg.id === `${pkg.name}@${pkg.version}`);
        } catch (error) {
          assert.ok(error instanceof Error && !(error instanceof TypeError) && !(error instanceof RangeError), String(error));
          assert.match(error.message, /^not (a )?valid /);
        }
      }), { numRuns: 400, seed: 42 });
    });
  }
});
