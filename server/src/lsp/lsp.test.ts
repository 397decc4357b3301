// Engine results -> diagnostics, hovers and code actions, as pure functions over fixtures.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, type CodeAction, type TextDocumentEdit, type TextEdit } from 'vscode-languageserver';
import { applyLspEdits } from '../../../test/helpers/lsp-edits';
import type { FileResult } from '../engine/types';
import { availableScanners, manifestFor } from '../engine/analyzers';
import { planResult } from '../engine/fixes/plan';
import { emptyResult } from '../engine/scan';
import { codeActions, fixAllAction, FIX_ALL_KIND, type CodeActionInput, type DocumentSnapshot } from './codeActions';
import { errorView, manifestView, PARSE_ERROR_CODE, resultView, toLspRange, type DependencyData, type VulnerabilityData } from './diagnostics';
import { hoverAt } from './hover';
import { buildReport } from './report';
import { DEFAULT_SEVERITY_MAP, normalizeSettings, notAvailableYet, severitiesFrom } from './settings';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/lsp/npm-app');
const manifestText = readFileSync(path.join(fixtures, 'package.json'), 'utf8');
const lockText = readFileSync(path.join(fixtures, 'package-lock.json'), 'utf8');
const result = planned(JSON.parse(readFileSync(path.join(fixtures, 'result.json'), 'utf8')) as FileResult);

/** A result as the engine completes it: every finding array, and the fix plans. */
function planned(partial: Pick<FileResult, 'target' | 'class' | 'type'> & Partial<FileResult>): FileResult {
  const complete: FileResult = { ...emptyResult(partial.target, partial.class, partial.type), ...partial };
  complete.plans = planResult(complete);
  return complete;
}

const folderUri = 'file:///ws';
function snapshot(relPath: string, text: string, version: number | null = 1): DocumentSnapshot & { relPath: string } {
  return { uri: `${folderUri}/${relPath}`, relPath, version, text, exists: true };
}

/** Applies a code action's edits to in-memory files, checking each edit names the version it was made for. */
function applyAction(action: CodeAction, files: Map<string, { text: string; version: number | null }>): void {
  for (const change of action.edit?.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind === 'create' && !files.has(change.uri)) files.set(change.uri, { text: '', version: null });
      continue;
    }
    const edit = change as TextDocumentEdit;
    const file = files.get(edit.textDocument.uri);
    assert.ok(file, `edit for unknown ${edit.textDocument.uri}`);
    assert.equal(edit.textDocument.version, file.version, 'edit made for another version');
    file.text = applyLspEdits(file.text, edit.edits as TextEdit[]);
  }
}

describe('lsp: diagnostics from engine results', () => {
  const view = resultView(result, DEFAULT_SEVERITY_MAP);

  it('converts engine 1-based, end-exclusive ranges to LSP 0-based ranges', () => {
    assert.deepEqual(toLspRange({ file: 'a', startLine: 1, startColumn: 1, endLine: 1, endColumn: 5 }), { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } });
  });

  it('gives one diagnostic per vulnerability with exact range, mapped severity, source, code and link', () => {
    assert.equal(view.diagnostics.length, 5);
    const qs = view.diagnostics.find(d => d.code === 'CVE-2022-24999')!;
    assert.deepEqual(qs.range, { start: { line: 37, character: 4 }, end: { line: 39, character: 5 } });
    assert.equal(lockText.split('\n')[qs.range.start.line].trim(), '"node_modules/qs": {');
    assert.equal(qs.severity, DiagnosticSeverity.Error);
    assert.equal(qs.source, 'vigil');
    assert.equal(qs.codeDescription?.href, 'https://avd.aquasec.com/nvd/cve-2022-24999');
    assert.match(qs.message as string, /^qs@6\.5\.1: CVE-2022-24999 qs vulnerable to Prototype Pollution \[HIGH, fixed in 6\.5\.3\] \(via express@4\.16\.0\)$/);
    const data = qs.data as VulnerabilityData;
    assert.deepEqual(data.directDependencies, ['express']);
    assert.equal(data.direct, false);
    assert.deepEqual(data.bump, { version: '6.5.3', fixes: ['CVE-2022-24999'], unfixable: [] });
    const severities = Object.fromEntries(view.diagnostics.map(d => [d.code, d.severity]));
    assert.equal(severities['CVE-2024-29041'], DiagnosticSeverity.Warning);
    assert.equal(severities['CVE-2024-43796'], DiagnosticSeverity.Information);
  });

  it('plans one bump per package covering all of its findings', () => {
    const lodash = view.diagnostics.filter(d => (d.data as VulnerabilityData).pkgName === 'lodash');
    assert.equal(lodash.length, 2);
    for (const d of lodash) assert.equal((d.data as VulnerabilityData).bump?.version, '4.17.21');
  });

  it('describes every diagnostic in the findings list, in the same order', () => {
    assert.deepEqual(view.findings.map(f => f.id), view.diagnostics.map(d => d.code));
    assert.deepEqual(view.findings.map(f => f.line), view.diagnostics.map(d => d.range.start.line));
  });

  it('honours a configured severity map', () => {
    const settings = normalizeSettings({ severityMap: { low: 'hint', HIGH: 'warning', MEDIUM: 'bogus' } }, { trusted: true });
    const mapped = resultView(result, settings.severityMap);
    assert.equal(mapped.diagnostics.find(d => d.code === 'CVE-2024-43796')!.severity, DiagnosticSeverity.Hint);
    assert.equal(mapped.diagnostics.find(d => d.code === 'CVE-2022-24999')!.severity, DiagnosticSeverity.Warning);
    assert.equal(mapped.diagnostics.find(d => d.code === 'CVE-2024-29041')!.severity, DiagnosticSeverity.Warning);
  });

  it('turns a file the analyzer could not read into one diagnostic on line 1', () => {
    const broken = errorView({ file: 'package-lock.json', message: 'Unexpected token } in JSON at position 12' });
    assert.equal(broken.diagnostics.length, 1);
    assert.equal(broken.diagnostics[0].code, PARSE_ERROR_CODE);
    assert.equal(broken.diagnostics[0].range.start.line, 0);
    assert.match(broken.diagnostics[0].message as string, /Unexpected token/);
  });
});

