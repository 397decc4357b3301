// Hostile repositories through the language server: an ignore file linked out of the workspace
// is not read, and nothing it holds reaches the client.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importAdvisories } from '../../server/src/engine';
import { LspTestClient, REPO_ROOT } from '../lsp/client';

const MARKER = 'SECRET-MARKER-12345';

describe('hostile inputs through the language server', function () {
  this.timeout(60_000);

  it('does not read a .trivyignore linked out of the workspace, and says so on the file', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-hostile-lsp-'));
    const workspace = path.join(tmp, 'ws');
    const cacheDir = path.join(tmp, 'cache');
    fs.cpSync(path.join(REPO_ROOT, 'examples/python-app'), workspace, { recursive: true });
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
    // Every advisory of the demo DB, so that reading the file would hide every finding.
    const ids = fs.readdirSync(path.join(REPO_ROOT, 'demo-db/osv')).map((name) => name.replace(/\.json$/, ''));
    const outside = path.join(tmp, 'environ');
    fs.writeFileSync(outside, `CI_DEPLOY_TOKEN=${MARKER} stray words\n${ids.join('\n')}\n`);
    const ignoreFile = path.join(workspace, '.trivyignore');
    fs.symlinkSync(outside, ignoreFile);
    const requirements = path.join(workspace, 'requirements.txt');

    const client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir }), initializationOptions: { trusted: true } });
    try {
      await client.waitForScans(1);
      assert.ok(client.diagnosticsOf(requirements).length > 0, 'findings are not ignored by a file that was not read');
      const refusal = client.nextDiagnostics(ignoreFile, (p) => p.diagnostics.length > 0);
      await client.open(ignoreFile, 'CVE-0\n', 1, 'trivyignore');
      const [diagnostic] = (await refusal).diagnostics;
      assert.match(String(diagnostic.message), /ignore file is a symlink to .*environ, outside .*; not read/);
      const everything = JSON.stringify([[...client.diagnostics.values()], [...client.findings.values()], client.logs, client.statuses]);
      assert.ok(!everything.includes(MARKER), 'hostile content reached the client');
    } finally {
      await client.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
