// LSP integration: an npm workspace. The root lockfile's findings show on the manifest line of the
// member that declares the package, and the member's bump edits the member's package.json.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver-protocol/node';
import { applyWorkspaceEdit } from '../helpers/lsp-edits';
import { LspTestClient } from './client';
import { demoDbDirectory, messageOf, type TestDirectory } from './test-directory';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const LOCKFILE = json({
  name: 'mono', lockfileVersion: 3, requires: true,
  packages: {
    '': { name: 'mono', workspaces: ['packages/*'], dependencies: { minimist: '^1.2.8' } },
    'node_modules/minimist': { version: '1.2.8' },
    'node_modules/qs': { version: '6.5.1' },
    'node_modules/web': { resolved: 'packages/web', link: true },
    'packages/web': { name: 'web', version: '1.0.0', dependencies: { qs: '6.5.1' } },
  },
});

describe('lsp: a workspace lockfile and its members\' manifests', function () {
  this.timeout(60000);
  let dir: TestDirectory;
  let client: LspTestClient;
  const memberManifest = () => dir.file('ws/packages/web/package.json');
  const rootManifest = () => dir.file('ws/package.json');

  before(async () => {
    dir = await demoDbDirectory('vigil-workspaces-');
    fs.mkdirSync(dir.file('ws/packages/web'), { recursive: true });
    fs.writeFileSync(dir.file('ws/package-lock.json'), LOCKFILE);
    fs.writeFileSync(rootManifest(), json({ name: 'mono', workspaces: ['packages/*'], dependencies: { minimist: '^1.2.8' } }));
    fs.writeFileSync(memberManifest(), json({ name: 'web', version: '1.0.0', dependencies: { qs: '6.5.1' } }));
    client = await LspTestClient.start({ workspaceFolders: [dir.file('ws')], settings: () => ({ cacheDir: dir.cacheDir, scanners: ['vuln'] }), initializationOptions: { trusted: true } });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    dir?.remove();
  });

  it('summarises the member\'s findings on its own manifest line, and none on the root manifest', () => {
    const lines = fs.readFileSync(memberManifest(), 'utf8').split('\n');
    const diagnostics = client.diagnosticsOf(memberManifest());
    assert.ok(diagnostics.length > 0 && diagnostics.every(d => lines[d.range.start.line].includes('"qs"')), diagnostics.map(messageOf).join('\n'));
    assert.match(messageOf(diagnostics[0]), /^qs@6\.5\.1: /);
    assert.deepEqual(client.diagnosticsOf(rootManifest()), []);
  });

  it('bumps the package in the member\'s manifest', async () => {
    const [qs] = client.diagnosticsOf(memberManifest());
    const uri = pathToFileURL(memberManifest()).href;
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: qs.range, context: { diagnostics: [qs], only: ['quickfix'] },
    }) as CodeAction[];
    const bump = actions.find(a => a.title.startsWith('Update qs to 6.'));
    assert.ok(bump, actions.map(a => a.title).join('\n'));
    const texts = new Map([[uri, fs.readFileSync(memberManifest(), 'utf8')]]);
    applyWorkspaceEdit(bump.edit!, texts);
    assert.match(JSON.parse(texts.get(uri)!).dependencies.qs, /^6\.5\.[3-9]$/);
  });
});
