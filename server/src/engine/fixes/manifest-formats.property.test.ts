// The manifest formats of Cargo.toml, pyproject.toml, Pipfile, go.mod and Gemfile on mutated
// text: list and bump never throw, and every listed range lies inside the text.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { applyTextEdits } from './edits';
import { manifestFormatFor } from './manifests';

const WORKSPACE = path.resolve(__dirname, '../../../../test/fixtures/manifest-bumps/workspace');
const SAMPLES = ['rust/Cargo.toml', 'poetry/pyproject.toml', 'pipenv/Pipfile', 'go/go.mod', 'ruby/Gemfile'];

describe('fixes: manifest formats on mutated text', () => {
  for (const sample of SAMPLES) {
    it(`${path.basename(sample)}: never throws, and its ranges and edits stay inside the text`, () => {
      const format = manifestFormatFor(sample)!;
      const text = readFileSync(path.join(WORKSPACE, sample), 'utf8');
      const edit = fc.record({
        at: fc.nat({ max: text.length }), remove: fc.nat({ max: 30 }),
        insert: fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '(', ')', '"', "'", '=', '\n', '#', '.', ',', ' ', '\\', 'a', '1', '>', '~', '/'), maxLength: 6 }),
      });
      fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), edits => {
        let mutated = text;
        for (const { at, remove, insert } of edits) mutated = mutated.slice(0, at) + insert + mutated.slice(at + remove);
        for (const dependency of format.list(mutated)) {
          assert.ok(dependency.offset >= 0 && dependency.offset + dependency.length <= mutated.length);
          const bump = format.bump(mutated, dependency.name, '99.0.0');
          if (bump) assert.doesNotThrow(() => applyTextEdits(mutated, bump.edits));
        }
      }), { numRuns: 300 });
    });
  }
});
