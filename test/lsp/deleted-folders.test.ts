// A folder deleted (`rm -rf`) or renamed under a workspace folder: the file watcher reports one
// deletion of the folder's own path (and one creation of the new name), never its files one by one.
// Everything that lived under the old path must be cleared; the new path is scanned.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient, REPO_ROOT } from './client';
import { demoDbDirectory, type TestDirectory } from './test-directory';

const CREATED = 1;
const DELETED = 3;

describe('lsp: deleted and renamed folders', function () {
  this.timeout(60000);
  let dir: TestDirectory;
  let workspace: string;
  let client: LspTestClient;
  const file = (relative: string) => path.join(workspace, relative);

  before(async () => {
    dir = await demoDbDirectory('vigil-deleted-folders-');
    workspace = dir.file('ws');
    // Nested one level down: clearing must reach files below the deleted folder's own directory.
    fs.cpSync(path.join(REPO_ROOT, 'examples/node-app'), file('services/orders/api'), { recursive: true });
    fs.mkdirSync(file('reports'));
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/python-app/requirements.txt'), file('reports/requirements.txt'));
    fs.mkdirSync(file('billing'));
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/python-app/requirements.txt'), file('billing/requirements.txt'));
    client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir: dir.cacheDir }), initializationOptions: { trusted: true } });
    await client.waitForScans(1);
    for (const relative of ['services/orders/api/package-lock.json', 'services/orders/api/package.json', 'reports/requirements.txt', 'billing/requirements.txt']) {
      assert.ok(client.diagnosticsOf(file(relative)).length > 0, `${relative} has diagnostics before the test`);
    }
  });

  after(async () => {
    await client?.stop();
    dir?.remove();
  });

  const watched = (changes: { path: string; type: number }[]) => client.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: changes.map(c => ({ uri: pathToFileURL(c.path).href, type: c.type })),
  });

  it('clears every file under a deleted folder, lockfile and manifest alike, and nothing else', async () => {
    const lock = file('services/orders/api/package-lock.json');
    const manifest = file('services/orders/api/package.json');
    const cleared = Promise.all([lock, manifest].map(f => client.nextDiagnostics(f, d => d.diagnostics.length === 0)));
    fs.rmSync(file('services'), { recursive: true });
    await watched([{ path: file('services'), type: DELETED }]);
    await cleared;
    await client.waitFor('vigil/findings cleared too', () => client.findings.get(pathToFileURL(lock).href)?.length === 0);
    // A later scan of a file elsewhere proves the server went on; the untouched folders keep theirs.
    const billing = file('billing/requirements.txt');
    const rescanned = client.nextDiagnostics(billing);
    await watched([{ path: billing, type: 2 }]);
    assert.ok((await rescanned).diagnostics.length > 0);
    assert.ok(client.diagnosticsOf(file('reports/requirements.txt')).length > 0, 'reports/ was not deleted');
  });

  it('clears the old name of a renamed folder and scans the new one', async () => {
    const before = file('reports/requirements.txt');
    const after = file('reports-2024/requirements.txt');
    const cleared = client.nextDiagnostics(before, d => d.diagnostics.length === 0);
    const found = client.nextDiagnostics(after, d => d.diagnostics.length > 0);
    fs.renameSync(file('reports'), file('reports-2024'));
    await watched([{ path: file('reports'), type: DELETED }, { path: file('reports-2024'), type: CREATED }]);
    await Promise.all([cleared, found]);
  });

  it('keeps an open buffer under a deleted folder until it is closed', async () => {
    const billing = file('billing/requirements.txt');
    const text = fs.readFileSync(billing, 'utf8');
    await client.open(billing, text, 1, 'pip-requirements');
    fs.rmSync(file('billing'), { recursive: true });
    await watched([{ path: file('billing'), type: DELETED }]);
    // Answered after the deletion was handled (messages are handled in order): the buffer's analysis stays.
    const report = await client.connection.sendRequest('vigil/report') as { findings: { file: string }[] };
    assert.ok(report.findings.some(f => f.file === 'billing/requirements.txt'), JSON.stringify(report.findings.map(f => f.file)));
    const cleared = client.nextDiagnostics(billing, d => d.diagnostics.length === 0);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: pathToFileURL(billing).href } });
    await cleared;
  });
});
