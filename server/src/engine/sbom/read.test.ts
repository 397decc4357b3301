import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSbom, readSbomFile, MAX_JSON_DEPTH } from './read';
import { formatCycloneDx } from './cyclonedx';
import { formatSpdxJson } from './spdx';
import { analyzePath, completeScan } from '../scan';
import { buildPurl } from '../purl';
import type { AdvisoryLookup, ScanResult } from '../types';
import { REPO_ROOT } from '../../../../test/helpers/corpus';
import { doublingRatio } from '../../../../test/helpers/linear-time';

const TESTDATA = path.join(__dirname, '../testdata/sbom');
const packagesOf = (scan: ScanResult) => scan.results.flatMap(r => r.packages.map(p => `${r.class} ${p.purl} ${p.name} ${p.version}`)).sort();

describe('SBOM reader', () => {
  it('reads the same packages from each form of one SBOM (CycloneDX, SPDX JSON, SPDX tag-value, in-toto)', () => {
    const forms = ['centos-7-cyclonedx.json', 'centos-7-spdx.json', 'centos-7-spdx.txt', 'centos-7-cyclonedx.intoto.jsonl'];
    const [first, ...others] = forms.map(name => readSbomFile(path.join(TESTDATA, name)));
    assert.deepEqual(packagesOf(first), [
      'os-pkgs pkg:rpm/centos/bash@4.2.46-31.el7?arch=x86_64&distro=centos-7.6.1810 bash 4.2.46-31.el7',
      'os-pkgs pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&distro=centos-7.6.1810 openssl-libs 1:1.0.2k-16.el7',
    ]);
    assert.match(first.results[0].target, /centos-7-cyclonedx\.json \(centos 7\.6\.1810\)$/);
    assert.equal(first.results[0].type, 'centos');
    for (const other of others) assert.deepEqual(packagesOf(other), packagesOf(first));
  });

  it('groups packages under their OS or, without a file, under their language, as Trivy does', () => {
    const scan = readSbomFile(path.join(TESTDATA, 'fluentd-multiple-lockfiles-cyclonedx.json'));
    assert.deepEqual(scan.results.map(r => [r.target.replace(/^.*\//, ''), r.class, r.type, r.packages.map(p => p.id)]), [
      ['fluentd-multiple-lockfiles-cyclonedx.json (debian 10.2)', 'os-pkgs', 'debian', ['libidn2-0@2.0.5-1', 'bash@5.0-4']],
      ['Ruby', 'lang-pkgs', 'gemspec', ['activesupport@6.0.2.1']],
    ]);
  });

  it('carries licenses', () => {
    const scan = readSbomFile(path.join(TESTDATA, 'license-cyclonedx.json'));
    const licensed = scan.results.flatMap(r => r.packages).filter(p => p.licenses?.length);
    assert.ok(licensed.length > 0);
  });

  it('reads back what Vigil wrote, in both formats: files, types, graph, hashes and project', async () => {
    const written = await analyzePath(path.join(REPO_ROOT, 'examples'));
    const npm = written.results.find(r => r.type === 'npm')!;
    npm.packages[0].hashes = [{ algorithm: 'SHA-512', value: 'cd'.repeat(64) }];
    npm.project = { name: 'node-app', version: '1.0.0', purl: buildPurl('npm', 'node-app', '1.0.0') };
    const options = { artifactName: 'examples', createdAt: '2024-01-02T03:04:05Z' };
    for (const text of [formatCycloneDx(written, options), formatSpdxJson(written, options)]) {
      const read = readSbom(text, 'examples.sbom.json');
      assert.deepEqual(read.results.map(r => [r.target, r.class, r.type]), written.results.map(r => [r.target, r.class, r.type]));
      for (const result of written.results) {
        const back = read.results.find(r => r.target === result.target)!;
        assert.deepEqual(back.packages.map(p => p.purl).sort(), [...new Set(result.packages.map(p => p.purl))].sort());
      }
      const npmBack = read.results.find(r => r.type === 'npm')!;
      assert.equal(npmBack.project?.purl, npm.project.purl);
      assert.deepEqual(npmBack.packages.find(p => p.purl === npm.packages[0].purl)?.hashes, npm.packages[0].hashes);
      const withDeps = npm.packages.find(p => p.dependsOn?.length)!;
      assert.deepEqual(npmBack.packages.find(p => p.purl === withDeps.purl)?.dependsOn?.length, new Set(withDeps.dependsOn).size);
      assert.equal(read.notes.length, 0, read.notes.join('\n'));
    }
  });

  it('finds the vulnerabilities of its packages through the same detector as a lockfile', () => {
    const scan = readSbomFile(path.join(TESTDATA, 'fluentd-multiple-lockfiles-cyclonedx.json'));
    const osv = {
      id: 'GHSA-2p68-f74v-9wc6', aliases: ['CVE-2020-8165'], modified: '2020-06-01T00:00:00Z', summary: 'unmarshalling in MemCacheStore',
      affected: [{ package: { ecosystem: 'RubyGems', name: 'activesupport' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '6.0.0' }, { fixed: '6.0.3.1' }] }] }],
    };
    const db: AdvisoryLookup = { lookup: (_ecosystem, name) => (name === 'activesupport' ? [{ osv, severity: 'HIGH', severitySource: 'ghsa', cvss: {} }] : []) };
    completeScan(scan, { db });
    const ruby = scan.results.find(r => r.target === 'Ruby')!;
    assert.deepEqual(ruby.vulnerabilities.map(v => [v.vulnerabilityId, v.pkgName, v.installedVersion, v.fixedVersions]), [
      ['CVE-2020-8165', 'activesupport', '6.0.2.1', ['6.0.3.1']],
    ]);
  });

  describe('hostile input', () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const rejects = (text: string, pattern: RegExp) => assert.throws(() => readSbom(text, 'in.json'), (error: Error) => {
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes(secret), error.message);
      return true;
    });

    it('names the file and never quotes it', () => {
      rejects(`{"bomFormat": "CycloneDX", "components": [${JSON.stringify(secret)}`, /in\.json is not an SBOM Vigil reads: it is not valid JSON/);
      rejects(`{"token": ${JSON.stringify(secret)}}`, /neither CycloneDX .* nor SPDX/);
      rejects(`${secret}: x`, /neither JSON nor SPDX tag-value/);
      rejects(`{"bomFormat": "CycloneDX", "components": ${JSON.stringify(secret)}}`, /components is not a list/);
    });

    it('refuses JSON nested deeper than any SBOM, before parsing it', () => {
      const deep = `{"bomFormat":"CycloneDX","components":${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}}`;
      rejects(deep, /nests deeper than/);
      const huge = '['.repeat(2_000_000) + ']'.repeat(2_000_000);
      const started = Date.now();
      rejects(huge, /nests deeper than/);
      assert.ok(Date.now() - started < 1000);
    });

    it('follows nested components only so deep, and ignores what is not a component', () => {
      let component: Record<string, unknown> = { type: 'library', name: 'leaf', purl: 'pkg:npm/leaf@1.0.0', 'bom-ref': 'leaf' };
      for (let i = 0; i < 100; i++) component = { type: 'library', name: `c${i}`, components: [component, 7, null, 'x'] };
      const scan = readSbom(JSON.stringify({ bomFormat: 'CycloneDX', components: [component] }), 'in.json');
      assert.deepEqual(scan.results.flatMap(r => r.packages), []);
      assert.match(scan.notes.join('\n'), /without a purl/);
    });

    it('refuses a file over the size limit before reading it', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-sbom-read-'));
      try {
        const file = path.join(dir, 'big.json');
        fs.writeFileSync(file, JSON.stringify({ bomFormat: 'CycloneDX', padding: 'x'.repeat(2048) }));
        assert.throws(() => readSbomFile(file, 1024), /larger than/);
        assert.throws(() => readSbomFile(path.join(dir, 'missing.json')), /cannot read the SBOM .*missing\.json \(ENOENT\)/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads in linear time', function () {
      this.timeout(60_000);
      const make = (n: number) => JSON.stringify({
        bomFormat: 'CycloneDX',
        components: Array.from({ length: n }, (_, i) => ({ type: 'library', 'bom-ref': `r${i}`, name: `p${i}`, version: '1.0.0', purl: `pkg:npm/p${i}@1.0.0` })),
        dependencies: Array.from({ length: n }, (_, i) => ({ ref: `r${i}`, dependsOn: i + 1 < n ? [`r${i + 1}`] : [] })),
      });
      const { ratio } = doublingRatio(make, text => readSbom(text, 'in.json'), 1000);
      assert.ok(ratio < 3, `time at 2N / time at N = ${ratio.toFixed(2)}`);
    });
  });
});
