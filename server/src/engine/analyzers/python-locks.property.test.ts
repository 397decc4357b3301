// Property-based tests of the Python lockfile analyzers: lockfiles whose fields have mutated types,
// and fixtures with random edits, either give packages or are rejected with a plain Error that
// says what is wrong; the analyzers never crash (TypeError, RangeError) on them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'smol-toml';
import type { Analyzer } from '../types';
import { pipenvLockAnalyzer } from './pipenv-lock';
import { poetryLockAnalyzer } from './poetry-lock';
import { pylockAnalyzer } from './pylock';
import { uvLockAnalyzer } from './uv-lock';

const FIXTURES = path.join(__dirname, 'fixtures');

/** A value of any type TOML can hold, small: what a hostile lockfile may put anywhere. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
const name = fc.constantFrom('a', 'A_b', 'a-b', 'c', 'python', '');
const version = fc.constantFrom('1.0', '==1.0', '2', '', '1.0.post1', 'not a version');
const requirementList = maybe(fc.array(maybe(fc.record({ name: maybe(name), version: maybe(version) }, { requiredKeys: [] })), { maxLength: 3 }));
const groups = maybe(fc.dictionary(fc.constantFrom('dev', 'test', 'main'), requirementList, { maxKeys: 2 }));
const source = maybe(fc.record({ editable: maybe(fc.constant('.')), virtual: maybe(fc.constant('.')), registry: maybe(fc.constant('https://pypi.org/simple')) }, { requiredKeys: [] }));

const pipenvLock = fc.record({
  _meta: anyValue,
  default: maybe(fc.dictionary(name, maybe(fc.record({ version: maybe(version) }, { requiredKeys: [] })), { maxKeys: 3 })),
  develop: maybe(fc.dictionary(name, maybe(fc.record({ version: maybe(version) }, { requiredKeys: [] })), { maxKeys: 3 })),
}, { requiredKeys: [] }).map(lock => JSON.stringify(lock));

const poetryLock = fc.record({
  package: fc.array(fc.record({
    name: maybe(name), version: maybe(version), category: maybe(fc.constantFrom('main', 'dev')), groups: maybe(fc.array(maybe(fc.constantFrom('main', 'dev')), { maxLength: 2 })),
    dependencies: maybe(fc.dictionary(name.filter(n => n !== ''), maybe(fc.oneof(version, fc.record({ version: maybe(version) }), fc.array(fc.record({ version: maybe(version) }), { maxLength: 2 }))), { maxKeys: 3 })),
  }, { requiredKeys: ['name', 'version'] }), { maxLength: 4 }),
});

const uvLock = fc.record({
  package: fc.array(fc.record({
    name: maybe(name), version: maybe(version), source, dependencies: requirementList, 'optional-dependencies': groups, 'dev-dependencies': groups,
  }, { requiredKeys: ['name', 'version'] }), { maxLength: 4 }),
});

const pylock = fc.record({
  packages: fc.array(fc.record({
    name: maybe(name), version: maybe(version), directory: maybe(fc.record({ path: fc.constant('.') })), dependencies: requirementList,
  }, { requiredKeys: ['name'] }), { maxLength: 4 }),
});

const pyproject = fc.option(fc.record({
  project: maybe(fc.record({ dependencies: maybe(fc.array(maybe(fc.constantFrom('a>=1', 'c ; python_version > "3"', '', '[x]')), { maxLength: 2 })) }, { requiredKeys: [] })),
  tool: maybe(fc.record({ poetry: maybe(fc.record({ dependencies: anyValue, group: maybe(fc.dictionary(fc.constantFrom('main', 'dev'), maybe(fc.record({ dependencies: anyValue })), { maxKeys: 2 })) }, { requiredKeys: [] })) }, { requiredKeys: [] })),
  'dependency-groups': maybe(fc.dictionary(fc.constantFrom('dev'), maybe(fc.array(anyValue, { maxLength: 2 })), { maxKeys: 1 })),
}, { requiredKeys: [] }), { nil: undefined });

/** TOML text for a generated value; undefined where TOML cannot hold it. */
function toml(value: Record<string, unknown>): string | undefined {
  try {
    return stringify(value);
  } catch {
    return undefined;
  }
}

function analyzeOrReject(analyzer: Analyzer, content: string, siblings?: Map<string, string>): void {
  try {
    analyzer.analyze({ path: analyzer.fileNames[0], content, siblings });
  } catch (error) {
    assert.ok(error instanceof Error && !(error instanceof TypeError) && !(error instanceof RangeError), `${analyzer.id} crashed: ${error}`);
    assert.match(error.message, /^not a valid /, `${analyzer.id}: ${error.message}`);
  }
}

const manifestOf = (analyzer: Analyzer, text: string | undefined) => (text === undefined ? undefined : new Map([[analyzer.manifest!, text]]));

describe('Python lockfile analyzers on mutated input (property-based)', function () {
  this.timeout(120_000);

  it('Pipfile.lock: fields of any type give packages or a plain Error', () => {
    fc.assert(fc.property(pipenvLock, fc.option(fc.constantFrom('[packages]\na = "*"\n', '[dev-packages]\nc = 1\n', 'packages = 3'), { nil: undefined }), (lock, pipfile) => {
      analyzeOrReject(pipenvLockAnalyzer, lock, manifestOf(pipenvLockAnalyzer, pipfile));
    }), { numRuns: 300 });
  });

  for (const [analyzer, lock] of [[poetryLockAnalyzer, poetryLock], [uvLockAnalyzer, uvLock], [pylockAnalyzer, pylock]] as const) {
    it(`${analyzer.fileNames[0]}: fields of any type give packages or a plain Error`, () => {
      fc.assert(fc.property(lock as fc.Arbitrary<Record<string, unknown>>, pyproject, (value, manifest) => {
        const text = toml(value);
        fc.pre(text !== undefined);
        analyzeOrReject(analyzer, text!, manifestOf(analyzer, manifest && toml(manifest)));
      }), { numRuns: 300 });
    });
  }

  const fixtureOf: [Analyzer, string][] = [
    [pipenvLockAnalyzer, 'pipenv-lock/with-pipfile/Pipfile.lock'],
    [poetryLockAnalyzer, 'poetry-lock/groups-from-pyproject/poetry.lock'],
    [uvLockAnalyzer, 'uv-lock/workspace.lock'],
    [pylockAnalyzer, 'pylock/with-pyproject/pylock.toml'],
  ];
  for (const [analyzer, fixture] of fixtureOf) {
    it(`${analyzer.fileNames[0]}: a fixture with random edits gives packages or a plain Error`, () => {
      const text = fs.readFileSync(path.join(FIXTURES, fixture), 'utf8');
      const edit = fc.record({
        at: fc.nat({ max: text.length }), remove: fc.nat({ max: 40 }),
        insert: fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', "'", '=', '\n', '#', '.', '\\', ',', ' ', 'a', '1'), maxLength: 6 }),
      });
      fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), edits => {
        let mutated = text;
        for (const { at, remove, insert } of edits) mutated = mutated.slice(0, at) + insert + mutated.slice(at + remove);
        analyzeOrReject(analyzer, mutated);
      }), { numRuns: 300 });
    });
  }
});
