// Replays Trivy's integration goldens against Vigil: the same inputs, Trivy's fixture DB converted
// to OSV, and the same options. Reports which goldens pass; the ones listed in EXPECTED_PASSING
// must pass.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importAdvisories, openDb } from '../../server/src/engine/db';
import { analyzePath, completeScan } from '../../server/src/engine/scan';
import { loadVexPolicy } from '../../server/src/engine/vex';
import { readSbomFile } from '../../server/src/engine/sbom/read';
import { corpusOrSkip } from '../helpers/corpus';
import { writeTrivyFixtureDb } from '../helpers/trivy-fixture-db';

/** Goldens whose every Result is of a file type Vigil analyzes today. */
const EXPECTED_PASSING = [
  'npm.json.golden', 'npm-with-dev.json.golden', 'pip.json.golden', 'pipenv.json.golden', 'pylock.json.golden', 'pnpm.json.golden',
  'composer.lock.json.golden', 'cargo.lock.json.golden', 'dotnet.json.golden', 'packagesprops.json.golden',
  'gomod.json.golden', 'gomod-skip.json.golden', 'pom.json.golden', 'pubspec.lock.json.golden', 'sbt.json.golden', 'gomod-vex.json.golden',
  'swift.json.golden', 'npm-ubuntu-severity.json.golden',
];

/**
 * The ID Trivy reports: the fixture DB's records are named TRIVY-FIXTURE-... with Trivy's ID as their
 * alias, so a finding without a CVE (GMS-2022-20) is reported under that alias here.
 */
function trivyId(id: string, aliases: string[]): string {
  return id.startsWith('TRIVY-FIXTURE-') ? aliases[0] ?? id : id;
}

interface GoldenCase { args: Record<string, unknown>; go_test: string }

function findingKeys(vulns: any[]): string[] {
  return vulns.map(v => [v.VulnerabilityID, v.PkgName, v.InstalledVersion, v.FixedVersion ?? '', v.Severity].join(' ')).sort();
}

