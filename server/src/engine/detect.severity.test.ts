// Advisories without a severity (most PYSEC records): they take one from a record of the same CVE
// in any ecosystem, through the DB's alias index; titles come whole from the summary or the first
// sentence of the details. Real OSV records (test/fixtures/osv/severity-by-cve, see ATTRIBUTION.md).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importAdvisories, openDb, type VulnDb } from './db';
import { applySeveritySources, detectPackages, firstSentence, MAX_TITLE_LENGTH, titleOf } from './detect';
import { toTrivyJson } from '../report';
import { emptyResult } from './scan';
import type { CveSeverity, DetectedVulnerability, Package } from './types';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/osv/severity-by-cve');

function pypiPackage(name: string, version: string): Package {
  return { id: `${name}@${version}`, name, version, ecosystem: 'PyPI', purl: `pkg:pypi/${name}@${version}`, direct: true, dev: false };
}

function record(id: string): { summary?: string; details?: string } {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${id}.json`), 'utf8'));
}

describe('detect: advisories without a severity', () => {
  let cacheDir: string;
  let db: VulnDb;
  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-severity-'));
    await importAdvisories(cacheDir, [FIXTURES]);
    db = openDb(cacheDir);
  });
  after(() => {
    db.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('indexes each CVE under the records that name it and have a severity, in every ecosystem', () => {
    // RUSTSEC-2021-0110 (crates.io, CVSS v3 6.3) names three CVEs; the PYSEC records have no severity.
    for (const cve of ['CVE-2021-39216', 'CVE-2021-39218', 'CVE-2021-39219']) {
      assert.deepStrictEqual(db.severitiesOfCve(cve).map((s) => [s.id, s.severity, s.severitySource]), [['RUSTSEC-2021-0110', 'MEDIUM', 'cvss_v3']]);
    }
    // PyYAML's CVE is named only by a record without a severity: nothing to take.
    assert.deepStrictEqual(db.severitiesOfCve('CVE-2019-20477'), []);
    assert.deepStrictEqual(db.severitiesOfCve('CVE-1999-0001'), []);
  });

  it('gives a PyPI advisory without a severity the one crates.io gives the same CVE, and says where it came from', () => {
    const [finding] = detectPackages([pypiPackage('wasmtime', '0.29.0')], db);
    assert.strictEqual(finding.vulnerabilityId, 'CVE-2021-39216');
    assert.strictEqual(finding.dataSourceId, 'PYSEC-2021-320');
    assert.strictEqual(finding.severity, 'MEDIUM');
    assert.strictEqual(finding.severitySource, 'cvss_v3');
    assert.strictEqual(finding.severityFrom, 'RUSTSEC-2021-0110');
    assert.strictEqual(finding.cvss.rustsec?.V3Score, 6.3);

    const scan = { target: '.', errors: [], notes: [], results: [{ ...emptyResult('requirements.txt', 'lang-pkgs', 'pip'), vulnerabilities: [finding] }] };
    const json = toTrivyJson(scan, { artifactName: '.' }) as { Results: { Vulnerabilities: Record<string, unknown>[] }[] };
    const vuln = json.Results[0].Vulnerabilities[0];
    assert.strictEqual(vuln.Severity, 'MEDIUM');
    assert.strictEqual(vuln.SeveritySource, 'osv', 'the source of RUSTSEC-2021-0110');
    assert.strictEqual(vuln.VigilSeverityFrom, 'RUSTSEC-2021-0110');
  });

  it('leaves UNKNOWN an advisory whose CVE no record scores', () => {
    const findings = detectPackages([pypiPackage('pyyaml', '5.1.2')], db);
    assert.deepStrictEqual(findings.map((f) => [f.dataSourceId, f.severity, f.severitySource, f.severityFrom]), [
      ['PYSEC-2020-176', 'UNKNOWN', 'none', undefined],
      ['PYSEC-2021-142', 'UNKNOWN', 'none', undefined],
    ]);
  });

  it('titles a record without a summary by the first sentence of its details, whole', () => {
    // "e.g., Popen" must not end the sentence; the issue saw "…because of a class deserializ…".
    assert.strictEqual(titleOf(record('PYSEC-2020-176')),
      'PyYAML 5.1 through 5.1.2 has insufficient restrictions on the load and load_all functions because of a class deserialization issue, e.g., Popen is a class in the subprocess module.');
  });

  it('cuts a first sentence longer than the limit at a word boundary', () => {
    const details = record('PYSEC-2021-142').details!;
    const title = titleOf(record('PYSEC-2021-142'));
    assert.ok(title.length <= MAX_TITLE_LENGTH, title);
    assert.ok(title.endsWith('…'), title);
    const kept = title.slice(0, -1);
    assert.ok(details.startsWith(kept), title);
    assert.strictEqual(details[kept.length], ' ', `cut mid-word: ${title}`);
  });

  it('uses the summary when there is one, on one line', () => {
    assert.strictEqual(titleOf(record('RUSTSEC-2021-0110')), 'Multiple Vulnerabilities in Wasmtime');
    assert.strictEqual(titleOf({ summary: 'Two\nlines ', details: 'Ignored.' }), 'Two lines');
  });

  it('finds the first sentence after Markdown headings and abbreviations', () => {
    assert.strictEqual(firstSentence('### Impact\n\nThe parser (e.g. in strict mode) loops. More text.'), 'The parser (e.g. in strict mode) loops.');
    assert.strictEqual(firstSentence('Fixed in 1.2. Upgrade.'), 'Fixed in 1.2.');
    assert.strictEqual(firstSentence('No period at all'), 'No period at all');
    assert.strictEqual(firstSentence(''), '');
  });
});

describe('detect: --vuln-severity-source', () => {
  const ratings: Record<string, CveSeverity[]> = {
    'CVE-2019-11358': [
      { id: 'CVE-2019-11358', severity: 'HIGH', severitySource: 'cvss_v3', cvss: {} },
      { id: 'UBUNTU-CVE-2019-11358', severity: 'LOW', severitySource: 'ubuntu', cvss: {} },
    ],
  };
  const finding = (): DetectedVulnerability => ({
    vulnerabilityId: 'CVE-2019-11358', aliases: ['GHSA-6c3j-c64m-qhgq'], pkgId: 'jquery@3.3.9', pkgName: 'jquery', purl: 'pkg:npm/jquery@3.3.9',
    installedVersion: '3.3.9', fixedVersions: ['3.4.0'], advisoryFixedVersions: ['3.4.0'], status: 'fixed', severity: 'MEDIUM', severitySource: 'ghsa',
    title: '', description: '', references: [], primaryUrl: '', cvss: {}, dataSourceId: 'GHSA-6c3j-c64m-qhgq', direct: true, dev: false,
  });
  const rated = (sources: string[]) => {
    const vuln = finding();
    applySeveritySources([vuln], sources, cve => ratings[cve] ?? []);
    return [vuln.severity, vuln.severitySource, vuln.severityFrom];
  };

  it('takes the first listed source that rates the vulnerability, by its record\'s ID prefix', () => {
    assert.deepStrictEqual(rated(['alpine', 'ubuntu']), ['LOW', 'ubuntu', 'UBUNTU-CVE-2019-11358']);
    assert.deepStrictEqual(rated(['nvd', 'ubuntu']), ['HIGH', 'nvd', 'CVE-2019-11358']);
    assert.deepStrictEqual(rated(['ghsa']), ['MEDIUM', 'ghsa', undefined], 'its own record');
  });

  it('keeps its own choice for auto, and where no listed source rates it', () => {
    assert.deepStrictEqual(rated(['auto', 'ubuntu']), ['MEDIUM', 'ghsa', undefined]);
    assert.deepStrictEqual(rated(['alpine', 'debian']), ['MEDIUM', 'ghsa', undefined]);
  });
});
