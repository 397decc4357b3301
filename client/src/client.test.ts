// The client's pure parts: the findings model behind the tree and status bar, the report HTML,
// the manifest contributions and the ignore-file grammars.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { countsText, dbAge, FindingsModel, statusBarView } from './findingsModel';
import { renderReportHtml } from './reportHtml';
import { OpenLocationCommand, type FindingSummary, type ReportModel } from '../../server/src/lsp/protocol';

const root = path.resolve(__dirname, '../..');
const finding = (id: string, severity: FindingSummary['severity'], pkgName: string, type = 'vulnerability'): FindingSummary =>
  ({ id, severity, pkgName, type, message: `${pkgName}: ${id}`, line: 3, character: 4, installedVersion: '1.0.0' });

describe('client: findings model', () => {
  const model = new FindingsModel();
  model.set('file:///ws/package-lock.json', 'package-lock.json', [finding('CVE-1', 'HIGH', 'qs'), finding('CVE-2', 'LOW', 'qs'), finding('CVE-3', 'HIGH', 'lodash')]);
  model.set('file:///ws/package.json', 'package.json', [finding('CVE-1', 'HIGH', 'express', 'dependency')]);

  it('counts findings as the CLI does: manifest summaries and further copies of a package are not counted again', () => {
    assert.equal(model.all().length, 4);
    assert.deepEqual(model.countsBySeverity(), { CRITICAL: 0, HIGH: 2, MEDIUM: 0, LOW: 1, UNKNOWN: 0 });
    assert.equal(countsText(model.countsBySeverity()), '0C 2H 0M 1L');
    const withCopy = new FindingsModel();
    withCopy.set('file:///ws/package-lock.json', 'package-lock.json', [finding('CVE-1', 'HIGH', 'qs'), { ...finding('CVE-1', 'HIGH', 'qs'), copy: 1 }]);
    assert.equal(withCopy.counted().length, 1);
    assert.equal(countsText({ CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 7 }), '1C 0H 0M 0L 7U');
  });

  it('groups by severity (worst first), file or type', () => {
    model.groupBy = 'severity';
    assert.deepEqual(model.groups().map(g => [g.label, g.findings.length]), [['HIGH', 3], ['LOW', 1]]);
    model.groupBy = 'file';
    assert.deepEqual(model.groups().map(g => [g.label, g.findings.length]), [['package-lock.json', 3], ['package.json', 1]]);
    model.groupBy = 'type';
    assert.deepEqual(model.groups().map(g => g.label), ['dependency', 'vulnerability']);
  });

  it('shows advisories without a severity in their own group, after LOW, labelled as unknown', () => {
    const unscored = new FindingsModel();
    unscored.set('file:///ws/requirements.txt', 'requirements.txt', [finding('PYSEC-1', 'UNKNOWN', 'pyyaml'), finding('CVE-4', 'LOW', 'jinja2')]);
    assert.deepEqual(unscored.groups().map(g => [g.key, g.label, g.findings.length]), [['LOW', 'LOW', 1], ['UNKNOWN', 'severity unknown', 1]]);
  });

  it('filters by ID, package or file, and an empty file removes its findings', () => {
    model.filter = 'LODASH';
    assert.deepEqual(model.visible().map(f => f.id), ['CVE-3']);
    model.filter = '';
    model.set('file:///ws/package.json', 'package.json', []);
    assert.equal(model.all().length, 3);
  });

  it('tells the DB age and when it is stale', () => {
    const now = Date.parse('2025-01-10T00:00:00Z');
    assert.deepEqual(dbAge('2025-01-09T20:00:00Z', now), { text: 'DB 4h', stale: false });
    assert.deepEqual(dbAge('2025-01-01T00:00:00Z', now), { text: 'DB 9d', stale: true });
    assert.deepEqual(dbAge(undefined, now), { text: 'no DB', stale: true });
  });
});

