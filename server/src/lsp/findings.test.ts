// Misconfigurations, secrets and licenses through the editor's pure converters: diagnostics,
// hovers, code actions from the engine's fixes, the ignore actions, the report; and the inline
// ignore comment for requirements.txt.
import * as assert from 'node:assert/strict';
import { DiagnosticSeverity, type Diagnostic, type TextDocumentEdit } from 'vscode-languageserver';
import { applyWorkspaceEdit } from '../../../test/helpers/lsp-edits';
import { analyzeDockerfile } from '../engine/analyzers/dockerfile';
import { parseRequirements } from '../engine/analyzers/pip-requirements';
import type { FileResult, Finding, ResultClass, Rule } from '../engine/types';
import { emptyResult } from '../engine/scan';
import { codeActions, fixAllAction, type CodeActionInput, type DocumentSnapshot } from './codeActions';
import { resultView, type FindingData, type VulnerabilityData } from './diagnostics';
import { hoverAt } from './hover';
import { buildReport } from './report';
import { DEFAULT_SEVERITY_MAP, normalizeSettings } from './settings';

const folderUri = 'file:///ws';
const dockerfile = 'FROM node:18\nUSER root\nADD app.tar.gz /app\nRUN npm ci\n';
const envFile = 'DEBUG=1\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n';
const licenseFile = 'This program is free software: you can redistribute it under the GNU AGPL v3.\n';
const compose = 'services:\n  web:\n    user: root\n';

const at = (file: string, text: string, needle: string): Finding['location'] => {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = before[before.length - 1].length + 1;
  return { file, startLine: line, startColumn: column, endLine: line, endColumn: column + needle.length };
};
const replace = (text: string, needle: string, newText: string) => ({ offset: text.indexOf(needle), length: needle.length, newText });

const rule = (kind: Rule['kind'], id: string, severity: Rule['severity'], title: string, extra: Partial<Rule> = {}): Rule => ({ kind, id, severity, title, ...extra });
const rootUser: Finding = {
  kind: 'misconfiguration', rule: rule('misconfiguration', 'DS002', 'HIGH', 'Image user should not be \'root\'', { url: 'https://avd.aquasec.com/misconfig/ds002' }), severity: 'HIGH',
  message: 'Last USER command in Dockerfile should not be \'root\'', location: at('Dockerfile', dockerfile, 'USER root'),
  // Touches two files, as a fix to a Dockerfile and the compose file that runs it might.
  fix: { title: 'Run as the node user', safe: true, changes: [
    { file: 'Dockerfile', edits: [replace(dockerfile, 'USER root', 'USER node')] },
    { file: 'compose.yaml', edits: [replace(compose, 'user: root', 'user: node')] },
  ] },
};
const addInsteadOfCopy: Finding = {
  kind: 'misconfiguration', rule: rule('misconfiguration', 'DS005', 'LOW', 'ADD instead of COPY'), severity: 'LOW',
  message: 'Consider using \'COPY app.tar.gz /app\' command instead of \'ADD app.tar.gz /app\'', location: at('Dockerfile', dockerfile, 'ADD app.tar.gz /app'),
  fix: { title: 'Use COPY instead of ADD', safe: true, changes: [{ file: 'Dockerfile', edits: [replace(dockerfile, 'ADD', 'COPY')] }] },
};
const unsafeFix: Finding = {
  kind: 'misconfiguration', rule: rule('misconfiguration', 'DS026', 'MEDIUM', 'No HEALTHCHECK defined'), severity: 'MEDIUM',
  message: 'Add HEALTHCHECK instruction in your Dockerfile', location: at('Dockerfile', dockerfile, 'FROM node:18'),
  fix: { title: 'Add a HEALTHCHECK', safe: false, changes: [{ file: 'Dockerfile', edits: [{ offset: dockerfile.length, length: 0, newText: 'HEALTHCHECK CMD true\n' }] }] },
};
const secret: Finding = {
  kind: 'secret', rule: rule('secret', 'aws-access-key-id', 'CRITICAL', 'AWS Access Key ID', { category: 'AWS' }), severity: 'CRITICAL',
  message: 'AWS_ACCESS_KEY_ID=********************', location: at('config/.env', envFile, 'AKIAIOSFODNN7EXAMPLE'),
};
const license: Finding = {
  kind: 'license', rule: rule('license', 'AGPL-3.0', 'UNKNOWN', 'AGPL-3.0', { url: 'https://spdx.org/licenses/AGPL-3.0.html', category: 'restricted' }),
  severity: 'UNKNOWN', message: 'Forbidden license (restricted)', location: at('LICENSE', licenseFile, 'GNU AGPL v3'),
};

