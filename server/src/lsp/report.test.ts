// The report model: every finding carries its file's URI and each place it is marked, so the
// report view can open the file there; each copy's diagnostic ranks by its dev status.
import * as assert from 'node:assert/strict';
import { emptyResult } from '../engine/scan';
import type { DetectedVulnerability, FileResult, Package, SourceRange } from '../engine/types';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { resultView } from './diagnostics';
import { buildReport } from './report';
import { DEFAULT_SEVERITY_MAP } from './settings';

const range = (startLine: number, startColumn: number, endLine = startLine, endColumn = startColumn + 10): SourceRange =>
  ({ file: 'package-lock.json', startLine, startColumn, endLine, endColumn });

describe('lsp: report locations', () => {
  // braces@2.3.2 twice in one lockfile (a dev copy and a production one), as in NodeGoat.
  const braces: Package = {
    id: 'braces@2.3.2', name: 'braces', version: '2.3.2', ecosystem: 'npm', purl: 'pkg:npm/braces@2.3.2', direct: false, dev: false,
    location: range(40, 5, 52, 6),
    copies: [
      { key: 'node_modules/liftoff/node_modules/braces', location: range(40, 5, 52, 6), highlight: range(40, 5), direct: false, dev: true },
      { key: 'node_modules/readdirp/node_modules/braces', location: range(812, 5, 824, 6), highlight: range(812, 5), direct: false, dev: false },
    ],
  };
  const vuln = {
    vulnerabilityId: 'CVE-2024-4068', aliases: [], pkgId: braces.id, pkgName: 'braces', purl: braces.purl, installedVersion: '2.3.2',
    fixedVersions: ['3.0.3'], advisoryFixedVersions: ['3.0.3'], status: 'fixed', severity: 'HIGH', severitySource: 'ghsa', title: 'Uncontrolled resource consumption in braces',
    description: '', references: [], primaryUrl: 'https://osv.dev/vulnerability/GHSA-grv7-fg5c-xmjg', cvss: {}, dataSourceId: 'GHSA-grv7-fg5c-xmjg',
    location: braces.location, direct: false, dev: true,
  } satisfies DetectedVulnerability;
  const result: FileResult = { ...emptyResult('package-lock.json', 'lang-pkgs', 'npm'), packages: [braces], vulnerabilities: [vuln] };

  it('gives each copy\'s underlined key as a location, and the file\'s URI', () => {
    const report = buildReport(['/ws'], [{ file: 'package-lock.json', uri: 'file:///ws/package-lock.json', results: [result], errors: [] }]);
    const [finding] = report.findings;
    assert.equal(finding.uri, 'file:///ws/package-lock.json');
    assert.deepEqual(finding.locations, [{ line: 40, column: 5 }, { line: 812, column: 5 }]);
    assert.equal(finding.line, 40);
    assert.equal(report.bySeverity.HIGH, 1, 'one finding, however many copies');
  });

  it('ranks the dev copy one level below the production copy in the Problems panel', () => {
    const [devCopy, productionCopy] = resultView(result, DEFAULT_SEVERITY_MAP).diagnostics;
    assert.deepEqual([devCopy.severity, productionCopy.severity], [DiagnosticSeverity.Warning, DiagnosticSeverity.Error]);
    assert.match(String(devCopy.message), /^braces@2\.3\.2 \(dev\)/);
  });

  it('leaves the URI out for a file that is not on disk', () => {
    const report = buildReport(['image'], [{ file: 'package-lock.json', results: [result], errors: [] }]);
    assert.equal(report.findings[0].uri, undefined);
  });
});
