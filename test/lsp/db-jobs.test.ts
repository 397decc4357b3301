// LSP integration: DB imports and updates run in a worker thread, so the server keeps answering
// while a generation is built; cancelling the progress stops the job, keeps the old DB, frees the lock.
// The order of events is made certain, not hoped for: the import reads a named pipe the test holds,
// so it cannot end before the test releases it, however loaded the machine is.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol/node';
import { importAdvisories } from '../../server/src/engine';
import { readPointer } from '../../server/src/engine/db/store';
import { LspTestClient, REPO_ROOT } from './client';

interface DbCommandResult { ok: boolean; message: string }

describe('lsp: DB jobs in a worker thread', function () {
  this.timeout(120000);
  let tmp: string;
  let cacheDir: string;
  let requirements: string;
  let django: Diagnostic;
  let client: LspTestClient;
  let mirror: http.Server;
  const mirrorRequests: string[] = [];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lsp-dbjobs-'));
    const workspace = path.join(tmp, 'ws');
    cacheDir = path.join(tmp, 'cache');
    fs.cpSync(path.join(REPO_ROOT, 'examples/python-app'), workspace, { recursive: true });
    requirements = path.join(workspace, 'requirements.txt');
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
    // A mirror that has nothing: every download answers 404.
    mirror = http.createServer((request, response) => {
      mirrorRequests.push(request.url ?? '');
      response.writeHead(404).end();
    });
    await new Promise<void>(resolve => mirror.listen(0, '127.0.0.1', resolve));
    const mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
    client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir, db: { mirrorUrl } }) });
    await client.waitForScans(1);
    const opened = client.nextDiagnostics(requirements, p => p.diagnostics.length > 0);
    await client.open(requirements, fs.readFileSync(requirements, 'utf8'), 1, 'pip-requirements');
    django = (await opened).diagnostics.find(d => /^django@/i.test(String(d.message)))!;
    assert.ok(django, 'a Django finding to hover');
  });
  after(async () => {
    await client?.stop();
    mirror?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * An advisory file whose content the test hands over when it chooses: a named pipe, held open for
   * writing by the test so the worker's read waits for `release` (no open ever blocks either side).
   * Until then the import cannot finish, whatever the machine's load; nothing else is held back.
   */
  function heldAdvisoryFile(name: string): { path: string; release(): void } {
    const fifo = path.join(tmp, name);
    execFileSync('mkfifo', [fifo]);
    const fd = fs.openSync(fifo, fs.constants.O_RDWR);
    // One real record, well under the pipe's buffer, so the write never waits for the reader.
    const record = fs.readFileSync(path.join(REPO_ROOT, 'demo-db/osv', fs.readdirSync(path.join(REPO_ROOT, 'demo-db/osv'))[0]));
    return {
      path: fifo,
      release: () => {
        fs.writeSync(fd, record);
        fs.closeSync(fd);
      },
    };
  }

  /** Starts an import and resolves once its worker reports reading (the generation is being built). */
  async function startImport(paths: string[]): Promise<{ token: string | number; result: Promise<DbCommandResult> }> {
    const seen = client.progress.length;
    const result = client.connection.sendRequest('vigil/importDb', { paths }) as Promise<DbCommandResult>;
    const reading = () => client.progress.slice(seen).find(p => p.value.kind === 'report' && /^reading /.test(p.value.message ?? ''));
    await client.waitFor('the import reading its first file', () => reading() !== undefined, 60000);
    return { token: reading()!.token, result };
  }

  const hoverDjango = () => client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: pathToFileURL(requirements).href }, position: django.range.start,
  }) as Promise<Hover | null>;

  const lockDir = () => path.join(cacheDir, 'db', 'update.lock');

  it('answers a hover while an import is still reading (the import waits for its file)', async () => {
    const held = heldAdvisoryFile('held-import.json');
    const statusesBefore = client.statuses.length;
    const { result } = await startImport([held.path]);
    let importAnswered = false;
    void result.then(() => { importAnswered = true; });

    const hoverSent = performance.now();
    const hover = await hoverDjango();
    const hoverMs = performance.now() - hoverSent;
    // Guaranteed, not raced: the import cannot end before its file is released below.
    assert.equal(importAnswered, false);
    assert.ok(!client.statuses.slice(statusesBefore).some(s => (s as { db: { state: string } }).db.state === 'ready'), 'no DB reopened yet');
    assert.match(JSON.stringify(hover?.contents), new RegExp(String(django.code)));

    held.release();
    const imported = await result;
    assert.equal(imported.ok, true, imported.message);
    assert.match(imported.message, /^Imported 1 advisories; the DB now holds \d+\.$/);
    assert.equal(fs.existsSync(lockDir()), false, 'the lock is released');
    console.log(`      (hover answered in ${hoverMs.toFixed(1)} ms while the import waited)`);
  });

  it('cancelling the progress terminates the job: the DB stays as it was and the next import takes the lock', async () => {
    const held = heldAdvisoryFile('held-cancel.json');
    const generation = readPointer(cacheDir)!.generation;
    const { token, result } = await startImport([held.path]);
    await client.connection.sendNotification('window/workDoneProgress/cancel', { token });
    // The server handles messages in order: once this hover is answered, the worker was told to stop.
    await hoverDjango();
    // Only now can the worker's read return; being terminated, it commits nothing.
    held.release();
    const cancelled = await result;
    assert.deepEqual(cancelled, { ok: false, message: 'Cancelled; the vulnerability DB was left as it was.' });
    assert.equal(readPointer(cacheDir)!.generation, generation);
    // The terminated worker never ran its release; its lock records our live pid, so it must be freed for us.
    assert.equal(fs.existsSync(lockDir()), false, 'the lock of the terminated worker is released');

    const next = await client.connection.sendRequest('vigil/importDb', { paths: [path.join(REPO_ROOT, 'demo-db/osv')] }) as DbCommandResult;
    assert.equal(next.ok, true, next.message);
    assert.notEqual(readPointer(cacheDir)!.generation, generation);
    await client.waitFor('a ready DB status', () => (client.statuses.at(-1) as { db: { state: string } }).db.state === 'ready');
    assert.ok(await hoverDjango(), 'the reopened DB still serves the Django finding');
  });

  it('an update that fails in the worker reports the DbUpdateError to the user and keeps the DB', async () => {
    const generation = readPointer(cacheDir)!.generation;
    const result = await client.connection.sendRequest('vigil/updateDb') as DbCommandResult;
    assert.equal(result.ok, false);
    assert.match(result.message, /all\.zip answered HTTP 404\. The existing vulnerability DB was left unchanged\.$/);
    assert.ok(mirrorRequests.length > 0, 'the worker asked the mirror');
    assert.equal(readPointer(cacheDir)!.generation, generation);
    assert.equal(fs.existsSync(lockDir()), false);
    await client.waitFor('a ready DB status', () => (client.statuses.at(-1) as { db: { state: string } }).db.state === 'ready');
  });
});