describe('lsp: manifest summaries', () => {
  const view = manifestView(manifestText, result, DEFAULT_SEVERITY_MAP);

  it('maps lockfiles to the manifest beside them', () => {
    assert.equal(manifestFor('app/package-lock.json'), 'app/package.json');
    assert.equal(manifestFor('yarn.lock'), 'package.json');
    assert.equal(manifestFor('requirements.txt'), undefined);
  });

  it('summarises on the direct dependency\'s line what it pulls in', () => {
    const lines = manifestText.split('\n');
    const byLine = view.diagnostics.map(d => [lines[d.range.start.line].trim(), d.message]);
    assert.deepEqual(byLine, [
      ['"express": "4.16.0",', 'express@4.16.0: CVE-2024-29041, CVE-2024-43796; pulls in qs@6.5.1: CVE-2022-24999 [3 findings, worst HIGH]'],
      ['"lodash": "^4.17.15"', 'lodash@4.17.15: CVE-2020-8203, CVE-2021-23337 [2 findings, worst HIGH]'],
    ]);
    const express = view.diagnostics[0];
    assert.equal(express.code, 'CVE-2022-24999', 'code is the worst finding');
    assert.equal(express.severity, DiagnosticSeverity.Error);
    const data = express.data as DependencyData;
    assert.equal(data.bump?.version, '4.20.0');
    assert.deepEqual(data.transitive.map(t => [t.name, t.bump?.version]), [['qs', '6.5.3']]);
  });

  it('says when package.json asks for more than the lockfile installs, and offers no bump then', () => {
    const bumped = manifestText.replace('"lodash": "^4.17.15"', '"lodash": "^4.17.21"');
    const after = manifestView(bumped, result, DEFAULT_SEVERITY_MAP);
    const lodash = after.diagnostics.find(d => (d.data as DependencyData).dependency === 'lodash')!;
    assert.match(lodash.message as string, /^package\.json asks for \^4\.17\.21, package-lock\.json still has 4\.17\.15: run npm install; lodash@4\.17\.15: /);
    assert.equal((lodash.data as DependencyData).bump, undefined);
    const express = after.diagnostics.find(d => (d.data as DependencyData).dependency === 'express')!;
    assert.doesNotMatch(express.message as string, /npm install/, 'express@4.16.0 still satisfies its spec');
  });

  it('says nothing when the lockfile has no findings or the manifest does not parse', () => {
    assert.equal(manifestView(manifestText, { ...result, vulnerabilities: [] }, DEFAULT_SEVERITY_MAP).diagnostics.length, 0);
    assert.equal(manifestView('{', result, DEFAULT_SEVERITY_MAP).diagnostics.length, 0);
  });
});

