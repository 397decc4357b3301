// LSP integration: the real server over stdio, a real JSON-RPC client, a temp workspace and a DB
// imported from the demo's real OSV records.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Hover } from 'vscode-languageserver-protocol/node';
import { LspTestClient, REPO_ROOT } from './client';
import { demoDbDirectory, messageOf as message, type TestDirectory } from './test-directory';
import { applyWorkspaceEdit } from '../helpers/lsp-edits';

describe('lsp: the server over stdio', function () {
  this.timeout(60000);
  let dir: TestDirectory;
  let workspace: string;
  let client: LspTestClient;
  const lockPath = () => path.join(workspace, 'node-app/package-lock.json');
  const manifestPath = () => path.join(workspace, 'node-app/package.json');
  const requirementsPath = () => path.join(workspace, 'python-app/requirements.txt');
  const brokenPath = () => path.join(workspace, 'broken/package-lock.json');

  before(async () => {
    dir = await demoDbDirectory('vigil-lsp-');
    workspace = dir.file('ws');
    dir.copyExample('node-app', 'ws/node-app');
    dir.copyExample('python-app', 'ws/python-app');
    fs.mkdirSync(path.join(workspace, 'broken'));
    fs.writeFileSync(brokenPath(), '{ "lockfileVersion": 3, "packages": { "node_modules/a": ');
    client = await LspTestClient.start({
      workspaceFolders: [workspace],
      settings: () => ({ cacheDir: dir.cacheDir }),
      initializationOptions: { trusted: true },
    });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    dir?.remove();
  });

  it('publishes the initial workspace scan for files not open, with exact ranges and codes', () => {
    const lockText = fs.readFileSync(lockPath(), 'utf8').split('\n');
    const diagnostics = client.diagnosticsOf(lockPath());
    assert.ok(diagnostics.length > 5, `expected lockfile findings, got ${diagnostics.length}`);
    const qs = diagnostics.find(d => message(d).startsWith('qs@6.5.1'));
    assert.ok(qs, diagnostics.map(message).join('\n'));
    assert.equal(qs.source, 'vigil');
    assert.match(String(qs.code), /^(CVE|GHSA)-/);
    assert.match(lockText[qs.range.start.line], /"node_modules\/qs"/);
    assert.ok(qs.codeDescription?.href.startsWith('http'));
    assert.ok(client.diagnosticsOf(requirementsPath()).some(d => message(d).startsWith('django@2.2.0') || message(d).toLowerCase().startsWith('django@2.2.0')),
      client.diagnosticsOf(requirementsPath()).map(message).join('\n'));
  });

  it('summarises indirect findings on the direct dependency\'s line of package.json', () => {
    const lines = fs.readFileSync(manifestPath(), 'utf8').split('\n');
    const express = client.diagnosticsOf(manifestPath()).find(d => lines[d.range.start.line].includes('"express"'));
    assert.ok(express, client.diagnosticsOf(manifestPath()).map(message).join('\n'));
    assert.match(message(express), /pulls in .*qs@6\.5\.1: /);
  });

  it('gives a broken file one diagnostic on line 1 and keeps checking the others', () => {
    const broken = client.diagnosticsOf(brokenPath());
    assert.equal(broken.length, 1);
    assert.equal(broken[0].code, 'VIGIL-PARSE-ERROR');
    assert.equal(broken[0].range.start.line, 0);
  });

  it('sends a findings entry per diagnostic, so views agree with the Problems panel', () => {
    for (const [uri, params] of client.diagnostics) {
      assert.equal((client.findings.get(uri) ?? []).length, params.diagnostics.length, uri);
    }
  });

  it('shows the advisory on hover', async () => {
    const qs = client.diagnosticsOf(lockPath()).find(d => message(d).startsWith('qs@6.5.1'))!;
    await client.open(lockPath(), fs.readFileSync(lockPath(), 'utf8'), 1);
    const hover = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(lockPath()).href }, position: { line: qs.range.start.line, character: qs.range.start.character + 2 },
    }) as Hover;
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /qs@6\.5\.1/);
    assert.match(text, /Fixed versions: /);
    assert.match(text, /Dependency path: `express@4\.16\.0`/);
    assert.match(text, /published \d{4}-\d{2}-\d{2}/);
  });

  it('bumps a direct dependency from a quick-fix, and the edit applies to the open version', async () => {
    const manifestUri = pathToFileURL(manifestPath()).href;
    const text = fs.readFileSync(manifestPath(), 'utf8');
    const published = client.nextDiagnostics(manifestPath(), p => p.version === 3);
    await client.open(manifestPath(), text, 3);
    const { diagnostics } = await published;
    const lines = text.split('\n');
    const lodash = diagnostics.find(d => lines[d.range.start.line].includes('"lodash"'))!;
    assert.ok(lodash, diagnostics.map(message).join('\n'));
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: manifestUri }, range: lodash.range, context: { diagnostics: [lodash], only: ['quickfix'] },
    }) as CodeAction[];
    const bump = actions.find(a => a.title.startsWith('Update lodash to ^4.17.'));
    assert.ok(bump, actions.map(a => a.title).join('\n'));
    const edit = bump.edit!.documentChanges![0] as { textDocument: { version: number } };
    assert.equal(edit.textDocument.version, 3);
    const texts = new Map([[manifestUri, text]]);
    applyWorkspaceEdit(bump.edit!, texts);
    const after = JSON.parse(texts.get(manifestUri)!);
    assert.match(after.dependencies.lodash, /^\^4\.17\.(2[1-9]|[3-9]\d)$/);
    assert.equal(after.dependencies.express, '4.16.0', 'nothing else changed');
  });

  it('re-analyzes the unsaved buffer on change and the diagnostics follow', async () => {
    const text = fs.readFileSync(lockPath(), 'utf8');
    const before = client.diagnosticsOf(lockPath()).filter(d => message(d).startsWith('qs@6.5.1')).length;
    assert.ok(before > 0);
    const bumped = text.replace(/("node_modules\/qs": \{\s*"version": ")6\.5\.1"/, '$16.5.3"');
    assert.notEqual(bumped, text);
    const next = client.nextDiagnostics(lockPath(), p => p.version === 2);
    const manifestNext = client.nextDiagnostics(manifestPath());
    await client.change(lockPath(), bumped, 2);
    const { diagnostics } = await next;
    assert.equal(diagnostics.filter(d => message(d).startsWith('qs@6.5.1')).length, 0);
    assert.ok(diagnostics.length > 0, 'the other findings stay');
    // The manifest summary follows the buffer too.
    assert.ok(!(await manifestNext).diagnostics.some(d => /qs@6\.5\.1/.test(message(d))));
    const restored = client.nextDiagnostics(lockPath(), p => p.version === 3);
    const manifestRestored = client.nextDiagnostics(manifestPath());
    await client.change(lockPath(), text, 3);
    assert.equal((await restored).diagnostics.filter(d => message(d).startsWith('qs@6.5.1')).length, before);
    await manifestRestored;
  });

  it('adds an npm override for an indirect dependency and offers fix-all', async () => {
    const lockUri = pathToFileURL(lockPath()).href;
    const qs = client.diagnosticsOf(lockPath()).find(d => message(d).startsWith('qs@6.5.1'))!;
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: lockUri }, range: qs.range, context: { diagnostics: [qs] },
    }) as CodeAction[];
    const override = actions.find(a => a.title.startsWith('Override qs@6.5.1'));
    assert.ok(override, actions.map(a => a.title).join('\n'));
    const manifestUri = pathToFileURL(manifestPath()).href;
    const texts = new Map([[manifestUri, fs.readFileSync(manifestPath(), 'utf8')]]);
    applyWorkspaceEdit(override.edit!, texts);
    assert.match(Object.values(JSON.parse(texts.get(manifestUri)!).overrides as Record<string, string>)[0], /^6\.\d+\.\d+$/);

    const fixAll = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: lockUri }, range: qs.range, context: { diagnostics: [], only: ['source.fixAll.vigil'] },
    }) as CodeAction[];
    assert.equal(fixAll.length, 1);
    assert.equal(fixAll[0].kind, 'source.fixAll.vigil');
    const all = new Map([[manifestUri, fs.readFileSync(manifestPath(), 'utf8')]]);
    applyWorkspaceEdit(fixAll[0].edit!, all);
    const fixed = JSON.parse(all.get(manifestUri)!);
    assert.match(fixed.dependencies.lodash, /^\^4\.17\.(2[1-9]|[3-9]\d)$/);
    assert.equal(fixed.devDependencies.mocha, '5.2.0', 'mocha 5.2.0 has no fix in the DB');
    assert.ok(Object.keys(fixed.overrides ?? {}).some(k => k.startsWith('qs@')));
  });

  it('writes an ignore entry through the server command, and honours .trivyignore written on disk', async () => {
    const qs = client.diagnosticsOf(lockPath()).find(d => message(d).startsWith('qs@6.5.1'))!;
    const id = String(qs.code);
    await client.connection.sendRequest('workspace/executeCommand', {
      command: 'vigil.server.applyIgnore', arguments: [{ folderUri: pathToFileURL(workspace).href, id, reason: 'not reachable', expires: '2099-12-31' }],
    });
    const applied = client.appliedEdits.at(-1)!;
    const texts = new Map<string, string>();
    applyWorkspaceEdit(applied.edit, texts);
    const ignoreUri = pathToFileURL(path.join(workspace, '.trivyignore')).href;
    assert.equal(texts.get(ignoreUri), `${id} exp:2099-12-31 # not reachable\n`);

    fs.writeFileSync(path.join(workspace, '.trivyignore'), texts.get(ignoreUri)!);
    const next = client.nextDiagnostics(lockPath(), p => !p.diagnostics.some(d => d.code === id));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ignoreUri, type: 1 }] });
    await next;
    fs.rmSync(path.join(workspace, '.trivyignore'));
    const back = client.nextDiagnostics(lockPath(), p => p.diagnostics.some(d => d.code === id));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: ignoreUri, type: 3 }] });
    await back;
  });

  it('re-reads a lockfile rewritten on disk (watched files)', async () => {
    const requirements = requirementsPath();
    const original = fs.readFileSync(requirements, 'utf8');
    fs.writeFileSync(requirements, original.replace('Django==2.2.0', 'Django==5.2.99'));
    const next = client.nextDiagnostics(requirements, p => !p.diagnostics.some(d => message(d).toLowerCase().startsWith('django@')));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(requirements).href, type: 2 }] });
    await next;
    fs.writeFileSync(requirements, original);
  });

  it('applies a settings change: a severity threshold drops lower findings', async () => {
    const before = client.diagnosticsOf(lockPath()).length;
    const restart = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir: dir.cacheDir, severityThreshold: 'CRITICAL' }) });
    try {
      await restart.waitForScans(1);
      const critical = restart.diagnosticsOf(lockPath());
      assert.ok(critical.length < before, `${critical.length} < ${before}`);
      for (const d of critical) assert.match(message(d), /\[CRITICAL/);
    } finally {
      await restart.stop();
    }
  });

  it('switches a check off and sets another one\'s severity from the settings, by any of their names', async () => {
    const dockerfile = path.join(workspace, 'node-app/Dockerfile');
    fs.writeFileSync(dockerfile, 'FROM alpine:3.20\nRUN echo hi\n');
    const checks = async (rules?: object) => {
      const restart = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir: dir.cacheDir, scanners: ['misconfig'], rules }) });
      try {
        await restart.waitForScans(1);
        return restart.diagnosticsOf(dockerfile).map(d => `${d.code} ${d.severity}`).sort();
      } finally {
        await restart.stop();
      }
    };
    try {
      assert.deepEqual(await checks(), ['DS-0002 1', 'DS-0026 3'], 'HIGH is an error, LOW information');
      assert.deepEqual(await checks({ disabled: ['DS002'], severity: { 'AVD-DS-0026': 'critical' } }), ['DS-0026 1']);
    } finally {
      fs.rmSync(dockerfile);
    }
  });
});

