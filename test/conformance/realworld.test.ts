// Real, old, vulnerable manifests from public projects (shared corpus, realworld/), matched against
// the corpus's OSV advisories: every advisory the corpus expects must be found, and nothing else.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importAdvisories, openDb } from '../../server/src/engine/db';
import { scanPath } from '../../server/src/engine/scan';
import { corpusOrSkip } from '../helpers/corpus';

/**
 * The realworld sets whose lockfile type Vigil analyzes today. The Go one is a go 1.12 go.mod whose
 * `// indirect` requirements carry most of its advisories (Trivy's parser drops them before Go 1.17).
 */
const SETS = [
  { dir: 'pypi-dvpwa', ecosystem: 'PyPI' }, { dir: 'nuget-webgoat-net', ecosystem: 'NuGet' },
  { dir: 'go-intentionally-vulnerable-golang-project', ecosystem: 'Go' },
];

interface Expected {
  packages: { name: string; version: string }[];
  findings: { name: string; version: string; ids: string[] }[];
  unevaluated: unknown[];
}

describe('conformance: real-world manifests', function () {
  this.timeout(60_000);

  for (const set of SETS) {
    it(`${set.dir}: reads the packages the manifest lists and finds exactly the advisories the corpus expects`, async function () {
      const dir = corpusOrSkip(this, 'vuln', 'realworld', set.dir);
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-realworld-'));
      try {
        await importAdvisories(cacheDir, [path.join(dir, '../../advisories/osv', set.ecosystem, 'all.zip')]);
        const db = openDb(cacheDir);
        const scan = await scanPath(dir, { db });
        db.close();
        const expected: Expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected-findings.derived.json'), 'utf8'));
        assert.deepEqual(expected.unevaluated, [], 'the corpus left some advisories unevaluated: compare them by hand');
        const packages = scan.results.flatMap(r => r.packages.map(p => `${p.name.toLowerCase()}@${p.version}`)).sort();
        assert.deepEqual(packages, expected.packages.map(p => `${p.name.toLowerCase()}@${p.version}`).sort(), 'the packages the manifest lists');
        const want = expected.findings.flatMap(f => f.ids.map(id => `${f.name.toLowerCase()}@${f.version} ${id}`)).sort();
        // Vigil reports the CVE and keeps the advisory's own ID (here PYSEC-…) as dataSourceId.
        const got = scan.results.flatMap(r => r.vulnerabilities.map(v => `${v.pkgName.toLowerCase()}@${v.installedVersion} ${v.dataSourceId}`)).sort();
        assert.deepEqual(got, want);
      } finally {
        fs.rmSync(cacheDir, { recursive: true, force: true });
      }
    });
  }
});
