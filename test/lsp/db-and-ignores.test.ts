// LSP integration, continued: a DB imported by another process while the server runs, and inline
// ignore comments in requirements.txt from the quick-fix to the diagnostics.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver-protocol/node';
import { LspTestClient, REPO_ROOT } from './client';
import { demoDbDirectory, type TestDirectory } from './test-directory';
import { applyWorkspaceEdit } from '../helpers/lsp-edits';

describe('lsp: a DB updated by another process', function () {
  this.timeout(60000);

  it('is picked up without any client action: diagnostics arrive and the status carries the DB date', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lsp-dbwatch-'));
    const workspace = path.join(tmp, 'ws');
    const cacheDir = path.join(tmp, 'cache');
    fs.cpSync(path.join(REPO_ROOT, 'examples/python-app'), path.join(workspace, 'python-app'), { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, 'examples/node-app'), path.join(workspace, 'node-app'), { recursive: true });
    const requirements = path.join(workspace, 'python-app/requirements.txt');
    const lockfile = path.join(workspace, 'node-app/package-lock.json');
    const client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir }) });
    try {
      await client.waitForScans(1);
      assert.deepEqual(client.diagnosticsOf(requirements), []);
      assert.ok((client.statuses as { db: { state: string } }[]).some(s => s.db.state === 'missing'));
      // An open buffer is rescanned too.
      await client.open(requirements, fs.readFileSync(requirements, 'utf8'), 1, 'pip-requirements');

      const requirementsFindings = client.nextDiagnostics(requirements, p => p.diagnostics.length > 0);
      const lockFindings = client.nextDiagnostics(lockfile, p => p.diagnostics.length > 0);
      const imported = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(REPO_ROOT, 'server/src/cli/main.ts'), 'db', 'import', '--cache-dir', cacheDir, 'demo-db/osv'], { cwd: REPO_ROOT, encoding: 'utf8' });
      assert.equal(imported.status, 0, imported.stderr);
      const [onRequirements] = await Promise.all([requirementsFindings, lockFindings]);
      assert.equal(onRequirements.version, 1, 'the open buffer\'s version');
      assert.ok(onRequirements.diagnostics.some(d => /^django@2\.2\.0/i.test(String(d.message))));
      await client.waitFor('a ready DB status', () => (client.statuses.at(-1) as { db: { state: string; updatedAt?: string } }).db.state === 'ready');
      const ready = client.statuses.at(-1) as { db: { updatedAt?: string } };
      assert.ok(ready.db.updatedAt && Date.now() - Date.parse(ready.db.updatedAt) < 120_000, JSON.stringify(ready));
    } finally {
      await client.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('lsp: inline ignore comments in requirements.txt', function () {
  this.timeout(60000);
  let dir: TestDirectory;
  let client: LspTestClient;
  let requirements: string;

  before(async () => {
    dir = await demoDbDirectory('vigil-lsp-inline-');
    dir.copyExample('python-app', 'ws');
    requirements = dir.file('ws/requirements.txt');
    client = await LspTestClient.start({ workspaceFolders: [dir.file('ws')], settings: () => ({ cacheDir: dir.cacheDir }) });
    await client.waitForScans(1);
  });
  after(async () => {
    await client?.stop();
    dir?.remove();
  });

  it('offers the comment, and applying it to the buffer drops exactly that finding', async () => {
    const uri = pathToFileURL(requirements).href;
    const text = fs.readFileSync(requirements, 'utf8');
    const opened = client.nextDiagnostics(requirements, p => p.version === 1);
    await client.open(requirements, text, 1, 'pip-requirements');
    const { diagnostics } = await opened;
    const django = diagnostics.find(d => /^django@/i.test(String(d.message)))!;
    assert.ok(django, diagnostics.map(d => d.message).join('\n'));
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: django.range, context: { diagnostics: [django], only: ['quickfix'] },
    }) as CodeAction[];
    const comment = actions.find(a => a.title === `Ignore ${django.code} on this line (comment)`);
    assert.ok(comment, actions.map(a => a.title).join('\n'));
    const texts = new Map([[uri, text]]);
    applyWorkspaceEdit(comment.edit!, texts);
    const edited = texts.get(uri)!;
    assert.match(edited, new RegExp(`# vigil:ignore:${django.code}\\nDjango==2\\.2\\.0`));

    const next = client.nextDiagnostics(requirements, p => p.version === 2);
    await client.change(requirements, edited, 2);
    const after = (await next).diagnostics;
    assert.ok(!after.some(d => d.code === django.code), 'the ignored finding is gone');
    assert.equal(after.length, diagnostics.length - 1, 'only that one');
    // The moved lines keep their findings, one line further down.
    const requests = (ds: typeof after) => ds.filter(d => /^requests@/.test(String(d.message))).map(d => d.range.start.line);
    assert.deepEqual(requests(after), requests(diagnostics).map(line => line + 1));
  });
});
