import { emptyResult } from '../engine/scan';
import * as assert from 'assert';
import type { ScanResult } from '../engine/types';
import { readGolden, scanFromGolden, type GoldenJson } from './golden-scan.test-helper';
import { dataSource, formatTrivyJson, toTrivyJson } from './trivy-json';

// Trivy fields Vigil does not produce (see trivy-json.ts), removed from the golden before comparing.
const NOT_PRODUCED = new Set(['Fingerprint', 'Layer', 'VendorIDs', 'PkgPath']);

/** The golden as far as Vigil carries it: same keys in the same order, UIDs compared separately. */
function expectedFromGolden(value: GoldenJson): GoldenJson {
  if (Array.isArray(value)) return value.map(expectedFromGolden);
  if (value === null || typeof value !== 'object') return value;
  const out: GoldenJson = {};
  for (const [key, v] of Object.entries(value)) {
    if (NOT_PRODUCED.has(key) || key === 'UID') continue;
    // Trivy's DB fixture has a doubled `%%` in the Composer advisory URL; Vigil writes the real URL.
    out[key] = key === 'URL' && typeof v === 'string' ? v.replace(/%%/g, '%') : expectedFromGolden(v);
  }
  return out;
}

/**
 * Vigil's output minus what it adds on purpose: Vigil* fields, UIDs, and, where Trivy's parser had no
 * such information for this format, package IDs and direct/indirect relationships.
 */
function actualComparable(value: GoldenJson, golden: GoldenJson): GoldenJson {
  if (Array.isArray(value)) return value.map((v, i) => actualComparable(v, golden?.[i]));
  if (value === null || typeof value !== 'object') return value;
  const out: GoldenJson = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('Vigil') || key === 'UID') continue;
    const optional = ['ID', 'PkgID', 'Relationship', 'Indirect'].includes(key);
    if (optional && golden && !(key in golden)) continue;
    out[key] = actualComparable(v, golden?.[key]);
  }
  return out;
}

function checkAgainstGolden(name: string) {
  const golden = readGolden(name);
  const scan = scanFromGolden(golden);
  const report = toTrivyJson(scan, {
    artifactName: golden.ArtifactName,
    artifactType: golden.ArtifactType,
    createdAt: golden.CreatedAt,
    reportId: golden.ReportID,
    listAllPkgs: true,
  }) as GoldenJson;

  assert.deepStrictEqual(Object.keys(report), ['SchemaVersion', 'ReportID', 'CreatedAt', 'ArtifactName', 'ArtifactType', 'Results']);
  assert.strictEqual(report.SchemaVersion, 2);
  assert.strictEqual(report.CreatedAt, golden.CreatedAt);

  const expected = expectedFromGolden(golden.Results);
  const actual = actualComparable(report.Results, expected);
  // Stringify to compare key order too, then deepStrictEqual for a readable diff.
  if (JSON.stringify(actual) !== JSON.stringify(expected)) assert.deepStrictEqual(actual, expected);
  assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected), 'same keys in the same order');

  // Each vulnerability's UID is the one of the package it belongs to.
  for (const result of report.Results) {
    for (const v of result.Vulnerabilities ?? []) {
      const pkg = result.Packages.find((p: GoldenJson) => p.Identifier.PURL === v.PkgIdentifier.PURL);
      assert.match(v.PkgIdentifier.UID, /^[0-9a-f]{1,16}$/);
      assert.strictEqual(v.PkgIdentifier.UID, pkg.Identifier.UID);
    }
  }
  return { report, scan };
}

