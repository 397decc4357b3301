// `vigil fs --format cyclonedx|spdx-json`, `vigil sbom` and `--vex`/`--show-suppressed` end to end,
// as a user runs them: a real process, the demo workspace, the demo DB's real OSV records.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './helpers/corpus';
import { cycloneDx16Validator, schemaErrors, spdx23Validator } from './helpers/sbom-schemas';

function vigil(args: string[]) {
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'server/src/cli/main.ts'), ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, VIGIL_CACHE_DIR: '/nonexistent-vigil-cache' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('vigil CLI: SBOMs and VEX', function () {
  this.timeout(60_000);
  let tmp: string;
  let cacheDir: string;
  const db = () => ['--cache-dir', cacheDir, '--offline'];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-sbom-'));
    cacheDir = path.join(tmp, 'cache');
    const imported = vigil(['db', 'import', '--cache-dir', cacheDir, 'demo-db/osv']);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes a valid CycloneDX 1.6 SBOM without any DB, and with vulnerabilities when --scanners vuln asks', () => {
    const plain = vigil(['fs', '--format', 'cyclonedx', 'examples']);
    assert.equal(plain.code, 0, plain.stderr);
    const bom = JSON.parse(plain.stdout);
    assert.equal(schemaErrors(cycloneDx16Validator(), bom), '');
    assert.ok(bom.components.some((c: any) => c.purl?.startsWith('pkg:npm/')));
    assert.equal(bom.vulnerabilities, undefined);

    const withVulns = vigil(['fs', '--format', 'cyclonedx', '--scanners', 'vuln', ...db(), 'examples']);
    assert.equal(withVulns.code, 0, withVulns.stderr);
    const scanned = JSON.parse(withVulns.stdout);
    assert.equal(schemaErrors(cycloneDx16Validator(), scanned), '');
    assert.ok(scanned.vulnerabilities.length > 0);
  });

  it('writes a valid SPDX 2.3 SBOM to --output', () => {
    const file = path.join(tmp, 'out', 'examples.spdx.json');
    const run = vigil(['fs', '--format', 'spdx-json', '--output', file, 'examples']);
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(schemaErrors(spdx23Validator(), document), '');
  });

  it('vigil sbom finds in Vigil\'s own SBOM what vigil fs finds in the folder', () => {
    const bomFile = path.join(tmp, 'examples.cdx.json');
    assert.equal(vigil(['fs', '--format', 'cyclonedx', '--output', bomFile, 'examples']).code, 0);
    const keys = (report: any) => report.Results.flatMap((r: any) => (r.Vulnerabilities ?? []).map((v: any) => `${r.Target} ${v.VulnerabilityID} ${v.PkgName} ${v.InstalledVersion}`)).sort();
    const direct = vigil(['fs', '--format', 'json', ...db(), 'examples']);
    const fromSbom = vigil(['sbom', '--format', 'json', ...db(), bomFile]);
    assert.equal(fromSbom.code, 0, fromSbom.stderr);
    const report = JSON.parse(fromSbom.stdout);
    assert.equal(report.ArtifactType, 'cyclonedx');
    assert.ok(keys(report).length > 0);
    assert.deepEqual(keys(report), keys(JSON.parse(direct.stdout)));
  });

  it('--vex drops what an OpenVEX document marks not_affected; --show-suppressed lists it, in JSON and the table', () => {
    const before = JSON.parse(vigil(['fs', '--format', 'json', ...db(), 'examples']).stdout);
    const target = before.Results.find((r: any) => r.Vulnerabilities?.length);
    const victim = target.Vulnerabilities[0];
    const vexFile = path.join(tmp, 'vex.json');
    fs.writeFileSync(vexFile, JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'https://example.com/vex-1', author: 'test', timestamp: '2024-01-01T00:00:00Z', version: 1,
      statements: [{ vulnerability: { name: victim.VulnerabilityID }, products: [{ '@id': victim.PkgIdentifier.PURL }], status: 'not_affected', justification: 'vulnerable_code_not_present' }],
    }));
    const count = (report: any) => report.Results.reduce((n: number, r: any) => n + (r.Vulnerabilities?.length ?? 0), 0);
    const filtered = JSON.parse(vigil(['fs', '--format', 'json', ...db(), '--vex', vexFile, 'examples']).stdout);
    assert.equal(count(filtered), count(before) - 1);
    assert.ok(filtered.Results.every((r: any) => !r.ExperimentalModifiedFindings), 'listed only with --show-suppressed');

    const shown = JSON.parse(vigil(['fs', '--format', 'json', ...db(), '--vex', vexFile, '--show-suppressed', 'examples']).stdout);
    const modified = shown.Results.find((r: any) => r.Target === target.Target).ExperimentalModifiedFindings;
    assert.deepEqual(modified.map((m: any) => [m.Type, m.Status, m.Statement, m.Source, m.Finding.VulnerabilityID]), [
      ['vulnerability', 'not_affected', 'vulnerable_code_not_present', vexFile, victim.VulnerabilityID],
    ]);
    const table = vigil(['fs', ...db(), '--vex', vexFile, '--show-suppressed', 'examples']).stdout;
    assert.match(table, /Suppressed Vulnerabilities \(Total: 1\)/);
    assert.ok(table.includes(victim.VulnerabilityID));
  });

  it('refuses a missing or malformed document with a clear message, quoting none of it', () => {
    const missing = vigil(['fs', '--vex', path.join(tmp, 'nope.json'), 'examples']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /VEX document not found/);
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{"bomFormat": "CycloneDX", "components": ["SECRET-VALUE-123"');
    const run = vigil(['sbom', ...db(), bad]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.json is not an SBOM Vigil reads: it is not valid JSON/);
    assert.ok(!run.stderr.includes('SECRET-VALUE-123'));
    const badVex = vigil(['fs', '--vex', bad, 'examples']);
    assert.equal(badVex.code, 1);
    assert.ok(!badVex.stderr.includes('SECRET-VALUE-123'));
  });
});
