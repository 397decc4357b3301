import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importAdvisories, openDb } from '../db';
import { analyzePath, completeScan } from '../scan';
import { MemorySource } from '../source';
import type { ScanResult } from '../types';
import { formatCycloneDx } from './cyclonedx';
import { formatSpdxJson } from './spdx';
import { cycloneDx16Validator, schemaErrors, spdx23Validator } from '../../../../test/helpers/sbom-schemas';
import { REPO_ROOT } from '../../../../test/helpers/corpus';
import { writeReport, REPORT_FORMATS, isSbomFormat } from '../../report';

const EXAMPLES = path.join(REPO_ROOT, 'examples');
const FIXED = { artifactName: 'examples', createdAt: '2024-05-06T07:08:09.123Z', serialNumber: 'urn:uuid:3ff14136-e09f-4df9-80ea-000000000001', toolVersion: '0.1.0' };

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('SBOM writers', function () {
  this.timeout(30_000);
  let packagesOnly: ScanResult;
  let withVulns: ScanResult;
  let cacheDir: string;

  before(async () => {
    packagesOnly = await analyzePath(EXAMPLES);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-sbom-'));
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
    const db = openDb(cacheDir);
    try {
      withVulns = completeScan(await analyzePath(EXAMPLES), { db });
    } finally {
      db.close();
    }
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it('are report formats, marked as SBOMs', () => {
    assert.ok(REPORT_FORMATS.includes('cyclonedx') && REPORT_FORMATS.includes('spdx-json'));
    assert.ok(isSbomFormat('cyclonedx') && isSbomFormat('spdx-json') && !isSbomFormat('json'));
  });

  describe('CycloneDX 1.6', () => {
    it('is valid against the official schema, with or without vulnerabilities', () => {
      for (const scan of [packagesOnly, withVulns]) {
        const bom = JSON.parse(formatCycloneDx(scan, FIXED));
        assert.equal(schemaErrors(cycloneDx16Validator(), bom), '');
        assert.equal(bom.specVersion, '1.6');
      }
    });

    it('fails the schema when broken, so the check can fail', () => {
      const bom = JSON.parse(formatCycloneDx(packagesOnly, FIXED));
      bom.components[0].type = 'no-such-type';
      assert.notEqual(schemaErrors(cycloneDx16Validator(), bom), '');
    });

    it('lists every package with its purl, the files, the graph, the tool and the time', () => {
      const bom = JSON.parse(formatCycloneDx(packagesOnly, FIXED));
      assert.equal(bom.serialNumber, FIXED.serialNumber);
      assert.equal(bom.metadata.timestamp, '2024-05-06T07:08:09.000Z');
      assert.deepEqual(bom.metadata.tools.components.map((t: any) => [t.name, t.version]), [['vigil', '0.1.0']]);
      assert.equal(bom.metadata.component.name, 'examples');
      const purls = new Set(bom.components.map((c: any) => c.purl).filter(Boolean));
      const expected = packagesOnly.results.flatMap(r => r.packages.map(p => p.purl));
      assert.ok(expected.length > 10);
      for (const purl of expected) assert.ok(purls.has(purl), purl);
      const lock = bom.components.find((c: any) => c.name === 'node-app/package-lock.json');
      assert.deepEqual(lock.properties, [{ name: 'aquasecurity:trivy:Class', value: 'lang-pkgs' }, { name: 'aquasecurity:trivy:Type', value: 'npm' }]);
      const deps = new Map(bom.dependencies.map((d: any) => [d.ref, d.dependsOn ?? []]));
      assert.ok((deps.get(bom.metadata.component['bom-ref']) as string[]).includes(lock['bom-ref']));
      // The lockfile records who requires whom: some package depends on another.
      const npmRefs = new Set(packagesOnly.results.find(r => r.type === 'npm')!.packages.map(p => p.purl));
      assert.ok([...deps].some(([ref, on]) => npmRefs.has(ref as string) && (on as string[]).length > 0));
      assert.equal(bom.vulnerabilities, undefined, 'no vulnerabilities without a vulnerability scan');
    });

    it('lists the vulnerabilities found, with the components they affect', () => {
      const bom = JSON.parse(formatCycloneDx(withVulns, FIXED));
      const found = withVulns.results.flatMap(r => r.vulnerabilities);
      assert.ok(found.length > 0);
      assert.deepEqual(new Set(bom.vulnerabilities.map((v: any) => v.id)), new Set(found.map(v => v.vulnerabilityId)));
      const refs = new Set(bom.components.map((c: any) => c['bom-ref']));
      for (const vuln of bom.vulnerabilities) for (const affect of vuln.affects) assert.ok(refs.has(affect.ref), affect.ref);
    });

    it('is the same text for the same scan and options', () => {
      assert.equal(formatCycloneDx(withVulns, FIXED), formatCycloneDx(withVulns, FIXED));
    });

    it('carries hashes and licenses where packages have them', () => {
      const scan = structuredClone(packagesOnly);
      const pkg = scan.results.find(r => r.type === 'npm')!.packages[0];
      pkg.hashes = [{ algorithm: 'SHA-512', value: 'ab'.repeat(64) }];
      pkg.licenses = ['MIT'];
      const other = scan.results.find(r => r.type === 'npm')!.packages[1];
      other.licenses = ['Apache-2.0 OR MIT', 'Some Custom License'];
      const bom = JSON.parse(formatCycloneDx(scan, FIXED));
      assert.equal(schemaErrors(cycloneDx16Validator(), bom), '');
      const component = bom.components.find((c: any) => c.purl === pkg.purl);
      assert.deepEqual(component.hashes, [{ alg: 'SHA-512', content: 'ab'.repeat(64) }]);
      assert.deepEqual(component.licenses, [{ license: { id: 'MIT' } }]);
      const spdx = JSON.parse(formatSpdxJson(scan, FIXED));
      assert.equal(schemaErrors(spdx23Validator(), spdx), '');
      const spdxPackage = spdx.packages.find((p: any) => p.externalRefs?.[0]?.referenceLocator === pkg.purl);
      assert.deepEqual(spdxPackage.checksums, [{ algorithm: 'SHA512', checksumValue: 'ab'.repeat(64) }]);
      assert.equal(spdxPackage.licenseDeclared, 'MIT');
      const otherPackage = spdx.packages.find((p: any) => p.externalRefs?.[0]?.referenceLocator === other.purl);
      assert.match(otherPackage.licenseDeclared, /^\(Apache-2\.0 OR MIT\) AND LicenseRef-[0-9a-f]+$/);
      assert.equal(spdx.hasExtractedLicensingInfos[0].extractedText, 'Some Custom License');
    });

    it('carries the hashes other lockfiles record: Cargo, Composer, NuGet and pub', async () => {
      const sha256 = '49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4312a78e4cf2566695b';
      const sha1 = '0f73288fd15629204f9d42b7055f72dacbe811fc';
      const sha512 = Buffer.alloc(64, 7);
      const files = {
        'rust/Cargo.lock': `version = 3\n\n[[package]]\nname = "itoa"\nversion = "1.0.11"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${sha256.toUpperCase()}"\n\n[[package]]\nname = "ryu"\nversion = "1.0.18"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "not-a-digest"\n`,
        'php/composer.lock': JSON.stringify({
          packages: [
            { name: 'psr/log', version: '3.0.0', dist: { type: 'zip', url: 'https://example.test/log.zip', reference: 'fe5ea303b0887d5caefd3d431c3e61ad47037001', shasum: sha1 } },
            { name: 'psr/container', version: '2.0.2', dist: { type: 'zip', url: 'https://example.test/container.zip', shasum: '' } },
          ],
          'packages-dev': [],
        }, null, 4),
        'dotnet/packages.lock.json': JSON.stringify({ version: 1, dependencies: { 'net8.0': { 'Newtonsoft.Json': { type: 'Direct', requested: '[13.0.3, )', resolved: '13.0.3', contentHash: sha512.toString('base64') } } } }, null, 2),
        'dart/pubspec.lock': `packages:\n  path:\n    dependency: "direct main"\n    description:\n      name: path\n      sha256: "${sha256}"\n      url: "https://pub.dev"\n    source: hosted\n    version: "1.9.0"\nsdks:\n  dart: ">=3.0.0 <4.0.0"\n`,
      };
      const scan = await analyzePath({ source: new MemorySource(files) });
      assert.deepEqual(scan.errors, []);
      const bom = JSON.parse(formatCycloneDx(scan, FIXED));
      assert.equal(schemaErrors(cycloneDx16Validator(), bom), '');
      const hashesOf = (purl: string) => bom.components.find((c: any) => c.purl === purl)?.hashes;
      assert.deepEqual(hashesOf('pkg:cargo/itoa@1.0.11'), [{ alg: 'SHA-256', content: sha256 }]);
      assert.deepEqual(hashesOf('pkg:composer/psr/log@3.0.0'), [{ alg: 'SHA-1', content: sha1 }]);
      assert.deepEqual(hashesOf('pkg:nuget/Newtonsoft.Json@13.0.3'), [{ alg: 'SHA-512', content: sha512.toString('hex') }]);
      assert.deepEqual(hashesOf('pkg:pub/path@1.9.0'), [{ alg: 'SHA-256', content: sha256 }]);
      // A digest of the wrong shape, or an empty one, is no hash.
      assert.equal(hashesOf('pkg:cargo/ryu@1.0.18'), undefined);
      assert.equal(hashesOf('pkg:composer/psr/container@2.0.2'), undefined);
      const spdx = JSON.parse(formatSpdxJson(scan, FIXED));
      assert.equal(schemaErrors(spdx23Validator(), spdx), '');
      const checksums = (purl: string) => spdx.packages.find((p: any) => p.externalRefs?.[0]?.referenceLocator === purl)?.checksums;
      assert.deepEqual(checksums('pkg:cargo/itoa@1.0.11'), [{ algorithm: 'SHA256', checksumValue: sha256 }]);
      assert.deepEqual(checksums('pkg:nuget/Newtonsoft.Json@13.0.3'), [{ algorithm: 'SHA512', checksumValue: sha512.toString('hex') }]);
    });

    it('carries the JavaScript lockfiles\' integrity and one hash per Python release', async () => {
      const sha512 = Buffer.alloc(64, 5);
      const integrity = `sha512-${sha512.toString('base64')}`;
      const files = {
        'yarn/yarn.lock': `ms@^2.1.3:\n  version "2.1.3"\n  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz"\n  integrity ${integrity}\n`,
        'pnpm/pnpm-lock.yaml': `lockfileVersion: '9.0'\n\npackages:\n\n  debug@4.3.4:\n    resolution: {integrity: ${integrity}}\n\nsnapshots:\n\n  debug@4.3.4: {}\n`,
        'bun/bun.lock': `{\n  "lockfileVersion": 1,\n  "workspaces": { "": { "name": "app", "dependencies": { "once": "^1.4.0" } } },\n  "packages": {\n    "once": ["once@1.4.0", "", {}, "${integrity}"],\n  }\n}\n`,
        'uv/uv.lock': `version = 1\n\n[[package]]\nname = "six"\nversion = "1.16.0"\nsource = { registry = "https://pypi.org/simple" }\nsdist = { url = "https://x.test/six.tar.gz", hash = "sha256:714772a9f82b2aeb4fa5f7092d00fe4ac4c9cdeb6800840b6ed39ea64c4d785a", size = 1 }\nwheels = [{ url = "https://x.test/six.whl", hash = "sha256:ba59926159d2aa256eb8739b8da7e2b574b960e1202c6d624cbe981cef996c91", size = 1 }]\n`,
        'poetry/poetry.lock': `[[package]]\nname = "idna"\nversion = "3.7"\nfiles = [\n  {file = "idna-3.7-py3-none-any.whl", hash = "sha256:ba59926159d2aa256eb8739b8da7e2b574b960e1202c6d624cbe981cef996c91"},\n]\n`,
      };
      const scan = await analyzePath({ source: new MemorySource(files) });
      assert.deepEqual(scan.errors, []);
      const bom = JSON.parse(formatCycloneDx(scan, FIXED));
      assert.equal(schemaErrors(cycloneDx16Validator(), bom), '');
      const hashesOf = (purl: string) => bom.components.find((c: any) => c.purl === purl)?.hashes;
      for (const purl of ['pkg:npm/ms@2.1.3', 'pkg:npm/debug@4.3.4', 'pkg:npm/once@1.4.0']) {
        assert.deepEqual(hashesOf(purl), [{ alg: 'SHA-512', content: sha512.toString('hex') }], purl);
      }
      assert.deepEqual(hashesOf('pkg:pypi/six@1.16.0'), [{ alg: 'SHA-256', content: '714772a9f82b2aeb4fa5f7092d00fe4ac4c9cdeb6800840b6ed39ea64c4d785a' }], 'the sdist stands for the release');
      assert.deepEqual(hashesOf('pkg:pypi/idna@3.7'), [{ alg: 'SHA-256', content: 'ba59926159d2aa256eb8739b8da7e2b574b960e1202c6d624cbe981cef996c91' }], 'without an sdist, the first wheel');
      const spdx = JSON.parse(formatSpdxJson(scan, FIXED));
      assert.equal(schemaErrors(spdx23Validator(), spdx), '');
      const checksums = (purl: string) => spdx.packages.find((p: any) => p.externalRefs?.[0]?.referenceLocator === purl)?.checksums;
      assert.deepEqual(checksums('pkg:pypi/six@1.16.0'), [{ algorithm: 'SHA256', checksumValue: '714772a9f82b2aeb4fa5f7092d00fe4ac4c9cdeb6800840b6ed39ea64c4d785a' }]);
      assert.deepEqual(checksums('pkg:npm/ms@2.1.3'), [{ algorithm: 'SHA512', checksumValue: sha512.toString('hex') }]);
    });
  });

  describe('SPDX 2.3', () => {
    it('is valid against the official schema', () => {
      for (const scan of [packagesOnly, withVulns]) assert.equal(schemaErrors(spdx23Validator(), JSON.parse(formatSpdxJson(scan, FIXED))), '');
    });

    it('fails the schema when broken, so the check can fail', () => {
      const document = JSON.parse(formatSpdxJson(packagesOnly, FIXED));
      document.packages[1].SPDXID = 'not an id';
      assert.notEqual(schemaErrors(spdx23Validator(), document), '');
    });

    it('lists every package with its purl, and the graph, tool and time', () => {
      const document = JSON.parse(formatSpdxJson(packagesOnly, { ...FIXED, serialNumber: undefined }));
      assert.equal(document.spdxVersion, 'SPDX-2.3');
      assert.match(document.documentNamespace, /^https:\/\/spdx\.org\/spdxdocs\/vigil-examples-[0-9a-f-]{36}$/);
      assert.deepEqual(document.creationInfo, { creators: ['Organization: Vigil', 'Tool: vigil-0.1.0'], created: '2024-05-06T07:08:09Z' });
      const purls = new Set(document.packages.flatMap((p: any) => (p.externalRefs ?? []).map((r: any) => r.referenceLocator)));
      for (const purl of packagesOnly.results.flatMap(r => r.packages.map(p => p.purl))) assert.ok(purls.has(purl), purl);
      const ids = new Set(document.packages.map((p: any) => p.SPDXID));
      for (const relation of document.relationships) {
        assert.ok(relation.spdxElementId === 'SPDXRef-DOCUMENT' || ids.has(relation.spdxElementId));
        assert.ok(ids.has(relation.relatedSpdxElement));
      }
      assert.ok(document.relationships.some((r: any) => r.relationshipType === 'DEPENDS_ON'));
    });

    it('goes through writeReport', () => {
      const text = writeReport(packagesOnly, 'spdx-json', FIXED);
      assert.equal(JSON.parse(text).name, 'examples');
    });
  });
});