describe('lsp: without a DB', function () {
  this.timeout(60000);

  it('warns with the how-to, still scans, and does not crash', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lsp-nodb-'));
    fs.cpSync(path.join(REPO_ROOT, 'examples/node-app'), path.join(tmp, 'node-app'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'node-app/broken.txt'), 'x');
    const client = await LspTestClient.start({ workspaceFolders: [tmp], settings: () => ({ cacheDir: path.join(tmp, 'no-cache') }) });
    try {
      await client.waitForScans(1);
      assert.ok(client.logs.some(l => /showMessage: .*vigil db update/i.test(l)), client.logs.join('\n'));
      // A notification: a request with nothing to choose blocks clients that prompt (headless Neovim hung).
      assert.deepEqual(client.messageRequests, []);
      assert.ok((client.statuses as { db: { state: string } }[]).some(s => s.db.state === 'missing'));
      assert.deepEqual(client.diagnosticsOf(path.join(tmp, 'node-app/package-lock.json')), []);
      const hover = await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: pathToFileURL(path.join(tmp, 'node-app/package-lock.json')).href }, position: { line: 0, character: 0 },
      });
      assert.equal(hover, null);
    } finally {
      await client.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('lsp: the bundled server', function () {
  this.timeout(120000);

  it('builds to dist/server.js and answers over --stdio, as other editors run it', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT });
    const dir = await demoDbDirectory('vigil-lsp-dist-');
    dir.copyExample('python-app', 'python-app');
    const client = await LspTestClient.start({
      workspaceFolders: [dir.root], settings: () => ({ cacheDir: dir.cacheDir }),
      command: { file: process.execPath, args: [path.join(REPO_ROOT, 'dist/server.js'), '--stdio'] },
    });
    try {
      await client.waitForScans(1);
      assert.ok(client.diagnosticsOf(dir.file('python-app/requirements.txt')).length > 0, client.logs.join('\n'));
    } finally {
      await client.stop();
      dir.remove();
    }
  });
});
