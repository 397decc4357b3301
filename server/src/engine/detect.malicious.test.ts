// A package matched by a MAL- record (OpenSSF's malicious packages) is malware: CRITICAL, its own
// wording, and first in every list the detector and the reports give.
import { emptyResult } from './scan';
import * as assert from 'assert';
import { detectPackages, MALICIOUS_TITLE } from './detect';
import { formatSarif, formatTable, toTrivyJson } from '../report';
import type { AdvisoryLookup, Package, ScanResult, StoredAdvisory } from './types';

function npmPackage(name: string, version: string): Package {
  return { id: `${name}@${version}`, name, version, ecosystem: 'npm', purl: `pkg:npm/${name}@${version}`, direct: true, dev: false };
}

const advisories: Record<string, StoredAdvisory[]> = {
  // Alphabetically first, and HIGH: Trivy's order alone would put it first.
  'aaa-parser': [{
    osv: {
      id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-01-01T00:00:00Z', aliases: ['CVE-2024-0001'], summary: 'ReDoS in aaa-parser',
      affected: [{ package: { ecosystem: 'npm', name: 'aaa-parser' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
    },
    severity: 'HIGH', severitySource: 'ghsa', cvss: {},
  }],
  // A MAL- record carries no score: stored as UNKNOWN.
  'zzz-colors': [{
    osv: {
      id: 'MAL-2024-1234', modified: '2024-01-01T00:00:00Z', summary: 'Malicious code in zzz-colors (npm)',
      affected: [{ package: { ecosystem: 'npm', name: 'zzz-colors' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
    },
    severity: 'UNKNOWN', severitySource: 'none', cvss: {},
  }],
};
const db: AdvisoryLookup = { lookup: (_ecosystem, name) => advisories[name] ?? [] };

describe('detect: malicious packages', () => {
  const packages = [npmPackage('aaa-parser', '1.0.0'), npmPackage('zzz-colors', '1.0.1')];
  const findings = detectPackages(packages, db);

  it('reports a package matched by a MAL- record as CRITICAL, with its own wording, first', () => {
    assert.deepStrictEqual(findings.map((f) => [f.vulnerabilityId, f.severity]), [['MAL-2024-1234', 'CRITICAL'], ['CVE-2024-0001', 'HIGH']]);
    assert.strictEqual(findings[0].title, `${MALICIOUS_TITLE} (Malicious code in zzz-colors (npm))`);
    assert.strictEqual(findings[0].status, 'affected');
  });

  it('comes first in the table, the JSON and the SARIF reports', () => {
    const scan: ScanResult = {
      target: '.', errors: [], notes: [],
      results: [{ ...emptyResult('package-lock.json', 'lang-pkgs', 'npm'), packages, vulnerabilities: [...findings].reverse() }],
    };
    const table = formatTable(scan);
    assert.ok(table.indexOf('MAL-2024-1234') < table.indexOf('CVE-2024-0001'), table);
    assert.match(table, /malicious package: remove it/);
    const json = toTrivyJson(scan, { artifactName: '.' }) as { Results: { Vulnerabilities: { VulnerabilityID: string; Severity: string }[] }[] };
    assert.deepStrictEqual(json.Results[0].Vulnerabilities.map((v) => [v.VulnerabilityID, v.Severity]), [['MAL-2024-1234', 'CRITICAL'], ['CVE-2024-0001', 'HIGH']]);
    const sarif = JSON.parse(formatSarif(scan, { artifactName: '.' }));
    assert.deepStrictEqual(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId), ['MAL-2024-1234', 'CVE-2024-0001']);
  });
});
