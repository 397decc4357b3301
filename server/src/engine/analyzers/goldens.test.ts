// Every registered analyzer against its fixtures, each compared with an expected-output file
// beside it (`<fixture>.golden.json`; `UPDATE_GOLDENS=1 npm test` rewrites them). A fixture file
// is analyzed under the analyzer's own file name; a fixture folder is scanned whole, so that the
// siblings in it (a package.json beside a lockfile) are read as in a real project.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ANALYZERS } from '.';
import { analyzePath } from '../scan';
import { decodeText } from '../text';
import type { Analyzer, Finding } from '../types';
import { goldenPackage, matchGolden } from '../../../../test/helpers/golden';

const FIXTURES = path.join(__dirname, 'fixtures');
const GOLDEN = '.golden.json';

function isFixture(name: string): boolean {
  return !name.endsWith(GOLDEN) && name !== 'ATTRIBUTION.md';
}

function analyzeFixtureFile(analyzer: Analyzer, file: string): unknown {
  const claimedName = analyzer.fileNames.find(name => !name.includes('*'))!;
  try {
    const content = decodeText(fs.readFileSync(file));
    return analyzer.analyze({ path: claimedName, content }).packages.map(goldenPackage);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function analyzeFixtureFolder(analyzer: Analyzer, dir: string): Promise<unknown> {
  const scan = await analyzePath(dir, { analyzers: [analyzer], scanners: [analyzer.scanner], includeDevDeps: true });
  // Findings (misconfigurations, secrets, licenses) by file, where an analyzer reports them.
  const findings = Object.fromEntries(scan.results
    .map(r => [r.target, [...r.misconfigurations, ...r.secrets, ...r.licenses].map(goldenFinding)] as const)
    .filter(([, found]) => found.length > 0));
  return {
    results: Object.fromEntries(scan.results.map(r => [r.target, r.packages.map(goldenPackage)])),
    ...(Object.keys(findings).length ? { findings } : {}),
    ...(scan.errors.length ? { errors: scan.errors } : {}),
  };
}

/** A finding as a golden records it: rule, exact range, and the masked match where there is one. */
function goldenFinding(finding: Finding): string {
  const { startLine, startColumn, endLine, endColumn } = finding.location;
  return `${finding.rule.id} ${startLine}:${startColumn}-${endLine}:${endColumn}${finding.match !== undefined ? ` ${finding.match}` : ''}`;
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