describe('Trivy JSON report', () => {
  for (const golden of ['npm.json.golden', 'pip.json.golden', 'pnpm.json.golden', 'composer.lock.json.golden', 'pubspec.lock.json.golden']) {
    it(`matches Trivy's ${golden} field by field`, () => {
      checkAgainstGolden(golden);
    });
  }

  it('writes Vigil-only fields under names Trivy does not use', () => {
    const { report, scan } = checkAgainstGolden('npm.json.golden');
    const vuln = report.Results[0].Vulnerabilities[0];
    assert.deepStrictEqual(Object.keys(vuln).slice(-3), ['VigilAliases', 'VigilAdvisoryID', 'VigilLocation']);
    assert.deepStrictEqual(vuln.VigilAliases, ['GHSA-6c3j-c64m-qhgq']);
    assert.strictEqual(vuln.VigilAdvisoryID, 'GHSA-6c3j-c64m-qhgq');
    assert.deepStrictEqual(vuln.VigilLocation, { StartLine: 11, StartColumn: 5, EndLine: 15, EndColumn: 6 });
    assert.strictEqual(scan.results[0].vulnerabilities[0].location?.startLine, 11);
  });

  it('lists packages only with listAllPkgs, and keeps files with packages but no findings', () => {
    const scan = scanFromGolden(readGolden('pip.json.golden'));
    scan.results.push({ ...emptyResult('sub/requirements.txt', 'lang-pkgs', 'pip'), packages: scan.results[0].packages });
    scan.results.push(emptyResult('empty/requirements.txt', 'lang-pkgs', 'pip'));
    const report = toTrivyJson(scan, { artifactName: '.', createdAt: new Date('2024-01-02T03:04:05Z') }) as GoldenJson;
    assert.strictEqual(report.ArtifactType, 'filesystem');
    assert.strictEqual(report.CreatedAt, '2024-01-02T03:04:05Z');
    assert.deepStrictEqual(report.Results.map((r: GoldenJson) => [r.Target, Object.keys(r)]), [
      ['requirements.txt', ['Target', 'Class', 'Type', 'Vulnerabilities']],
      ['sub/requirements.txt', ['Target', 'Class', 'Type']],
    ]);
  });

  it('reports file errors and notes in Vigil-only fields', () => {
    const scan: ScanResult = {
      target: '.',
      results: [],
      errors: [{ file: 'broken/package-lock.json', message: 'Unexpected token } in JSON at position 10' }],
      notes: ['skipped node_modules/huge.json (larger than 50 MB)'],
    };
    const report = toTrivyJson(scan, { artifactName: '.', createdAt: '2024-01-02T03:04:05.120Z' }) as GoldenJson;
    assert.deepStrictEqual(report, {
      SchemaVersion: 2,
      CreatedAt: '2024-01-02T03:04:05.12Z',
      ArtifactName: '.',
      ArtifactType: 'filesystem',
      VigilErrors: [{ Target: 'broken/package-lock.json', Message: 'Unexpected token } in JSON at position 10' }],
      VigilNotes: ['skipped node_modules/huge.json (larger than 50 MB)'],
    });
  });

  it('prints as Trivy does: two-space indent, Go HTML escaping, final newline', () => {
    const golden = readGolden('npm.json.golden');
    const scan = scanFromGolden(golden);
    scan.results[0].vulnerabilities[0].description = 'a <script> & "quotes"';
    const text = formatTrivyJson(scan, { artifactName: golden.ArtifactName, createdAt: golden.CreatedAt });
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.includes('"Description": "a \\u003cscript\\u003e \\u0026 \\"quotes\\""'));
    assert.ok(text.includes('\n  "Results": [\n    {\n      "Target": "package-lock.json",'));
    assert.strictEqual(JSON.parse(text).Results[0].Vulnerabilities[0].Description, 'a <script> & "quotes"');
  });

  it('sorts vulnerabilities as Trivy does', () => {
    const scan = scanFromGolden(readGolden('pip.json.golden'));
    scan.results[0].vulnerabilities.reverse();
    const report = toTrivyJson(scan, { artifactName: '.' }) as GoldenJson;
    assert.deepStrictEqual(report.Results[0].Vulnerabilities.map((v: GoldenJson) => v.VulnerabilityID), ['CVE-2019-14806', 'CVE-2020-28724']);
  });

  it('names the data source after the advisory database', () => {
    assert.deepStrictEqual(dataSource('GHSA-gq9m-qvpx-68hc', 'pkg:pypi/werkzeug@0.11'), {
      ID: 'ghsa',
      Name: 'GitHub Security Advisory Pip',
      URL: 'https://github.com/advisories?query=type%3Areviewed+ecosystem%3Apip',
    });
    assert.strictEqual(dataSource('PYSEC-2019-140', 'pkg:pypi/werkzeug@0.11').Name, 'Python Packaging Advisory Database');
    assert.strictEqual(dataSource('RUSTSEC-2019-0001', 'pkg:cargo/ammonia@1.9.0').URL, 'https://github.com/RustSec/advisory-db');
    assert.strictEqual(dataSource('GO-2022-0493', 'pkg:golang/golang.org/x/sys@v0.0.1').ID, 'govulndb');
    assert.strictEqual(dataSource('CVE-2019-1549', 'pkg:apk/alpine/libssl1.1@1.1.1c-r0').ID, 'alpine');
  });
});
