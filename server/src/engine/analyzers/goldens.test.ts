// Every registered analyzer against its fixtures, each compared with an expected-output file
// beside it (`<fixture>.golden.json`; `UPDATE_GOLDENS=1 npm test` rewrites them). A fixture file
// is analyzed under the analyzer's own file name; a fixture folder is scanned whole, so that the
// siblings in it (a package.json beside a lockfile) are read as in a real project. Analyzers of
// findings (misconfigurations, secrets, licenses) show their findings instead of packages.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ANALYZERS } from '.';
import { analyzePath } from '../scan';
import { decodeText } from '../text';
import type { Analyzer } from '../types';
import { goldenFindings, goldenPackage, matchGolden } from '../../../../test/helpers/golden';

const FIXTURES = path.join(__dirname, 'fixtures');
const GOLDEN = '.golden.json';

function isFixture(name: string): boolean {
  return !name.endsWith(GOLDEN) && name !== 'ATTRIBUTION.md';
}

function analyzeFixtureFile(analyzer: Analyzer, file: string): unknown {
  // A name the analyzer claims: a plain one, else its pattern with the `*` filled in (`build.sbt.lock`).
  const claimedName = analyzer.fileNames.find(name => !name.includes('*')) ?? analyzer.fileNames[0].replace('*', 'build');
  try {
    const content = decodeText(fs.readFileSync(file));
    const output = analyzer.analyze({ path: claimedName, content });
    return analyzer.scanner === 'vuln' ? output.packages.map(goldenPackage) : goldenFindings(output);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function analyzeFixtureFolder(analyzer: Analyzer, dir: string): Promise<unknown> {
  const scan = await analyzePath(dir, { analyzers: [analyzer], includeDevDeps: true, scanners: [analyzer.scanner], licenseFull: true });
  const golden = (r: (typeof scan.results)[number]) => (analyzer.scanner === 'vuln'
    ? r.packages.map(goldenPackage)
    : goldenFindings({ findings: [...r.misconfigurations, ...r.secrets, ...r.licenses], misconfSummary: r.misconfSummary }));
  return {
    results: Object.fromEntries(scan.results.map(r => [r.target, golden(r)])),
    ...(scan.errors.length ? { errors: scan.errors } : {}),
  };
}

describe('analyzer goldens', () => {
  for (const analyzer of ANALYZERS) {
    const dir = path.join(FIXTURES, analyzer.id);
    it(`${analyzer.id} has fixtures`, () => {
      assert.ok(fs.existsSync(dir) && fs.readdirSync(dir).some(isFixture), `add fixtures under ${dir}`);
    });
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).filter(isFixture).sort()) {
      it(`${analyzer.id}: ${name}`, async () => {
        const fixture = path.join(dir, name);
        const actual = fs.statSync(fixture).isDirectory() ? await analyzeFixtureFolder(analyzer, fixture) : analyzeFixtureFile(analyzer, fixture);
        matchGolden(actual, `${fixture}${GOLDEN}`);
      });
    }
  }
});
