// The wire itself: a frame the server cannot read past, and requests after shutdown.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { LspTestClient, REPO_ROOT } from './client';

const SERVER_ENTRY = path.join(REPO_ROOT, 'server/src/lsp/main.ts');

/** Starts the server, writes `bytes`, and waits (at most `limitMs`) for it to exit. */
function runWithInput(bytes: string, limitMs = 20_000): Promise<{ code: number | null; stderr: string; exited: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, '--stdio'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdin.on('error', () => {}); // the server may be gone before everything is written
  child.stdin.write(bytes);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill();
      resolve({ code: null, stderr, exited: false });
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, exited: true });
    });
  });
}

const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const initialize = frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));

describe('lsp: faults on the wire', function () {
  this.timeout(60_000);

  const badHeaders: [string, string][] = [
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}'],
    ['no Content-Length', 'Content-Type: application/vscode-jsonrpc\r\n\r\n{}'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}'],
    ['a 99 GB Content-Length', 'Content-Length: 99000000000\r\n\r\n{}'],
    ['a header that never ends', `Content-Length: 2${' '.repeat(20_000)}`],
  ];
  for (const [label, bad] of badHeaders) {
    it(`logs and exits after ${label}, so the client can restart it`, async () => {
      // A good message first: the server is up and reading when the bad one arrives.
      const result = await runWithInput(initialize + bad);
      assert.ok(result.exited, `the server is still running after ${label}`);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /vigil language server: received .*; exiting so the client can restart the server/);
    });
  }

  it('answers a request after shutdown with InvalidRequest, and exit still works', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lsp-shutdown-'));
    const client = await LspTestClient.start({ workspaceFolders: [tmp], settings: () => ({ cacheDir: path.join(tmp, 'cache') }) });
    try {
      assert.equal(await client.connection.sendRequest('shutdown'), null);
      const hover = { textDocument: { uri: 'file:///nowhere/package-lock.json' }, position: { line: 0, character: 0 } };
      await assert.rejects(client.connection.sendRequest('textDocument/hover', hover), (error: unknown) => {
        assert.ok(error instanceof ResponseError);
        assert.equal(error.code, -32600); // InvalidRequest
        return true;
      });
      const exited = new Promise<number | null>((resolve) => client.process.on('exit', resolve));
      await client.connection.sendNotification('exit');
      assert.equal(await exited, 0);
    } finally {
      await client.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
