// Runs the analyzers over Trivy's parser fixtures and compares with the packages Trivy's own
// tests expect (EXPECTED-PACKAGES.derived.json in the shared corpus), then checks that none of
// osv-scanner's npm and pip edge-case fixtures crash an analyzer.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analyzer, Package } from '../types';
import { ANALYZERS } from '.';
import { decodeText } from '../text';
import { CORPUS_DIR, corpusOrSkip } from '../../../../test/helpers/corpus';

const CORPUS = path.join(CORPUS_DIR, 'vuln');
const TRIVY = path.join(CORPUS, 'trivy/parser-testdata');
const OSV_SCANNER = path.join(CORPUS, 'osv-scanner/v1.9.2/pkg/lockfile/fixtures');

interface ExpectedPackage {
  name: string;
  version: string;
  dev?: boolean;
  relationship?: 'root' | 'direct' | 'indirect' | 'unknown';
}
interface ExpectedCase {
  test_case: string;
  packages: ExpectedPackage[];
}

/** The registry's analyzers that have a Trivy parser to compare with, by the fixture folder of that parser. */
const ANALYZER_BY_DIR: [string, Analyzer][] = ANALYZERS.filter(a => a.trivyParser).map(a => [`/${a.trivyParser}/`, a]);

/**
 * Where Vigil differs from Trivy on purpose. Workspace and linked local packages are the user's
 * own code, not registry packages, so Vigil leaves them out and counts what they depend on as
 * direct (Trivy lists them as direct packages and their dependencies as indirect). The same goes
 * for the project itself in uv.lock, which Trivy lists as its root package, for pnpm's `file:`
 * packages (a local folder, or a local tarball whose content nothing vouches for), for the
 * crates of a Cargo.lock without a `source` (the root crate, workspace members, path crates), the
 * `project` libraries of a .deps.json, and bun.lock's `workspace:` packages and Julia's packages
 * with a local `path`.
 */
const OMITTED_ON_PURPOSE: Record<string, string[]> = {
  'package-lock_v3_with_workspace.json': ['function1@', 'nested_func@1.0.0'],
  'package-lock_v3_with_workspace_as_object.json': ['testapp@1.0.0'],
  'package-lock_v3_without_root_deps_field.json': ['func1@1.0.0'],
  'uv_normal.lock': ['normal@0.1.0'],
  'cargo_normal.lock': ['normal@0.1.0'],
  'cargo_mixed.lock': ['normal@0.1.0'],
  'cargo_v3.lock': ['app@0.1.0'],
  'pnpm-lock_archives.yaml': ['lodash@4.17.21', 'package1@1.0.0'],
  'pnpm-lock_v9.yaml': ['lodash@4.17.21', 'package1@'],
  // .deps.json projects (Trivy's `workspace` and unrelated roots).
  'ambiguous-root.deps.json': ['Web@1.0.0', 'Worker@1.0.0'],
  'multi-project.deps.json': ['Api@1.0.0', 'Data@1.0.0'],
  'bun_multiple_ws.lock': ['my-app@1.0.0', 'my-lib@1.0.0'],
  // julia_v1.0_format: the packages with a `path`, developed locally.
  'Manifest.toml': ['Foo@unknown', 'Bar@unknown', 'Qux@unknown'],
};
const DIRECT_ON_PURPOSE: Record<string, string[]> = {
  'package-lock_v3_with_workspace.json': ['debug@2.6.9'],
  'package-lock_v3_with_workspace_as_object.json': ['lodash@4.17.21'],
  'package-lock_v3_without_root_deps_field.json': ['debug@2.6.9'],
  'pnpm-lock_archives.yaml': ['asynckit@0.4.0'],
  'pnpm-lock_v9.yaml': ['asynckit@0.4.0'],
};
/**
 * Trivy's pnpm parser drops `dev: true` packages of lockfiles v5-v8 outright, its
 * packages.config parser `developmentDependency="true"` packages, its sbt lock parser the
 * modules resolved for neither `compile` nor `runtime`, and its conan.lock v2 parser the build and
 * python requires; Vigil keeps them,
 * marked dev, and leaves them out of reports unless `--include-dev-deps` (as Trivy does for v9 and
 * npm). Trivy's list is compared with Vigil's production packages.
 */
