// vigil.secretConfigPath in the real server: the config's rules find secrets, masked in what the
// editor shows; an edit to the config on disk applies; an untrusted workspace runs the built-in rules only.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from './client';

const TOKEN = 'corp_k3v9q2m7x4t8w1z6r5y0p2n8';
const CONFIG = `rules:
  - id: corp-token
    category: Corp
    title: Corp internal token
    severity: HIGH
    keywords: [corp_]
    regex: (?P<secret>corp_[a-z0-9]{24})
    secret-group-name: secret
`;

describe('lsp: vigil.secretConfigPath', function () {
  this.timeout(60000);
  let workspace: string;
  const running: LspTestClient[] = [];
  const appEnv = () => path.join(workspace, 'app.env');

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-secret-config-'));
    fs.writeFileSync(appEnv(), `CORP_TOKEN=${TOKEN}\n`);
    fs.mkdirSync(path.join(workspace, 'config'));
    fs.writeFileSync(path.join(workspace, 'config', 'secrets.yaml'), CONFIG);
  });

  afterEach(async () => {
    for (const client of running.splice(0)) await client.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  async function start(settings: Record<string, unknown>, trusted = true): Promise<LspTestClient> {
    const client = await LspTestClient.start({
      workspaceFolders: [workspace], settings: () => ({ scanners: ['secret'], ...settings }), initializationOptions: { trusted },
    });
    running.push(client);
    return client;
  }

  const codes = (client: LspTestClient) => client.diagnosticsOf(appEnv()).map(d => d.code);

  it('runs the rules of the config the setting names (relative to the folder), masked in diagnostics and findings', async () => {
    const client = await start({ secretConfigPath: 'config/secrets.yaml' });
    await client.waitFor('the custom rule\'s finding', () => codes(client).includes('corp-token'));
    const shown = JSON.stringify([client.diagnostics.get(pathToFileURL(appEnv()).href), [...client.findings.values()]]);
    assert.ok(!shown.includes(TOKEN.slice(5)), 'the secret is masked');
    assert.ok(!client.logs.some(line => /not available/.test(line)), client.logs.join('\n'));
  });

  it('without the setting, runs the built-in rules only (the control case)', async () => {
    const client = await start({});
    await client.waitForScans(1);
    assert.deepEqual(codes(client), []);
  });

  it('reads the config again when it changes on disk', async () => {
    fs.writeFileSync(path.join(workspace, 'config', 'secrets.yaml'), CONFIG.replace('corp_', 'nomatch_').replace('corp_', 'nomatch_'));
    const client = await start({ secretConfigPath: 'config/secrets.yaml' });
    await client.waitForScans(1);
    assert.deepEqual(codes(client), []);
    fs.writeFileSync(path.join(workspace, 'config', 'secrets.yaml'), `${CONFIG}\n# edited\n`);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(path.join(workspace, 'config', 'secrets.yaml')).href, type: 2 }],
    });
    await client.waitFor('the custom rule\'s finding after the edit', () => codes(client).includes('corp-token'), 30000);
  });

  it('says which rule of the config cannot be used, without quoting it, and runs the others', async () => {
    fs.writeFileSync(path.join(workspace, 'config', 'secrets.yaml'), `${CONFIG}  - id: broken\n    regex: (unclosed-SECRETPART\n`);
    const client = await start({ secretConfigPath: 'config/secrets.yaml' });
    await client.waitFor('the custom rule\'s finding', () => codes(client).includes('corp-token'));
    const warning = client.logs.find(line => line.startsWith('showMessage: ') && line.includes('secrets.yaml:9'));
    assert.ok(warning && /not valid RE2 syntax \(missing closing \)\)/.test(warning), client.logs.join('\n'));
    assert.ok(!client.logs.some(line => line.includes('SECRETPART')), 'the config is not quoted');
  });

  it('finds trivy-secret.yaml at the folder\'s root in a trusted workspace, and nothing in an untrusted one', async () => {
    fs.writeFileSync(path.join(workspace, 'trivy-secret.yaml'), CONFIG);
    const trusted = await start({});
    await trusted.waitFor('the custom rule\'s finding', () => codes(trusted).includes('corp-token'));
    await trusted.stop();
    const untrusted = await start({ secretConfigPath: 'config/secrets.yaml' }, false);
    await untrusted.waitForScans(1);
    assert.deepEqual(codes(untrusted), []);
  });
});