const result = (target: string, type: string, cls: ResultClass, findings: Finding[]): FileResult => {
  const complete = emptyResult(target, cls, type);
  for (const finding of findings) complete[finding.kind === 'misconfiguration' ? 'misconfigurations' : finding.kind === 'secret' ? 'secrets' : 'licenses'].push(finding);
  return complete;
};
const dockerResult = result('Dockerfile', 'dockerfile', 'config', [unsafeFix, addInsteadOfCopy, rootUser]);
const secretResult = result('config/.env', 'env', 'secret', [secret]);
const licenseResult = result('LICENSE', 'license-file', 'license-file', [license]);

function snapshot(relPath: string, text: string, version: number | null = 1): DocumentSnapshot & { relPath: string } {
  return { uri: `${folderUri}/${relPath}`, relPath, version, text, exists: true };
}

function input(document: DocumentSnapshot & { relPath: string }, diagnostics: Diagnostic[], others: Record<string, string> = {}): CodeActionInput {
  return {
    document, diagnostics, folderUri, promptsForIgnoreReason: false,
    resolve: relPath => (relPath in others ? snapshot(relPath, others[relPath], null) : undefined),
    ignoreFile: { uri: `${folderUri}/.trivyignore`, version: null, text: '', exists: false, name: '.trivyignore' },
  };
}

