// LSP integration: an npm and a Cargo workspace. The root lockfile's findings show on the manifest
// line of the member that declares the package, and the member's bump edits the member's manifest.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { applyWorkspaceEdit } from '../helpers/lsp-edits';
import { importAdvisories } from '../../server/src/engine';
import { LspTestClient, REPO_ROOT } from './client';
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

// A Cargo workspace: Cargo.lock names crates, the root Cargo.toml lists the members' folders
// (`crates/*`, `tools/cli`); smallvec 1.6.0 is pulled in by crates/web alone (RUSTSEC-2021-0003).
describe('lsp: a Cargo workspace lockfile and its members\' Cargo.toml', function () {
  this.timeout(60000);
  let dir: TestDirectory;
  let client: LspTestClient;
  const webManifest = () => dir.file('ws/crates/web/Cargo.toml');
  const otherManifests = () => ['ws/Cargo.toml', 'ws/tools/cli/Cargo.toml', 'ws/crates/util/Cargo.toml'].map(dir.file);

  before(async () => {
    dir = await demoDbDirectory('vigil-cargo-workspace-');
    fs.cpSync(path.join(REPO_ROOT, 'server/src/engine/analyzers/fixtures/cargo-lock/workspace'), dir.file('ws'), { recursive: true });
    await importAdvisories(dir.cacheDir, [path.join(REPO_ROOT, 'test/fixtures/manifest-bumps/osv')]);
    client = await LspTestClient.start({ workspaceFolders: [dir.file('ws')], settings: () => ({ cacheDir: dir.cacheDir, scanners: ['vuln'] }), initializationOptions: { trusted: true } });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    dir?.remove();
  });

  it('summarises smallvec on the web member\'s own line, and on no other manifest', async () => {
    const lines = fs.readFileSync(webManifest(), 'utf8').split('\n');
    await client.waitFor('a diagnostic on crates/web/Cargo.toml', () => client.diagnosticsOf(webManifest()).length > 0);
    const diagnostics = client.diagnosticsOf(webManifest());
    assert.ok(diagnostics.every(d => lines[d.range.start.line].startsWith('smallvec = ')), diagnostics.map(messageOf).join('\n'));
    assert.match(messageOf(diagnostics[0]), /^smallvec@1\.6\.0: /);
    for (const manifest of otherManifests()) assert.deepEqual(client.diagnosticsOf(manifest), [], manifest);
  });

  it('names the member that pulls smallvec in, in the hover of its Cargo.lock entry', async () => {
    const lockfile = dir.file('ws/Cargo.lock');
    await client.waitFor('a diagnostic on Cargo.lock', () => client.diagnosticsOf(lockfile).length > 0);
    const [smallvec] = client.diagnosticsOf(lockfile);
    const hover = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: pathToFileURL(lockfile).href }, position: smallvec.range.start,
    }) as Hover;
    assert.match((hover.contents as MarkupContent).value, /^- Pulled in by: crates\/web$/m);
  });

  it('bumps smallvec in the member\'s Cargo.toml', async () => {
    const [smallvec] = client.diagnosticsOf(webManifest());
    const uri = pathToFileURL(webManifest()).href;
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: smallvec.range, context: { diagnostics: [smallvec], only: ['quickfix'] },
    }) as CodeAction[];
    const bump = actions.find(a => a.title.startsWith('Update smallvec to 1.6.1'));
    assert.ok(bump, actions.map(a => a.title).join('\n'));
    const texts = new Map([[uri, fs.readFileSync(webManifest(), 'utf8')]]);
    applyWorkspaceEdit(bump.edit!, texts);
    assert.match(texts.get(uri)!, /^smallvec = "1\.6\.1"$/m);
  });
});