const DEV_DROPPED_BY_TRIVY = new Set([
  'pnpm-lock_many.yaml', 'pnpm-lock_with_dev.yaml', 'pnpm-lock_v6_with_dev.yaml', 'dev_dependency.config', 'v1_happy.sbt.lock',
  'happy_v2.lock',
]);
/** Fixtures for Trivy options Vigil does not have. */
const NOT_APPLICABLE: Record<string, string> = {
  'requirements_compatible.txt': "expects Trivy's min-version mode (>=, ~= and ==x.* read as their lowest version)",
};
/** Test cases (`folder/fixture#case`) for a Trivy parser option Vigil does not have, where other cases of the fixture apply. */
const CASE_NOT_APPLICABLE: Record<string, string> = {
  'testdata/happy.lock#use minimum version': "Trivy's min-version mode (an SDK package at the lowest version its constraint allows)",
  'replaced/go.mod#no replace': "Trivy's parser option to ignore replace directives (Trivy itself always applies them to the root go.mod)",
};
/**
 * Packages Vigil reports that Trivy's parser leaves out, on purpose. Trivy's parser drops the
 * `// indirect` requirements of a go.mod older than Go 1.17 (its analyzer then adds what go.sum
 * holds): they are in the module's build list at that version, so Vigil keeps them, indirect.
 */
const ADDED_ON_PURPOSE: Record<string, string[]> = {
  'go116/go.mod': ['gopkg.in/yaml.v3@v3.0.0-20210107192922-496545a6307b'],
};
/**
 * Fixtures Trivy reads as empty that are not the format at all: Vigil reports them as a file it
 * cannot parse, so that a gate never passes on a broken lockfile.
 */
const REJECTED_TRIVY_FIXTURES: Record<string, RegExp> = {
  'Gemfile_malformed.lock': /not a valid Gemfile\.lock/,
};

function loadExpected(): Record<string, ExpectedCase[]> | undefined {
  const file = path.join(TRIVY, 'EXPECTED-PACKAGES.derived.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')).fixtures;
}

function analyze(analyzer: Analyzer, file: string): Package[] {
  const content = decodeText(fs.readFileSync(file));
  return analyzer.analyze({ path: path.basename(file), content }).packages;
}

/** The osv-scanner fixture folder of an analyzer's format, by analyzer id (two analyzers share the type `nuget`). */
const OSV_SCANNER_DIRS: Record<string, string> = {
  'npm-lock': 'npm', 'pip-requirements': 'pip', 'yarn-lock': 'yarn', 'pnpm-lock': 'pnpm', 'nuget-lock': 'nuget', 'pub-lock': 'pub',
  'mix-lock': 'mix', 'pipenv-lock': 'pipenv', 'poetry-lock': 'poetry', 'gemfile-lock': 'bundler', 'composer-lock': 'composer',
  'cargo-lock': 'cargo', 'go-mod': 'go', 'pom': 'maven', 'gradle-lock': 'gradle', 'conan-lock': 'conan',
};
/** osv-scanner fixtures that are not the format at all. */
const REJECTED_ON_PURPOSE: Record<string, string[]> = {
  npm: ['not-json.txt'], pnpm: ['not-yaml.txt'], nuget: ['not-json.txt'], pub: ['not-yaml.txt'], pipenv: ['not-json.txt'], poetry: ['not-toml.txt'],
  composer: ['not-json.txt'], cargo: ['not-toml.txt'], go: ['not-go-mod.txt'], maven: ['invalid-syntax.xml', 'not-pom.txt'],
  // A ref without a name (`1.2.3`) is no `name/version`: Trivy refuses the file, osv-scanner skips the entry.
  conan: ['no-name.v1.json', 'no-name.v1.revisions.json', 'no-name.v2.json', 'not-json.txt'],
};

