// LSP integration: an analysis that read another file (a requirements file's `-r` include, a
// parent POM) is redone when that file changes, on disk or in an unsaved buffer.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from './client';
import { demoDbDirectory, messageOf, type TestDirectory } from './test-directory';

describe('lsp: files an analysis reads beyond its siblings', function () {
  this.timeout(60000);
  let dir: TestDirectory;
  let client: LspTestClient;
  const requirements = () => dir.file('ws/requirements.txt');
  const included = () => dir.file('ws/constraints/base.txt');

  before(async () => {
    dir = await demoDbDirectory('vigil-related-');
    fs.mkdirSync(dir.file('ws/constraints'), { recursive: true });
    fs.writeFileSync(requirements(), '-r constraints/base.txt\nflask==2.0.0\n');
    fs.writeFileSync(included(), 'django==2.2.0\n');
    client = await LspTestClient.start({ workspaceFolders: [dir.file('ws')], settings: () => ({ cacheDir: dir.cacheDir, scanners: ['vuln'] }), initializationOptions: { trusted: true } });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    dir?.remove();
  });

  it('re-analyzes a requirements file when the file it includes changes on disk', async () => {
    assert.ok(client.diagnosticsOf(requirements()).some(d => messageOf(d).toLowerCase().startsWith('django@2.2.0')), client.diagnosticsOf(requirements()).map(messageOf).join('\n'));
    const cleared = client.nextDiagnostics(requirements(), p => !p.diagnostics.some(d => messageOf(d).toLowerCase().startsWith('django')));
    fs.writeFileSync(included(), 'django==5.2.8\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(included()).href, type: 2 }] });
    await cleared;
  });

  it('follows the unsaved buffer of the included file', async () => {
    const uri = pathToFileURL(included()).href;
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pip-requirements', version: 1, text: fs.readFileSync(included(), 'utf8') } });
    const back = client.nextDiagnostics(requirements(), p => p.diagnostics.some(d => messageOf(d).toLowerCase().startsWith('django@2.2.0')));
    await client.change(included(), 'django==2.2.0\n', 2);
    await back;
  });
});