describe('lsp: misconfiguration, secret and license findings', () => {
  const docker = resultView(dockerResult, DEFAULT_SEVERITY_MAP);

  it('gives each finding a diagnostic with its exact range, mapped severity, source, rule ID, link and data', () => {
    assert.deepEqual(docker.diagnostics.map(d => d.code), ['DS026', 'DS002', 'DS005'], 'in file order');
    const user = docker.diagnostics[1];
    assert.deepEqual(user.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } });
    assert.equal(user.severity, DiagnosticSeverity.Error);
    assert.equal(user.source, 'vigil');
    assert.equal(user.codeDescription?.href, 'https://avd.aquasec.com/misconfig/ds002');
    assert.match(user.message as string, /^DS002 Image user should not be 'root': Last USER command .* \[HIGH\]$/);
    assert.deepEqual(user.data, { type: 'finding', kind: 'misconfiguration', ruleId: 'DS002', target: 'Dockerfile', fileType: 'dockerfile', fix: rootUser.fix } satisfies FindingData);
    assert.equal(docker.diagnostics[0].severity, DiagnosticSeverity.Warning);
    assert.equal(docker.diagnostics[2].severity, DiagnosticSeverity.Information);
    assert.equal(docker.diagnostics[2].codeDescription, undefined, 'no link without a primaryUrl');

    const [key] = resultView(secretResult, DEFAULT_SEVERITY_MAP).diagnostics;
    assert.equal(key.code, 'aws-access-key-id');
    assert.equal(key.severity, DiagnosticSeverity.Error);
    assert.deepEqual(key.range, { start: { line: 1, character: 18 }, end: { line: 1, character: 38 } });
    const [agpl] = resultView(licenseResult, normalizeSettings({ severityMap: { UNKNOWN: 'warning' } }, { trusted: true }).severityMap).diagnostics;
    assert.equal(agpl.severity, DiagnosticSeverity.Warning, 'the configured map applies to every kind');
    assert.equal(agpl.codeDescription?.href, 'https://spdx.org/licenses/AGPL-3.0.html');
  });

  it('lists them for the findings view by kind, one entry per diagnostic', () => {
    for (const file of [dockerResult, secretResult, licenseResult]) {
      const view = resultView(file, DEFAULT_SEVERITY_MAP);
      assert.deepEqual(view.findings.map(f => [f.type, f.id, f.line]), view.diagnostics.map(d => [(d.data as FindingData).kind, d.code, d.range.start.line]));
    }
    assert.deepEqual(resultView(secretResult, DEFAULT_SEVERITY_MAP).findings.map(f => f.type), ['secret']);
    assert.deepEqual(resultView(licenseResult, DEFAULT_SEVERITY_MAP).findings.map(f => f.type), ['license']);
  });

  it('hovers with title, severity and message', () => {
    const hover = hoverAt(docker.hovers, { line: 1, character: 3 })!;
    const text = (hover.contents as { value: string }).value;
    for (const part of ['[DS002](https://avd.aquasec.com/misconfig/ds002)', 'HIGH', 'Image user should not be \'root\'', 'Misconfiguration: Last USER command',
      'Fix available: Run as the node user']) {
      assert.ok(text.includes(part), `hover lacks ${part}:\n${text}`);
    }
    const secretHover = hoverAt(resultView(secretResult, DEFAULT_SEVERITY_MAP).hovers, { line: 1, character: 20 })!;
    assert.match((secretHover.contents as { value: string }).value, /\*\*aws-access-key-id\*\* · CRITICAL · AWS Access Key ID[\s\S]*Secret: /);
    assert.equal(hoverAt(docker.hovers, { line: 3, character: 2 }), null);
  });

  it('offers the engine\'s fix as a quick-fix that edits every file it names, at the open version', () => {
    const document = snapshot('Dockerfile', dockerfile, 7);
    const user = docker.diagnostics.find(d => d.code === 'DS002')!;
    const actions = codeActions(input(document, [user], { 'compose.yaml': compose }));
    const fix = actions.find(a => a.title === 'Run as the node user')!;
    assert.ok(fix, actions.map(a => a.title).join('\n'));
    assert.equal(fix.isPreferred, true);
    const versions = (fix.edit!.documentChanges as TextDocumentEdit[]).map(c => [c.textDocument.uri, c.textDocument.version]);
    assert.deepEqual(versions, [[`${folderUri}/Dockerfile`, 7], [`${folderUri}/compose.yaml`, null]]);
    const files = new Map([[`${folderUri}/Dockerfile`, dockerfile], [`${folderUri}/compose.yaml`, compose]]);
    applyWorkspaceEdit(fix.edit!, files);
    assert.equal(files.get(`${folderUri}/Dockerfile`), dockerfile.replace('USER root', 'USER node'));
    assert.equal(files.get(`${folderUri}/compose.yaml`), compose.replace('user: root', 'user: node'));
  });

  it('offers "Ignore this finding" with the rule ID for every kind, and an inline comment for the Dockerfile check only', () => {
    for (const [file, text] of [[dockerResult, dockerfile], [secretResult, envFile], [licenseResult, licenseFile]] as const) {
      const view = resultView(file, DEFAULT_SEVERITY_MAP);
      const actions = codeActions(input(snapshot(file.target, text), view.diagnostics));
      for (const d of view.diagnostics) {
        const ignore = actions.find(a => a.title === `Ignore ${d.code} in .trivyignore`);
        assert.ok(ignore, actions.map(a => a.title).join('\n'));
        const files = new Map<string, string>();
        applyWorkspaceEdit(ignore.edit!, files);
        assert.equal(files.get(`${folderUri}/.trivyignore`), `${d.code}\n`);
      }
      assert.equal(actions.some(a => a.title.includes('(comment)')), file === dockerResult, file.target);
    }
  });

  it('fix-all applies the safe engine fixes together, leaves unsafe ones out, and skips a fix the text no longer fits', () => {
    const document = snapshot('Dockerfile', dockerfile, 3);
    const action = fixAllAction(input(document, docker.diagnostics, { 'compose.yaml': compose }))!;
    assert.equal(action.title, 'Fix all safe Vigil findings (2)');
    const files = new Map([[`${folderUri}/Dockerfile`, dockerfile], [`${folderUri}/compose.yaml`, compose]]);
    applyWorkspaceEdit(action.edit!, files);
    assert.equal(files.get(`${folderUri}/Dockerfile`), 'FROM node:18\nUSER node\nCOPY app.tar.gz /app\nRUN npm ci\n');
    assert.equal(files.get(`${folderUri}/compose.yaml`), compose.replace('root', 'node'));
    // The buffer shrank since the scan: the fix whose offsets fall outside it is not offered.
    assert.equal(codeActions(input(snapshot('Dockerfile', 'FROM x\n'), [docker.diagnostics[0]])).filter(a => a.title === 'Add a HEALTHCHECK').length, 0);
  });

  it('puts every kind in the report, counted by severity', () => {
    const report = buildReport(['/ws'], [dockerResult, secretResult, licenseResult].map(r => ({ file: r.target, results: [r], errors: [] })));
    assert.deepEqual(report.bySeverity, { UNKNOWN: 1, LOW: 1, MEDIUM: 1, HIGH: 1, CRITICAL: 1 });
    assert.deepEqual(report.findings.map(f => [f.severity, f.id, f.type, f.file, f.line]), [
      ['CRITICAL', 'aws-access-key-id', 'secret', 'config/.env', 2],
      ['HIGH', 'DS002', 'misconfiguration', 'Dockerfile', 2],
      ['MEDIUM', 'DS026', 'misconfiguration', 'Dockerfile', 1],
      ['LOW', 'DS005', 'misconfiguration', 'Dockerfile', 3],
      ['UNKNOWN', 'AGPL-3.0', 'license', 'LICENSE', 1],
    ]);
    assert.equal(report.findings[1].url, 'https://avd.aquasec.com/misconfig/ds002');
  });
});