describe('client: status bar', () => {
  const none = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
  const some = { ...none, CRITICAL: 2, HIGH: 1 };
  const now = Date.parse('2025-01-10T00:00:00Z');
  const ready = { state: 'ready' as const, updatedAt: '2025-01-09T21:00:00Z' };

  it('says it is loading, not zero counts and "no DB", until the server\'s first answer', () => {
    for (const view of [
      statusBarView(undefined, false, none, now),
      statusBarView({ db: { state: 'loading' }, scanning: true }, false, none, now),
      statusBarView({ db: ready, scanning: true }, false, none, now),
    ]) {
      assert.equal(view.text, '$(sync~spin) Vigil: loading…');
      assert.doesNotMatch(view.text, /0C|no DB/);
      assert.equal(view.warning, false);
    }
    assert.equal(statusBarView(undefined, false, none, now).dbLine, 'DB: loading');
    assert.equal(statusBarView({ db: ready, scanning: true }, false, none, now).dbLine, 'DB ready; first scan running');
  });

  it('shows the counts and the DB age once answered, with a spinner while a later scan runs', () => {
    assert.deepEqual(statusBarView({ db: ready, scanning: false }, true, some, now),
      { text: '$(shield) 2C 1H 0M 0L · DB 3h', dbLine: 'DB built 2025-01-09T21:00:00Z', warning: false });
    assert.equal(statusBarView({ db: ready, scanning: true }, true, some, now).text, '$(sync~spin) $(shield) 2C 1H 0M 0L · DB 3h');
  });

  it('warns when the DB is missing, and says when nothing needed it yet', () => {
    const missing = statusBarView({ db: { state: 'missing', message: 'No vulnerability DB found.' }, scanning: false }, true, none, now);
    assert.deepEqual(missing, { text: '$(shield) 0C 0H 0M 0L · no DB', dbLine: 'DB: missing — No vulnerability DB found.', warning: true });
    assert.deepEqual(statusBarView({ db: { state: 'loading' }, scanning: false }, true, none, now),
      { text: '$(shield) Vigil', dbLine: 'DB: not opened yet (nothing scanned)', warning: false });
  });
});

