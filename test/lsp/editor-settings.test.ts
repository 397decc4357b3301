// Settings as each documented editor sends them (docs/editors.md), without VS Code's
// workspace/configuration answers. The DB lives in a cache dir only the settings name; the default
// cache dir is empty, so a finding proves the settings arrived, and a missing-DB warning that they did not.
//   Neovim 0.7: no workspace/configuration; init_options `{ vigil }` plus on_init pushing
//               didChangeConfiguration `{ settings = { vigil } }` (run for real in test/e2e/neovim.test.ts).
//   Helix:      `[language-server.vigil] config = { vigil = {…} }` goes out as initializationOptions,
//               and workspace/configuration answers the section from that same table.
//   Eglot:      `:initializationOptions (:vigil (…))` in eglot-server-programs; with no
//               eglot-workspace-configuration it answers workspace/configuration with null.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importAdvisories } from '../../server/src/engine';
import { LspTestClient, REPO_ROOT, type StartOptions } from './client';

describe('lsp: settings from editors without VS Code\'s workspace/configuration', function () {
  this.timeout(60000);
  let tmp: string;
  let workspace: string;
  let cacheDir: string;
  let emptyHome: string;
  const requirements = () => path.join(workspace, 'requirements.txt');
  const running: LspTestClient[] = [];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-editor-settings-'));
    workspace = path.join(tmp, 'ws');
    cacheDir = path.join(tmp, 'cache');
    emptyHome = path.join(tmp, 'home');
    fs.mkdirSync(workspace);
    fs.mkdirSync(emptyHome);
    fs.copyFileSync(path.join(REPO_ROOT, 'examples/python-app/requirements.txt'), requirements());
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv')]);
  });

  afterEach(async () => {
    for (const client of running.splice(0)) await client.stop();
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** A server whose default cache dir ($VIGIL_CACHE_DIR, else $XDG_CACHE_HOME/vigil) holds no DB. */
  async function start(options: Omit<StartOptions, 'workspaceFolders' | 'env'>): Promise<LspTestClient> {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: emptyHome, XDG_CACHE_HOME: path.join(emptyHome, '.cache') };
    delete env.VIGIL_CACHE_DIR;
    const client = await LspTestClient.start({ ...options, workspaceFolders: [workspace], env });
    running.push(client);
    return client;
  }

  const missingDbWarnings = (client: LspTestClient) => client.logs.filter(l => /^showMessage: .*No vulnerability DB/i.test(l));

  it('without any settings, warns that the default cache dir has no DB (the control case)', async () => {
    const client = await start({ configuration: false, settings: () => null });
    await client.waitForScans(1);
    assert.deepEqual(client.diagnosticsOf(requirements()), []);
    assert.equal(missingDbWarnings(client).length, 1, client.logs.join('\n'));
    assert.deepEqual(client.messageRequests, [], 'the warning is a notification, not a request that blocks Neovim');
  });

  it('Neovim 0.7: reads init_options from the first scan, with the same settings pushed from on_init', async () => {
    const settings = { vigil: { cacheDir } };
    const client = await start({ configuration: false, settings: () => null, initializationOptions: settings });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings });
    await client.waitForScans(1);
    await client.waitFor('findings in requirements.txt', () => client.diagnosticsOf(requirements()).length > 0);
    assert.deepEqual(missingDbWarnings(client), []);
  });

  it('a client without workspace/configuration: settings pushed by didChangeConfiguration alone apply', async () => {
    const client = await start({ configuration: false, settings: () => null });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { vigil: { cacheDir } } });
    await client.waitFor('findings in requirements.txt', () => client.diagnosticsOf(requirements()).length > 0, 30000);
    // Later pushes win over earlier ones: a threshold above every finding empties the file.
    const emptied = client.nextDiagnostics(requirements(), d => d.diagnostics.length === 0);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { vigil: { cacheDir, severityThreshold: 'CRITICAL', scanners: ['secret'] } } });
    await emptied;
  });

  it('Helix: the `config` table as initializationOptions and as the workspace/configuration answer', async () => {
    const config = { vigil: { cacheDir } };
    const client = await start({ settings: () => config.vigil, initializationOptions: config });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: config });
    await client.waitForScans(1);
    await client.waitFor('findings in requirements.txt', () => client.diagnosticsOf(requirements()).length > 0);
    assert.deepEqual(missingDbWarnings(client), []);
  });

  it('Eglot: initializationOptions apply when workspace/configuration answers null', async () => {
    const client = await start({ settings: () => null, initializationOptions: { vigil: { cacheDir } } });
    await client.waitForScans(1);
    await client.waitFor('findings in requirements.txt', () => client.diagnosticsOf(requirements()).length > 0);
    assert.deepEqual(missingDbWarnings(client), []);
  });

  it('VS Code: a push without settings re-asks, and rescans only when the answer changed', async () => {
    let answer: Record<string, unknown> = { cacheDir };
    let onAsked = () => {};
    const client = await start({ settings: () => { onAsked(); return answer; } });
    await client.waitForScans(1);
    await client.waitFor('findings in requirements.txt', () => client.diagnosticsOf(requirements()).length > 0);
    const scans = (kind: string) => client.progress.filter(p => p.value.kind === kind && (kind !== 'begin' || /^Vigil: scanning /.test(p.value.title ?? ''))).length;
    const scansBefore = scans('begin');

    // The same answer, then a changed one. The first push is decided when its answer arrives, before
    // the second push's answer can be: whatever it started would be among the scans counted below.
    const asked = new Promise<void>(resolve => { onAsked = resolve; });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await asked;
    answer = { cacheDir, severityThreshold: 'CRITICAL' };
    const emptied = client.nextDiagnostics(requirements(), d => d.diagnostics.length === 0);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await emptied;
    await client.waitFor('every scan ended', () => scans('end') >= scans('begin'));
    assert.equal(scans('begin') - scansBefore, 1, 'one rescan, for the changed answer only');
  });

  it('an answer from workspace/configuration wins over initializationOptions', async () => {
    const client = await start({ settings: () => ({ cacheDir }), initializationOptions: { vigil: { cacheDir: path.join(tmp, 'nowhere') } } });
    await client.waitForScans(1);
    await client.waitFor('findings in requirements.txt', () => client.diagnosticsOf(requirements()).length > 0);
    assert.deepEqual(missingDbWarnings(client), []);
  });
});
