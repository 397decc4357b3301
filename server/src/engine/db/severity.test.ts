import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { unzipSync } from 'fflate';
import type { OsvRecord } from '../osv';
import { computeSeverity, cvssBaseScore, cvssSourceKey, severityFromScore } from './severity';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/db');

function fixtureRecord(ecosystem: string, id: string): OsvRecord {
  const files = unzipSync(fs.readFileSync(path.join(fixtures, 'osv', ecosystem, 'all.zip')));
  return JSON.parse(Buffer.from(files[`${id}.json`]).toString('utf8'));
}

describe('db/severity', () => {
  it('puts scores in Trivy bands', () => {
    assert.deepStrictEqual(
      [0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10].map(severityFromScore),
      ['UNKNOWN', 'LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL'],
    );
  });

  it('scores v3.0, v3.1 and v4.0 vectors and rejects garbage', () => {
    assert.strictEqual(cvssBaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 9.8);
    assert.strictEqual(cvssBaseScore('CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H'), 8.1);
    assert.strictEqual(cvssBaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'), 9.3);
    assert.strictEqual(cvssBaseScore('CVSS:3.1/AV:X'), undefined);
    assert.strictEqual(cvssBaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P'), undefined);
  });

  it('uses the CVSS v3 vector of a GHSA record and keys cvss by ghsa', () => {
    const info = computeSeverity(fixtureRecord('npm', 'GHSA-257q-pv89-v3xv'));
    assert.deepStrictEqual(info, {
      severity: 'MEDIUM',
      severitySource: 'cvss_v3',
      cvss: { ghsa: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', V3Score: 6.1 } },
    });
  });

  it('keeps both vectors when a record has v3 and v4, and prefers v3', () => {
    const info = computeSeverity(fixtureRecord('Go', 'GHSA-qppj-fm5r-hxr3'));
    assert.strictEqual(info.severitySource, 'cvss_v3');
    assert.strictEqual(info.severity, 'MEDIUM');
    assert.strictEqual(info.cvss.ghsa.V3Score, 5.3);
    assert.strictEqual(info.cvss.ghsa.V40Score, 6.9);
  });

  it('falls back to a v4 vector (RustSec)', () => {
    const info = computeSeverity(fixtureRecord('crates.io', 'RUSTSEC-2024-0445'));
    assert.strictEqual(info.severitySource, 'cvss_v4');
    assert.strictEqual(info.severity, 'LOW');
    assert.deepStrictEqual(Object.keys(info.cvss), ['rustsec']);
  });

  it("falls back to GHSA's database_specific severity, MODERATE meaning MEDIUM", () => {
    assert.deepStrictEqual(computeSeverity(fixtureRecord('RubyGems', 'GHSA-229r-pqp6-8w6g')), {
      severity: 'HIGH',
      severitySource: 'ghsa',
      cvss: {},
    });
    assert.strictEqual(computeSeverity(fixtureRecord('RubyGems', 'GHSA-24fg-p96v-hxh8')).severity, 'MEDIUM');
  });

  it('reads a vector from affected[].severity too', () => {
    const record: OsvRecord = {
      id: 'CVE-2024-0001',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'x' }, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] }],
    };
    assert.deepStrictEqual(computeSeverity(record).cvss, {
      nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', V3Score: 9.8 },
    });
    assert.strictEqual(computeSeverity(record).severity, 'CRITICAL');
  });

  it('is UNKNOWN without any severity data (Go vulndb)', () => {
    assert.deepStrictEqual(computeSeverity(fixtureRecord('Go', 'GO-2020-0001')), {
      severity: 'UNKNOWN',
      severitySource: 'none',
      cvss: {},
    });
    assert.strictEqual(cvssSourceKey('PYSEC-2017-105'), 'pysec');
  });
});