describe('client: report view', () => {
  it('renders the summary, findings and packages, escaped, with a strict CSP', () => {
    const report: ReportModel = {
      title: 'Scan <x>', generatedAt: '2025-01-01T00:00:00Z', targets: ['/ws'],
      bySeverity: { CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
      findings: [{ severity: 'CRITICAL', id: 'CVE-1', type: 'vulnerability', title: '<script>alert(1)</script>', file: 'package-lock.json', line: 3, pkgName: 'qs', installedVersion: '6.5.1', fixedVersion: '6.5.3', url: 'https://example.com/CVE-1' }],
      packages: [{ name: 'qs', version: '6.5.1', ecosystem: 'npm', file: 'package-lock.json', direct: false, dev: false }],
      errors: [],
    };
    const html = renderReportHtml(report, 'abc');
    assert.ok(html.includes("default-src 'none'"));
    assert.ok(!html.includes('<script>'));
    assert.ok(html.includes('&lt;script&gt;'));
    assert.match(html, /<span class="n">1<\/span> CRITICAL/);
    assert.ok(html.includes('Packages (1)'));
    assert.ok(html.includes('<a href="https://example.com/CVE-1">CVE-1</a>'));
    assert.ok(html.includes('<td>package-lock.json:3</td>'), 'a location without a URI is plain text');
  });

  it('links each location to the command that opens the file at that line and column', () => {
    const uri = 'file:///ws/app%20one/package-lock.json';
    const report: ReportModel = {
      title: 'Scan', generatedAt: '2025-01-01T00:00:00Z', targets: ['/ws'],
      bySeverity: { CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 0, UNKNOWN: 1 },
      findings: [
        { severity: 'HIGH', id: 'CVE-2', type: 'vulnerability', title: 't', file: 'app one/package-lock.json', line: 40, uri,
          pkgName: 'braces', installedVersion: '2.3.2', locations: [{ line: 40, column: 5 }, { line: 812, column: 5 }] },
        { severity: 'UNKNOWN', id: 'PYSEC-1', type: 'vulnerability', title: 'u', file: 'requirements.txt', line: 2, uri: 'file:///ws/requirements.txt', locations: [{ line: 2, column: 1 }] },
      ],
      packages: [], errors: [],
    };
    const html = renderReportHtml(report, 'abc');
    const links = [...html.matchAll(/<a href="(command:[^"]+)"[^>]*>([^<]+)<\/a>/g)].map(m => [m[1], m[2]]);
    assert.deepEqual(links.map(([, text]) => text), ['app one/package-lock.json:40', 'app one/package-lock.json:812', 'requirements.txt:2']);
    for (const [href] of links) assert.ok(href.startsWith(`command:${OpenLocationCommand}?`), href);
    // What VS Code hands the command: the JSON array in the query, decoded.
    const args = links.map(([href]) => JSON.parse(decodeURIComponent(href.slice(href.indexOf('?') + 1))));
    assert.deepEqual(args, [[{ uri, line: 40, column: 5 }], [{ uri, line: 812, column: 5 }], [{ uri: 'file:///ws/requirements.txt', line: 2, column: 1 }]]);
    // An advisory without a severity reads as such in the summary and the table, not as a bare UNKNOWN.
    assert.match(html, /<span class="n">1<\/span> severity unknown/);
    assert.ok(html.includes('<td>severity unknown</td>'));
  });
});

describe('client: manifest contributions', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

  it('declares the commands, the view, the settings and limited untrusted support', () => {
    const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of ['vigil.scanWorkspace', 'vigil.updateDb', 'vigil.importDb', 'vigil.showOutput', 'vigil.showReport', OpenLocationCommand]) assert.ok(commands.includes(id), id);
    assert.equal(manifest.contributes.views.vigil[0].id, 'vigil.findings');
    const settings = Object.keys(manifest.contributes.configuration.properties);
    for (const key of ['scanners', 'severityThreshold', 'ignoreUnfixed', 'skipDirs', 'includeDevDependencies', 'db.mirrorUrl', 'offline', 'cacheDir', 'server.url', 'server.token', 'secretConfigPath', 'misconfiguration.customChecks', 'severityMap']) {
      assert.ok(settings.includes(`vigil.${key}`), key);
    }
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    // Every command the extension registers is declared, and the reverse.
    const source = readFileSync(path.join(__dirname, 'extension.ts'), 'utf8');
    const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map(m => m[1]).sort();
    assert.deepEqual(registered, [...commands].sort());
  });

  it('ships grammars whose patterns compile and match ignore entries and inline comments', () => {
    const grammar = JSON.parse(readFileSync(path.join(root, 'syntaxes/vigilignore.tmLanguage.json'), 'utf8'));
    const patterns: { match: string; name?: string }[] = [
      ...grammar.repository.id.patterns, ...grammar.repository.expiry.patterns, grammar.repository.comment,
    ];
    const scopesOf = (line: string) => patterns.filter(p => new RegExp(p.match).test(line)).map(p => p.name ?? 'captures');
    assert.ok(scopesOf('CVE-2022-24999 exp:2030-01-01').includes('constant.other.vulnerability-id.cve.vigilignore'));
    assert.ok(scopesOf('GHSA-hrpp-h998-j3pp').includes('constant.other.vulnerability-id.ghsa.vigilignore'));
    assert.ok(scopesOf('AVD-AWS-0086').includes('entity.name.tag.check-id.vigilignore'));
    assert.ok(scopesOf('PYSEC-2021-19').includes('constant.other.vulnerability-id.vigilignore'));
    assert.ok(scopesOf('CVE-1 exp:2030-13').includes('invalid.illegal.expiry.vigilignore'));

    const injection = JSON.parse(readFileSync(path.join(root, 'syntaxes/ignore-comment.injection.tmLanguage.json'), 'utf8'));
    const inline = new RegExp(injection.patterns[0].match);
    assert.deepEqual([...('# trivy:ignore:AVD-AWS-0086:exp:2025-01-01'.match(inline) ?? [])].filter((_, i) => [1, 5, 10].includes(i)), ['trivy', 'AVD-AWS-0086', '2025-01-01']);
    assert.equal('// vigil:ignore:CVE-2022-24999'.match(inline)?.[5], 'CVE-2022-24999');
    const contributed = manifest.contributes.grammars.map((g: { path: string }) => path.join(root, g.path));
    for (const file of contributed) assert.doesNotThrow(() => JSON.parse(readFileSync(file, 'utf8')), file);
  });
});
