import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ScanResult } from '../engine/types';
import { FIXTURES, readGolden, scanFromGolden, type GoldenJson } from './golden-scan.test-helper';
import { formatSarif, sarifLevel, toSarif } from './sarif';

/** The official OASIS schema (see test/fixtures/report/ATTRIBUTION.md), compiled once. */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8'));
  // The published schema writes its region `anyOf` inside `properties`, where it constrains nothing,
  // and uses the PCRE-only `(?i)` in two patterns; JavaScript needs the flag instead.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    validateSchema: false,
    code: {
      regExp: Object.assign(
        (pattern: string, flags: string) =>
          pattern.startsWith('^(?i)') ? new RegExp(`^${pattern.slice(5)}`, `${flags}i`) : new RegExp(pattern, flags),
        { code: 'new RegExp' },
      ),
    },
  });
  addFormats(ajv);
  return ajv.compile(schema);
}

const validate = sarifValidator();

function assertValidSarif(log: unknown) {
  const valid = validate(log);
  assert.ok(valid, `invalid SARIF: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
}

describe('SARIF report', () => {
  const jsonGolden = readGolden('alpine-310.json.golden');
  const sarifGolden = readGolden('alpine-310.sarif.golden');

  it('validates against the SARIF 2.1.0 schema, and the validator rejects broken logs', () => {
    const log = toSarif(scanFromGolden(jsonGolden), { artifactName: jsonGolden.ArtifactName, toolVersion: '0.1.0' });
    assertValidSarif(log);
    assertValidSarif(sarifGolden);

    const broken = JSON.parse(JSON.stringify(log));
    broken.runs[0].results[0].level = 'critical';
    assert.strictEqual(validate(broken), false);
    const noMessage = JSON.parse(JSON.stringify(log));
    delete noMessage.runs[0].results[0].message;
    assert.strictEqual(validate(noMessage), false);
    const badRegion = JSON.parse(JSON.stringify(log));
    badRegion.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.strictEqual(validate(badRegion), false);
  });

  it("matches Trivy's rules and results for the same findings", () => {
    const log = toSarif(scanFromGolden(jsonGolden), { artifactName: jsonGolden.ArtifactName }) as GoldenJson;
    const ours = log.runs[0];
    const trivy = sarifGolden.runs[0];
    assert.deepStrictEqual(ours.tool.driver.rules, trivy.tool.driver.rules);
    assert.strictEqual(JSON.stringify(ours.tool.driver.rules), JSON.stringify(trivy.tool.driver.rules), 'same key order');
    assert.deepStrictEqual(ours.results, trivy.results);
    assert.strictEqual(ours.columnKind, 'utf16CodeUnits');
    assert.strictEqual(log.$schema, sarifGolden.$schema);
  });

  it('points results at the dependency in its manifest, with columns', () => {
    const golden = readGolden('npm.json.golden');
    const log = toSarif(scanFromGolden(golden), { artifactName: '/work/app' }) as GoldenJson;
    assertValidSarif(log);
    const [result] = log.runs[0].results;
    assert.strictEqual(result.ruleId, 'CVE-2019-11358');
    assert.strictEqual(result.level, 'warning');
    assert.deepStrictEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: 'package-lock.json', uriBaseId: 'ROOTPATH' },
      region: { startLine: 11, startColumn: 5, endLine: 15, endColumn: 6 },
    });
    assert.deepStrictEqual(result.properties, { aliases: ['GHSA-6c3j-c64m-qhgq'] });
    assert.deepStrictEqual(log.runs[0].originalUriBaseIds, { ROOTPATH: { uri: 'file:///work/app/' } });
    const rule = log.runs[0].tool.driver.rules[0];
    assert.strictEqual(rule.name, 'LanguageSpecificPackageVulnerability');
    assert.strictEqual(rule.properties['security-severity'], '6.1');
  });

  it('reports file errors and notes as tool notifications', () => {
    const scan: ScanResult = {
      target: '.',
      results: [],
      errors: [{ file: 'web app/package-lock.json', message: 'Unexpected end of JSON input' }],
      notes: ['skipped 1 symlink'],
    };
    const log = JSON.parse(formatSarif(scan, { artifactName: '.' }));
    assertValidSarif(log);
    assert.deepStrictEqual(log.runs[0].results, []);
    const notes = log.runs[0].invocations[0].toolExecutionNotifications;
    assert.deepStrictEqual(notes.map((n: GoldenJson) => n.level), ['error', 'note']);
    assert.strictEqual(notes[0].locations[0].physicalLocation.artifactLocation.uri, 'web%20app/package-lock.json');
  });

  it('maps severities to levels as Trivy does', () => {
    assert.deepStrictEqual(
      (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const).map(sarifLevel),
      ['error', 'error', 'warning', 'note', 'note'],
    );
  });
});