describe('lsp: hover', () => {
  it('shows title, severity, CVSS, fixed versions, path, references and dates', () => {
    const view = resultView(result, DEFAULT_SEVERITY_MAP);
    const hover = hoverAt(view.hovers, { line: 38, character: 8 });
    assert.ok(hover && typeof hover.contents === 'object' && 'value' in hover.contents);
    const text = hover.contents.value;
    for (const part of ['CVE-2022-24999', 'HIGH', 'qs vulnerable to Prototype Pollution', '7.5', 'Fixed versions: `6.5.3`',
      'Dependency path: `express@4.16.0` → `qs@6.5.1`', 'https://github.com/advisories/GHSA-hrpp-h998-j3pp', 'published 2022-11-26', 'modified 2024-10-01', 'GHSA-hrpp-h998-j3pp']) {
      assert.ok(text.includes(part), `hover lacks ${part}:\n${text}`);
    }
    assert.equal(hoverAt(view.hovers, { line: 2, character: 0 }), null);
  });

  it('names the workspace projects that pull a package in, where the lockfile has several', () => {
    const hoverText = (packages: FileResult['packages']) =>
      (hoverAt(resultView({ ...result, packages }, DEFAULT_SEVERITY_MAP).hovers, { line: 38, character: 8 })!.contents as { value: string }).value;
    const withMembers = result.packages.map(p => (p.id === 'qs@6.5.1' ? { ...p, members: ['', 'packages/web_app'] } : p));
    assert.ok(hoverText(withMembers).includes('- Pulled in by: the root project, packages/web\\_app'), hoverText(withMembers));
    assert.ok(!hoverText(result.packages).includes('Pulled in by'));
  });

  it('lists every advisory a manifest line pulls in', () => {
    const view = manifestView(manifestText, result, DEFAULT_SEVERITY_MAP);
    const hover = hoverAt(view.hovers, { line: 4, character: 8 })!;
    const text = (hover.contents as { value: string }).value;
    assert.ok(text.indexOf('CVE-2022-24999') < text.indexOf('CVE-2024-29041'), 'worst first');
    assert.ok(text.includes('CVE-2024-43796'));
  });
});