describe('analyzer conformance with Trivy parser fixtures', function () {
  const expected = loadExpected();
  if (!expected) {
    it('needs the shared corpus', function () {
      corpusOrSkip(this, 'vuln/trivy/parser-testdata');
    });
    return;
  }
  it('covers every analyzer that names a Trivy parser', () => {
    for (const [dir, analyzer] of ANALYZER_BY_DIR) {
      assert.ok(Object.keys(expected).some(fixture => fixture.includes(dir)), `${analyzer.id}: no Trivy fixtures under ${dir}`);
    }
  });

  const tally: Record<string, { passed: number; total: number; notApplicable: number }> = {};
  after(() => {
    for (const [analyzer, t] of Object.entries(tally)) {
      console.log(`      conformance ${analyzer}: ${t.passed}/${t.total} fixtures match Trivy (${t.notApplicable} not applicable)`);
    }
  });

  for (const [fixture, cases] of Object.entries(expected)) {
    const analyzer = ANALYZER_BY_DIR.find(([dir]) => fixture.includes(dir))?.[1];
    if (!analyzer) continue;
    const name = path.basename(fixture);
    /** Tables are keyed by file name, or by folder and name where file names repeat (go.mod). */
    const inFolder = fixture.split('/').slice(-2).join('/');
    const t = (tally[analyzer.id] ??= { passed: 0, total: 0, notApplicable: 0 });
    t.total++;

    it(`${analyzer.id}: ${inFolder}`, function () {
      if (NOT_APPLICABLE[name]) {
        t.notApplicable++;
        console.log(`      (not applicable: ${NOT_APPLICABLE[name]})`);
        return;
      }
      if (REJECTED_TRIVY_FIXTURES[name]) {
        assert.throws(() => analyze(analyzer, path.join(TRIVY, fixture)), REJECTED_TRIVY_FIXTURES[name]);
        t.passed++;
        return;
      }
      const packages = analyze(analyzer, path.join(TRIVY, fixture)).filter((p) => !(DEV_DROPPED_BY_TRIVY.has(name) && p.dev));
      const actual = new Map(packages.map((p) => [p.id, p]));
      const omitted = OMITTED_ON_PURPOSE[name] ?? [];
      const added = ADDED_ON_PURPOSE[inFolder] ?? [];
      const forcedDirect = DIRECT_ON_PURPOSE[name] ?? [];
      const idOf = (p: ExpectedPackage) => `${p.name}@${p.version ?? ''}`;
      for (const testCase of cases) {
        if (CASE_NOT_APPLICABLE[`${inFolder}#${testCase.test_case}`]) continue;
        // The project itself (Trivy's `root`) is never a package in Vigil.
        const wanted = testCase.packages.filter((p) => p.relationship !== 'root' && !omitted.includes(idOf(p)));
        // Trivy lists each pnpm peer variant of a name@version apart; Vigil has one package with a copy per variant.
        const variants = new Map<string, ExpectedPackage[]>();
        for (const want of wanted) variants.set(idOf(want), [...variants.get(idOf(want)) ?? [], want]);
        assert.deepEqual([...actual.keys()].filter((id) => !added.includes(id)).sort(), [...variants.keys()].sort(), testCase.test_case);
        for (const [id, wants] of variants) {
          const got = actual.get(id)!;
          const isDirect = (want: ExpectedPackage) => want.relationship === 'direct' || forcedDirect.includes(id);
          if (wants.length === 1) {
            const [want] = wants;
            if (want.dev !== undefined) assert.equal(got.dev, want.dev, `dev of ${id}`);
            if (want.relationship === 'direct' || want.relationship === 'indirect') assert.equal(got.direct, isDirect(want), `relationship of ${id}`);
            continue;
          }
          const flags = (list: { dev: boolean; direct: boolean }[]) => list.map((c) => `dev=${c.dev} direct=${c.direct}`).sort();
          assert.deepEqual(
            flags(got.copies ?? []), flags(wants.map((want) => ({ dev: want.dev ?? false, direct: isDirect(want) }))), `copies of ${id}`,
          );
        }
      }
      t.passed++;
    });
  }
});

describe('analyzers on osv-scanner edge-case fixtures', function () {
  for (const analyzer of ANALYZERS.filter(a => OSV_SCANNER_DIRS[a.id])) {
    const dir = OSV_SCANNER_DIRS[analyzer.id];
    it(`${analyzer.id}: every ${dir} fixture parses or throws a plain Error`, function () {
      const folder = corpusOrSkip(this, 'vuln/osv-scanner/v1.9.2/pkg/lockfile/fixtures', dir);
      if (!folder) return;
      let parsed = 0;
      const rejected: string[] = [];
      const names = fs.readdirSync(folder).sort();
      for (const name of names) {
        try {
          analyze(analyzer, path.join(folder, name));
          parsed++;
        } catch (error) {
          assert.ok(error instanceof Error && !(error instanceof TypeError || error instanceof RangeError), `${name}: ${error}`);
          assert.ok(error.message.length > 10, `${name}: message should say what is wrong: ${error.message}`);
          rejected.push(name);
        }
      }
      assert.ok(parsed > names.length / 2, `parsed ${parsed} of ${names.length}`);
      assert.deepEqual(rejected, REJECTED_ON_PURPOSE[dir] ?? []);
    });
  }
});
