// Multi-root workspaces: each folder is scanned with its own settings, and a removed folder's
// diagnostics are cleared, nested files included.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importAdvisories } from '../../server/src/engine';
import { LspTestClient, REPO_ROOT } from './client';

describe('lsp: multi-root workspaces', function () {
  this.timeout(60000);
  let tmp: string;
  let client: LspTestClient;
  const nodeFolder = () => path.join(tmp, 'orders');
  const pythonFolder = () => path.join(tmp, 'reports');
  const requirementsPath = () => path.join(pythonFolder(), 'requirements.txt');
  // Nested one level down, so clearing must match by path, not by a file's own directory.
  const lockPath = () => path.join(nodeFolder(), 'api/package-lock.json');

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-folders-'));
    const cacheDir = path.join(tmp, 'cache');
    fs.cpSync(path.join(REPO_ROOT, 'examples/node-app'), path.dirname(lockPath()), { recursive: true });
    fs.mkdirSync(pythonFolder());
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/python-app/requirements.txt'), requirementsPath());
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
    client = await LspTestClient.start({
      workspaceFolders: [nodeFolder(), pythonFolder()],
      // Per-resource settings: only the Python folder asks for CRITICAL findings alone.
      settings: folderPath => ({ cacheDir, severityThreshold: folderPath?.startsWith(pythonFolder()) ? 'CRITICAL' : 'UNKNOWN' }),
      initializationOptions: { trusted: true },
    });
    await client.waitForScans(2);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('scans every folder with the settings of that folder', () => {
    assert.ok(client.diagnosticsOf(lockPath()).length > 5, 'the Node folder keeps all severities');
    assert.deepEqual(client.diagnosticsOf(requirementsPath()), [], 'no CRITICAL advisories in the Python app');
  });

  it('clears the diagnostics of a removed folder, nested files included', async () => {
    const cleared = client.nextDiagnostics(lockPath(), d => d.diagnostics.length === 0);
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', {
      event: { added: [], removed: [{ uri: pathToFileURL(nodeFolder()).href, name: 'orders' }] },
    });
    await cleared;
  });
});

describe('lsp: a client without documentChanges (Neovim 0.7)', function () {
  this.timeout(60000);
  let tmp: string;
  let client: LspTestClient;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-plain-edits-'));
    const cacheDir = path.join(tmp, 'cache');
    fs.mkdirSync(path.join(tmp, 'ws'));
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/python-app/requirements.txt'), path.join(tmp, 'ws/requirements.txt'));
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
    client = await LspTestClient.start({
      workspaceFolders: [path.join(tmp, 'ws')], settings: () => ({ cacheDir }), initializationOptions: { trusted: true }, documentChanges: false,
    });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('gets a new .trivyignore created by the server, then a plain edit to fill it', async () => {
    const requirements = path.join(tmp, 'ws/requirements.txt');
    const uri = pathToFileURL(requirements).href;
    const [diagnostic] = client.diagnosticsOf(requirements);
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] },
    }) as { title: string; edit?: { documentChanges?: unknown }; command?: { command: string; arguments: unknown[] } }[];
    assert.ok(actions.every(a => a.edit?.documentChanges === undefined), 'no documentChanges for this client');
    const ignore = actions.find(a => a.title.startsWith('Ignore') && a.title.includes('.trivyignore'));
    assert.ok(ignore?.command, actions.map(a => a.title).join('\n'));
    const ignoreFile = path.join(tmp, 'ws/.trivyignore');
    assert.ok(!fs.existsSync(ignoreFile), 'offering the action creates nothing');
    await client.connection.sendRequest('workspace/executeCommand', ignore.command);
    assert.ok(fs.existsSync(ignoreFile), 'the server created the file');
    const applied = client.appliedEdits.at(-1)!.edit as { changes: Record<string, { newText: string }[]> };
    assert.match(applied.changes[pathToFileURL(ignoreFile).href][0].newText, new RegExp(String(diagnostic.code)));
  });
});