describe('lsp: an update where one ecosystem fails', function () {
  this.timeout(60000);
  let tmp: string;
  let client: LspTestClient;
  let mirror: http.Server;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lsp-partial-'));
    const workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/python-app/requirements.txt'), path.join(workspace, 'requirements.txt'));
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/node-app/package-lock.json'), path.join(workspace, 'package-lock.json'));
    // The mirror has PyPI's all.zip (the demo DB's real PyPI records) and nothing for npm.
    const pypi: Record<string, Uint8Array> = {};
    for (const name of fs.readdirSync(path.join(REPO_ROOT, 'demo-db/osv'))) {
      const text = fs.readFileSync(path.join(REPO_ROOT, 'demo-db/osv', name), 'utf8');
      if (JSON.parse(text).affected?.some((a: { package?: { ecosystem: string } }) => a.package?.ecosystem === 'PyPI')) pypi[name] = strToU8(text);
    }
    const zip = Buffer.from(zipSync(pypi));
    mirror = http.createServer((request, response) => {
      if (request.url === '/PyPI/all.zip') response.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
      else response.writeHead(404).end();
    });
    await new Promise<void>(resolve => mirror.listen(0, '127.0.0.1', resolve));
    const mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
    const cacheDir = path.join(tmp, 'cache');
    client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir, db: { mirrorUrl } }) });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    mirror?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('says which ecosystem failed, and scans with what did arrive', async () => {
    const result = await client.connection.sendRequest('vigil/updateDb') as DbCommandResult;
    assert.equal(result.ok, false, result.message);
    assert.match(result.message, /^Vulnerability DB partly updated: .*npm: FAILED/);
    const requirements = path.join(tmp, 'ws/requirements.txt');
    await client.waitFor('PyPI findings from the new DB', () => client.diagnosticsOf(requirements).length > 0);
  });
});