describe('lsp: inline ignore comment quick-fix', () => {
  const requirements = 'flask==2.0.0\n    Django==2.2.0  # pinned\nrequests==2.19.1\n';
  const vulnerability = (pkgName: string, line: number, id: string, fileType = 'pip', target = 'requirements.txt'): Diagnostic => {
    const range = { start: { line, character: 0 }, end: { line, character: 5 } };
    return {
      range, source: 'vigil', code: id, message: `${pkgName}: ${id}`,
      data: { type: 'vulnerability', id, ecosystem: 'PyPI', pkgName, pkgId: `${pkgName}@1`, installedVersion: '1', direct: true, target, fileType, directDependencies: [], entry: range } satisfies VulnerabilityData,
    };
  };
  const commentAction = (text: string, diagnostic: Diagnostic) =>
    codeActions(input(snapshot('requirements.txt', text, 4), [diagnostic])).find(a => a.title.endsWith('on this line (comment)'));

  it('writes `# vigil:ignore:ID` above the line, with its indentation, and the analyzer then records it', () => {
    const action = commentAction(requirements, vulnerability('Django', 1, 'CVE-2019-1'))!;
    assert.equal(action.title, 'Ignore CVE-2019-1 on this line (comment)');
    const uri = `${folderUri}/requirements.txt`;
    const files = new Map([[uri, requirements]]);
    applyWorkspaceEdit(action.edit!, files);
    const text = files.get(uri)!;
    assert.equal(text, 'flask==2.0.0\n    # vigil:ignore:CVE-2019-1\n    Django==2.2.0  # pinned\nrequests==2.19.1\n');
    const django = parseRequirements({ path: 'requirements.txt', content: text }).packages.find(p => p.name === 'Django')!;
    assert.deepEqual(django.inlineIgnores, [{ id: 'CVE-2019-1' }]);

    // A second ID joins the same comment; the same ID again is not offered.
    const second = commentAction(text, vulnerability('Django', 2, 'CVE-2019-2'))!;
    applyWorkspaceEdit(second.edit!, files);
    assert.equal(files.get(uri)!.split('\n')[1], '    # vigil:ignore:CVE-2019-1 vigil:ignore:CVE-2019-2');
    assert.equal(commentAction(files.get(uri)!, vulnerability('Django', 2, 'CVE-2019-1')), undefined);
  });

  it('keeps CRLF line endings', () => {
    const files = new Map([[`${folderUri}/requirements.txt`, 'a==1\r\nb==2\r\n']]);
    applyWorkspaceEdit(commentAction('a==1\r\nb==2\r\n', vulnerability('b', 1, 'CVE-1'))!.edit!, files);
    assert.equal(files.get(`${folderUri}/requirements.txt`), 'a==1\r\n# vigil:ignore:CVE-1\r\nb==2\r\n');
  });

  it('ignores a Dockerfile check above its instruction, and the analyzer then records it', () => {
    const dockerfile = 'FROM alpine:3.20\nUSER root\n';
    const findings = (text: string) => analyzeDockerfile({ path: 'Dockerfile', content: text }).findings!;
    const root = findings(dockerfile).find(f => f.rule.id === 'DS-0002')!;
    const result = { ...emptyResult('Dockerfile', 'config', 'dockerfile'), misconfigurations: [root] };
    const [diagnostic] = resultView(result, DEFAULT_SEVERITY_MAP).diagnostics;
    const action = codeActions(input(snapshot('Dockerfile', dockerfile), [diagnostic])).find(a => a.title === 'Ignore DS-0002 on this line (comment)')!;
    const uri = `${folderUri}/Dockerfile`;
    const files = new Map([[uri, dockerfile]]);
    applyWorkspaceEdit(action.edit!, files);
    assert.equal(files.get(uri), 'FROM alpine:3.20\n# vigil:ignore:DS-0002\nUSER root\n');
    assert.deepEqual(findings(files.get(uri)!).find(f => f.rule.id === 'DS-0002')!.inlineIgnores, [{ id: 'DS-0002' }]);
  });

  it('is not offered for a secret, which can sit in a file where `#` starts no comment', () => {
    const rule: Rule = { id: 'github-pat', kind: 'secret', title: 'GitHub Personal Access Token', severity: 'CRITICAL' };
    const location = { file: 'app.js', startLine: 2, startColumn: 1, endLine: 2, endColumn: 10 };
    const secret: Finding = { kind: 'secret', rule, severity: 'CRITICAL', message: 'a token', location };
    const result = { ...emptyResult('app.js', 'secret', 'secret'), secrets: [secret] };
    const [diagnostic] = resultView(result, DEFAULT_SEVERITY_MAP).diagnostics;
    const actions = codeActions(input(snapshot('app.js', 'x\nconst t = 1;\n'), [diagnostic]));
    assert.ok(actions.length > 0 && !actions.some(a => a.title.includes('(comment)')), actions.map(a => a.title).join('\n'));
  });

  it('is not offered for lockfiles whose format has no comments', () => {
    const lock = '{\n  "packages": {}\n}\n';
    const actions = codeActions(input(snapshot('package-lock.json', lock), [vulnerability('qs', 1, 'CVE-2022-24999', 'npm', 'package-lock.json')]));
    assert.ok(actions.length > 0 && !actions.some(a => a.title.includes('(comment)')), actions.map(a => a.title).join('\n'));
  });
});