describe('conformance: Trivy integration goldens', function () {
  this.timeout(120_000);
  let integration: string;
  let cacheDir: string;

  before(async function () {
    const dir = corpusOrSkip(this, 'vuln', 'trivy', 'integration');
    integration = dir;
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-goldens-'));
    const osvDir = path.join(cacheDir, 'osv');
    writeTrivyFixtureDb(path.join(dir, 'testdata', 'fixtures', 'db'), osvDir);
    await importAdvisories(cacheDir, [osvDir]);
  });

  after(() => { if (cacheDir) fs.rmSync(cacheDir, { recursive: true, force: true }); });

  async function replay(golden: string): Promise<string[]> {
    const expected = JSON.parse(fs.readFileSync(path.join(integration, 'testdata', golden), 'utf8'));
    const args: Record<string, GoldenCase[]> = JSON.parse(fs.readFileSync(path.join(integration, 'golden-args.json'), 'utf8'));
    // A VEX case reads a file (not Trivy's VEX repository).
    const testCase = args[golden].find(c => c.go_test === 'TestRepository' && (c.args.vex === undefined || String(c.args.vex).endsWith('.json')))
      ?? args[golden][0];
    const input = path.join(integration, String(testCase.args.input));
    const scan = await analyzePath(input, { includeDevDeps: testCase.args.includeDevDeps === true });
    const vex = testCase.args.vex ? loadVexPolicy([path.join(integration, String(testCase.args.vex))]) : undefined;
    const db = openDb(cacheDir);
    try {
      completeScan(scan, { db, vex, severitySources: testCase.args.vulnSeveritySources as string[] | undefined });
    } finally {
      db.close();
    }
    const problems: string[] = [];
    for (const want of expected.Results ?? []) {
      const got = scan.results.find(r => r.target === want.Target);
      if (!got) { problems.push(`missing result ${want.Target}`); continue; }
      const gotKeys = findingKeys(got.vulnerabilities.map(v => ({
        VulnerabilityID: trivyId(v.vulnerabilityId, v.aliases), PkgName: v.pkgName, InstalledVersion: v.installedVersion,
        FixedVersion: v.advisoryFixedVersions.join(', '), Severity: v.severity,
      })));
      const wantKeys = findingKeys(want.Vulnerabilities ?? []);
      if (JSON.stringify(gotKeys) !== JSON.stringify(wantKeys)) {
        problems.push(`${want.Target}: vulnerabilities differ\n  want ${wantKeys.join('; ')}\n  got  ${gotKeys.join('; ')}`);
      }
      if (want.Packages) {
        const pkgs = (list: { Name?: string; name?: string; Version?: string; version?: string }[]) =>
          list.map(p => `${p.Name ?? p.name}@${p.Version ?? p.version}`).sort().join(' ');
        // The project itself (Trivy's `root`, e.g. the crate of Cargo.toml) is never a package in Vigil.
        const wanted = want.Packages.filter((p: { Relationship?: string }) => p.Relationship !== 'root');
        if (pkgs(wanted) !== pkgs(got.packages)) problems.push(`${want.Target}: packages differ\n  want ${pkgs(wanted)}\n  got  ${pkgs(got.packages)}`);
      }
    }
    return problems;
  }

  it('reports how every filesystem golden fares', async () => {
    const args: Record<string, GoldenCase[]> = JSON.parse(fs.readFileSync(path.join(integration, 'golden-args.json'), 'utf8'));
    const fsGoldens = Object.keys(args).filter(g => g.endsWith('.json.golden')
      && args[g].some(c => String(c.args.input ?? '').startsWith('testdata/fixtures/repo/') && (c.args.format ?? 'json') === 'json'));
    const passing: string[] = [];
    for (const golden of fsGoldens) if ((await replay(golden)).length === 0) passing.push(golden);
    console.log(`      Trivy filesystem goldens passing: ${passing.length}/${fsGoldens.length}: ${passing.join(', ')}`);
    for (const golden of EXPECTED_PASSING) assert.ok(passing.includes(golden), golden);
  });

  for (const golden of EXPECTED_PASSING) {
    it(`matches ${golden}`, async () => {
      const problems = await replay(golden);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }

  describe('SBOM inputs (vigil sbom)', () => {
    /** The SBOM cases of the JSON goldens, with the file they read: Trivy's TestSBOM and TestSBOMEquivalence. */
    function sbomCases(): { golden: string; input: string }[] {
      const args: Record<string, GoldenCase[]> = JSON.parse(fs.readFileSync(path.join(integration, 'golden-args.json'), 'utf8'));
      return Object.entries(args).flatMap(([golden, cases]) => cases
        .filter(c => (c.go_test === 'TestSBOM' || c.go_test === 'TestSBOMEquivalence') && c.args.format === 'json' && !c.args.scanners)
        .map(c => ({ golden, input: String(c.args.input) })));
    }

    /**
     * Replays one case: language results must report Trivy's vulnerabilities; for OS results, whose
     * advisories the converted fixture DB lacks, each vulnerable package Trivy names must be read
     * at the version Trivy reports.
     */
    function replaySbom(golden: string, input: string): string[] {
      const expected = JSON.parse(fs.readFileSync(path.join(integration, 'testdata', golden), 'utf8'));
      const scan = readSbomFile(path.join(integration, input));
      const db = openDb(cacheDir);
      try {
        completeScan(scan, { db });
      } finally {
        db.close();
      }
      const problems: string[] = [];
      for (const want of expected.Results ?? []) {
        if (want.Class === 'os-pkgs') {
          const got = scan.results.find(r => r.class === 'os-pkgs' && r.type === want.Type);
          const have = new Set(got?.packages.map(p => `${p.name} ${p.version}`));
          for (const v of want.Vulnerabilities ?? []) {
            if (!have.has(`${v.PkgName} ${v.InstalledVersion}`)) problems.push(`${input}: no OS package ${v.PkgName} ${v.InstalledVersion}`);
          }
          continue;
        }
        const got = scan.results.find(r => r.target === want.Target && r.type === want.Type);
        if (!got) { problems.push(`${input}: missing result ${want.Target} (${want.Type})`); continue; }
        // Trivy lists every patched version of an advisory; Vigil those that fix the installed
        // version's range: each of Vigil's must be among Trivy's.
        const wanted = new Map<string, string[]>((want.Vulnerabilities ?? []).map((v: any) => [findingKeys([{ ...v, FixedVersion: '' }])[0], (v.FixedVersion ?? '').split(', ')]));
        const gotKeys = got.vulnerabilities.map(v => {
          const key = findingKeys([{ VulnerabilityID: trivyId(v.vulnerabilityId, v.aliases), PkgName: v.pkgName, InstalledVersion: v.installedVersion, FixedVersion: '', Severity: v.severity }])[0];
          const fixed = wanted.get(key);
          if (fixed && !v.fixedVersions.every(f => fixed.includes(f))) problems.push(`${input}: ${key} fixed in ${v.fixedVersions.join(', ')}, Trivy says ${fixed.join(', ')}`);
          return key;
        }).sort();
        const wantKeys = [...wanted.keys()].sort();
        if (JSON.stringify(gotKeys) !== JSON.stringify(wantKeys)) problems.push(`${input}: ${want.Target} differs\n  want ${wantKeys.join('; ')}\n  got  ${gotKeys.join('; ')}`);
      }
      return problems;
    }

    it('reads every SBOM input of the goldens it can, and reports how they fare', () => {
      const results = sbomCases().map(c => ({ ...c, problems: replaySbom(c.golden, c.input) }));
      const passing = results.filter(r => r.problems.length === 0).map(r => path.basename(r.input));
      console.log(`      Trivy SBOM inputs passing: ${passing.length}/${results.length}: ${passing.join(', ')}`);
      // Passing: the CentOS SBOM in all four forms (CycloneDX, SPDX JSON and tag-value, in-toto) and
      // fluentd's CycloneDX (its Ruby finding). Not: minikube's KBOM, whose Kubernetes components
      // (pkg:k8s) Vigil has no advisories for.
      for (const input of ['centos-7-cyclonedx.json', 'centos-7-spdx.json', 'centos-7-spdx.txt', 'centos-7-cyclonedx.intoto.jsonl', 'fluentd-multiple-lockfiles-cyclonedx.json']) {
        const result = results.find(r => path.basename(r.input) === input);
        assert.ok(result, `no golden case reads ${input}`);
        assert.deepEqual(result.problems, [], result.problems.join('\n'));
      }
    });
  });
});