describe('lsp: code actions', () => {
  const lockView = resultView(result, DEFAULT_SEVERITY_MAP);
  const manifestDiagnostics = manifestView(manifestText, result, DEFAULT_SEVERITY_MAP).diagnostics;

  function setup(document: DocumentSnapshot & { relPath: string }, diagnostics: CodeActionInput['diagnostics'], ignoreText?: string) {
    const manifest = snapshot('package.json', manifestText, 7);
    const files = new Map<string, { text: string; version: number | null }>([
      [manifest.uri, { text: manifest.text, version: 7 }],
      [document.uri, { text: document.text, version: document.version }],
    ]);
    const ignoreUri = `${folderUri}/.trivyignore`;
    if (ignoreText !== undefined) files.set(ignoreUri, { text: ignoreText, version: null });
    const input: CodeActionInput = {
      document, diagnostics, folderUri, promptsForIgnoreReason: true,
      resolve: rel => (rel === 'package.json' ? manifest : undefined),
      ignoreFile: { uri: ignoreUri, name: '.trivyignore', version: null, text: ignoreText ?? '', exists: ignoreText !== undefined },
    };
    return { input, files, manifestUri: manifest.uri, ignoreUri };
  }

  it('bumps a direct dependency in package.json from a lockfile finding, keeping the caret', () => {
    const lodash = lockView.diagnostics.filter(d => d.code === 'CVE-2020-8203');
    const { input, files, manifestUri } = setup(snapshot('package-lock.json', lockText, 3), lodash);
    const actions = codeActions(input);
    const bump = actions.find(a => a.title.startsWith('Update lodash'))!;
    assert.equal(bump.title, 'Update lodash to ^4.17.21 in package.json (fixes 2)');
    assert.equal(bump.isPreferred, true);
    applyAction(bump, files);
    assert.equal(files.get(manifestUri)!.text, manifestText.replace('"^4.17.15"', '"^4.17.21"'));
  });

  it('adds an npm override for an indirect dependency', () => {
    const qs = lockView.diagnostics.filter(d => d.code === 'CVE-2022-24999');
    const { input, files, manifestUri } = setup(snapshot('package-lock.json', lockText, 3), qs);
    const override = codeActions(input).find(a => a.title.startsWith('Override'))!;
    assert.equal(override.title, 'Override qs@6.5.1 with 6.5.3 (overrides in package.json; regenerate the lockfile) (fixes 1)');
    applyAction(override, files);
    assert.deepEqual(JSON.parse(files.get(manifestUri)!.text).overrides, { 'qs@6.5.1': '6.5.3' });
  });

  it('offers the bump and the overrides on a manifest summary line', () => {
    const { input, files, manifestUri } = setup(snapshot('package.json', manifestText, 7), manifestDiagnostics.slice(0, 1));
    const titles = codeActions(input).map(a => a.title);
    assert.deepEqual(titles.filter(t => !t.startsWith('Ignore')), [
      'Update express to 4.20.0 (fixes 2)',
      'Override qs@6.5.1 with 6.5.3 (overrides in package.json; regenerate the lockfile) (fixes 1)',
    ]);
    applyAction(codeActions(input)[0], files);
    assert.match(files.get(manifestUri)!.text, /"express": "4\.20\.0"/);
  });

  it('creates the ignore file, or appends to it, and knows when an ID is already ignored', () => {
    const qs = lockView.diagnostics.filter(d => d.code === 'CVE-2022-24999');
    const fresh = setup(snapshot('package-lock.json', lockText, 3), qs);
    const ignore = codeActions(fresh.input).find(a => a.title === 'Ignore CVE-2022-24999 in .trivyignore')!;
    assert.equal((ignore.edit!.documentChanges![0] as { kind: string }).kind, 'create');
    applyAction(ignore, fresh.files);
    assert.equal(fresh.files.get(fresh.ignoreUri)!.text, 'CVE-2022-24999\n');

    const existing = setup(snapshot('package-lock.json', lockText, 3), qs, '# old\nCVE-2019-0001');
    applyAction(codeActions(existing.input).find(a => a.title.startsWith('Ignore CVE-2022-24999 in'))!, existing.files);
    assert.equal(existing.files.get(existing.ignoreUri)!.text, '# old\nCVE-2019-0001\nCVE-2022-24999\n');

    const listed = setup(snapshot('package-lock.json', lockText, 3), qs, 'CVE-2022-24999\n');
    assert.ok(!codeActions(listed.input).some(a => a.title.startsWith('Ignore CVE-2022-24999 in')));
    const withReason = codeActions(listed.input).find(a => a.command)!;
    assert.equal(withReason.command!.command, 'vigil.ignoreWithReason');
    assert.deepEqual(withReason.command!.arguments, [{ folderUri, id: 'CVE-2022-24999' }]);
  });

  it('keys on code and data, not on the message', () => {
    const qs = lockView.diagnostics.filter(d => d.code === 'CVE-2022-24999').map(d => ({ ...d, message: 'reworded' }));
    const { input } = setup(snapshot('package-lock.json', lockText, 3), qs);
    assert.ok(codeActions(input).some(a => a.title.startsWith('Override qs@6.5.1')));
    const foreign = qs.map(d => ({ ...d, source: 'eslint' }));
    assert.deepEqual(codeActions({ ...input, diagnostics: foreign }), []);
  });

  it('pins a vulnerable requirement', () => {
    const requirements = 'Django==2.2.0\nrequests==2.19.1\n';
    const pip = planned({
      target: 'requirements.txt', class: 'lang-pkgs', type: 'pip',
      packages: [{ id: 'django@2.2.0', name: 'django', version: '2.2.0', ecosystem: 'PyPI', purl: 'pkg:pypi/django@2.2.0', direct: true, dev: false, location: { file: 'requirements.txt', startLine: 1, startColumn: 1, endLine: 1, endColumn: 14 } }],
      vulnerabilities: ['2.2.1', '2.2.10'].map((fixed, i) => ({
        ...result.vulnerabilities[0], vulnerabilityId: `CVE-2019-1000${i}`, pkgId: 'django@2.2.0', pkgName: 'django', installedVersion: '2.2.0', fixedVersions: [fixed],
        direct: true, location: { file: 'requirements.txt', startLine: 1, startColumn: 1, endLine: 1, endColumn: 14 },
      })),
    });
    const view = resultView(pip, DEFAULT_SEVERITY_MAP);
    const doc = snapshot('requirements.txt', requirements, 2);
    const { input, files } = setup(doc, view.diagnostics.slice(0, 1));
    const pin = codeActions(input).find(a => a.title.startsWith('Pin'))!;
    assert.equal(pin.title, 'Pin django==2.2.10 (fixes 2)');
    applyAction(pin, files);
    assert.equal(files.get(doc.uri)!.text, 'Django==2.2.10\nrequests==2.19.1\n');

    // With both diagnostics of the line in the request, the shared pin is offered once, for both.
    const both = codeActions(setup(doc, view.diagnostics).input);
    const pins = both.filter(a => a.title.startsWith('Pin'));
    assert.equal(pins.length, 1);
    assert.deepEqual(pins[0].diagnostics!.map(d => d.code), view.diagnostics.map(d => d.code));
    assert.equal(new Set(both.map(a => a.title)).size, both.length, 'no action twice');
  });

  it('fix-all applies the safe fixes of a document together and leaves cross-major bumps out', () => {
    const { input, files, manifestUri } = setup(snapshot('package-lock.json', lockText, 3), lockView.diagnostics);
    const fixAll = fixAllAction(input)!;
    assert.equal(fixAll.kind, FIX_ALL_KIND);
    assert.equal(fixAll.kind, 'source.fixAll.vigil');
    applyAction(fixAll, files);
    const after = JSON.parse(files.get(manifestUri)!.text);
    assert.deepEqual(after.dependencies, { express: '4.20.0', lodash: '^4.17.21' });
    assert.deepEqual(after.overrides, { 'qs@6.5.1': '6.5.3' });

    const major = lockView.diagnostics.filter(d => d.code === 'CVE-2020-8203').map(d => ({ ...d, data: { ...(d.data as VulnerabilityData), bump: { version: '5.0.0', fixes: ['x'], unfixable: [] } } }));
    assert.equal(fixAllAction({ ...input, diagnostics: major }), undefined);
  });
});

describe('lsp: settings', () => {
  it('fills defaults and drops invalid values', () => {
    const s = normalizeSettings({ scanners: ['vuln', 'bogus'], severityThreshold: 'high', skipDirs: ['a', 3] }, { trusted: true });
    assert.deepEqual(s.scanners, ['vuln']);
    assert.equal(s.severityThreshold, 'HIGH');
    assert.deepEqual(s.skipDirs, ['a']);
    assert.deepEqual(severitiesFrom(s.severityThreshold), ['HIGH', 'CRITICAL']);
    assert.deepEqual(normalizeSettings(null, { trusted: true }).scanners, availableScanners());
    const asking = normalizeSettings({ scanners: ['vuln', 'license'], secretConfigPath: 'rules.yaml', server: { url: 'https://vigil.example' } }, { trusted: true });
    assert.deepEqual(notAvailableYet(asking), [
      'Vigil: vigil.server.url is not available in this version yet and is not used.',
    ]);
    assert.deepEqual(notAvailableYet(normalizeSettings(null, { trusted: true })), []);
  });

  it('in an untrusted workspace loads no custom rules and no paths outside the folder', () => {
    const raw = { secretConfigPath: 'secret.yaml', misconfiguration: { customChecks: ['checks.yaml'] }, cacheDir: '/elsewhere/cache' };
    const untrusted = normalizeSettings(raw, { trusted: false, folderPath: '/ws' });
    assert.equal(untrusted.secretConfigPath, '');
    assert.deepEqual(untrusted.misconfiguration.customChecks, []);
    assert.equal(untrusted.cacheDir, '');
    assert.equal(normalizeSettings({ cacheDir: '.cache/vigil' }, { trusted: false, folderPath: '/ws' }).cacheDir, '.cache/vigil');
    const trusted = normalizeSettings(raw, { trusted: true, folderPath: '/ws' });
    assert.equal(trusted.secretConfigPath, 'secret.yaml');
    assert.deepEqual(trusted.misconfiguration.customChecks, ['checks.yaml']);
    assert.equal(trusted.cacheDir, '/elsewhere/cache');
  });
});

describe('lsp: malicious packages come first', () => {
  const vuln = result.vulnerabilities[0];
  const malicious = { ...vuln, vulnerabilityId: 'MAL-2024-1', dataSourceId: 'MAL-2024-1', aliases: [], severity: 'CRITICAL' as const, title: 'malicious package: remove it' };
  const critical = { ...vuln, vulnerabilityId: 'CVE-2000-0001', severity: 'CRITICAL' as const };
  const both = planned({ ...result, vulnerabilities: [critical, malicious] });

  it('in the hover and in the report', () => {
    const view = resultView(both, DEFAULT_SEVERITY_MAP);
    const hover = hoverAt(view.hovers, view.diagnostics[0].range.start)!;
    const text = (hover.contents as { value: string }).value;
    assert.ok(text.indexOf('MAL-2024-1') < text.indexOf('CVE-2000-0001'), text);
    const report = buildReport(['/ws'], [{ file: 'package-lock.json', results: [both], errors: [] }]);
    assert.deepEqual(report.findings.slice(0, 2).map(f => f.id), ['MAL-2024-1', 'CVE-2000-0001']);
  });
});
