// LSP integration: the bump quick-fix on the manifest line of Cargo.toml, pyproject.toml, Pipfile,
// go.mod and Gemfile, from the real server over stdio, applied and written to disk as an editor
// saves it. The DB is imported from real OSV records (demo-db/osv and the fixture's own).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import { importAdvisories } from '../../server/src/engine';
import { LspTestClient, REPO_ROOT } from './client';
import { applyWorkspaceEdit } from '../helpers/lsp-edits';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/manifest-bumps');
const message = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

interface BumpCase {
  manifest: string;
  /** Text of the line the diagnostic is on. */
  line: string;
  summary: RegExp;
  title: RegExp;
  before: string;
  after: string;
}

const CASES: BumpCase[] = [
  {
    manifest: 'rust/Cargo.toml', line: 'smallvec = "1.4"', summary: /smallvec@1\.4\.0: CVE-2021-25900/,
    title: /^Update smallvec to 1\.6\.1 \(fixes 1\)$/, before: 'smallvec = "1.4"', after: 'smallvec = "1.6.1"',
  },
  {
    manifest: 'poetry/pyproject.toml', line: '"PyYAML (>=5.3,<6)"', summary: /pyyaml@5\.3: /i,
    title: /^Update PyYAML to >=5\.4,<6 \(fixes 2\)$/, before: '"PyYAML (>=5.3,<6)"', after: '"PyYAML (>=5.4,<6)"',
  },
  {
    manifest: 'pipenv/Pipfile', line: 'requests = "==2.19.1"', summary: /requests@2\.19\.1: /,
    title: /^Update requests to ==2\.31\.0 \(fixes 2\)$/, before: 'requests = "==2.19.1"', after: 'requests = "==2.31.0"',
  },
  {
    manifest: 'go/go.mod', line: 'golang.org/x/text v0.3.2', summary: /golang\.org\/x\/text@v0\.3\.2/,
    title: /^Update golang\.org\/x\/text to v0\.3\.8 in go\/go\.mod \(fixes 3\)$/, before: 'golang.org/x/text v0.3.2', after: 'golang.org/x/text v0.3.8',
  },
  {
    manifest: 'ruby/Gemfile', line: "gem 'lodash-rails', '~> 4.17.4'", summary: /lodash-rails@4\.17\.4: /,
    title: /^Update lodash-rails to ~> 4\.17\.21 \(fixes \d+\)$/, before: "gem 'lodash-rails', '~> 4.17.4'", after: "gem 'lodash-rails', '~> 4.17.21'",
  },
];

describe('lsp: a bump quick-fix per manifest format, written to disk', function () {
  this.timeout(60000);
  let tmp: string;
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lsp-bumps-'));
    workspace = path.join(tmp, 'ws');
    const cacheDir = path.join(tmp, 'cache');
    fs.cpSync(path.join(FIXTURES, 'workspace'), workspace, { recursive: true });
    await importAdvisories(cacheDir, [path.join(REPO_ROOT, 'demo-db/osv'), path.join(FIXTURES, 'osv')]);
    client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ cacheDir }), initializationOptions: { trusted: true } });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const bump of CASES) {
    it(`${bump.manifest}: summarises the finding on the declaration's line and bumps it there`, async () => {
      const file = path.join(workspace, ...bump.manifest.split('/'));
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const onLine = (d: Diagnostic) => lines[d.range.start.line].includes(bump.line);
      await client.waitFor(`a diagnostic on ${bump.manifest}`, () => client.diagnosticsOf(file).some(onLine));
      const diagnostic = client.diagnosticsOf(file).find(onLine)!;
      assert.match(message(diagnostic), bump.summary);

      const uri = pathToFileURL(file).href;
      const actions = await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] },
      }) as CodeAction[];
      const action = actions.find(a => bump.title.test(a.title));
      assert.ok(action, actions.map(a => a.title).join('\n'));
      assert.equal(action.isPreferred, true);

      const texts = new Map([[uri, text]]);
      applyWorkspaceEdit(action.edit!, texts);
      fs.writeFileSync(file, texts.get(uri)!);
      assert.equal(fs.readFileSync(file, 'utf8'), text.replace(bump.before, bump.after));
    });
  }

  it("a Cargo workspace member's `workspace = true` dependency is bumped in the root's [workspace.dependencies]", async () => {
    const member = path.join(workspace, 'rust-workspace/crates/app/Cargo.toml');
    const root = path.join(workspace, 'rust-workspace/Cargo.toml');
    const lines = fs.readFileSync(member, 'utf8').split('\n');
    const onLine = (d: Diagnostic) => lines[d.range.start.line].startsWith('smallvec');
    await client.waitFor('a diagnostic on the member manifest', () => client.diagnosticsOf(member).some(onLine));
    const diagnostic = client.diagnosticsOf(member).find(onLine)!;
    assert.match(message(diagnostic), /smallvec@1\.4\.0: CVE-2021-25900/);

    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: pathToFileURL(member).href }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] },
    }) as CodeAction[];
    const action = actions.find(a => a.title.startsWith('Update smallvec'));
    assert.ok(action, actions.map(a => a.title).join('\n'));
    assert.equal(action.title, "Update smallvec to 1.6.1 in the workspace's rust-workspace/Cargo.toml (fixes 1)");
    assert.equal(action.isPreferred, true);

    const rootUri = pathToFileURL(root).href;
    const rootText = fs.readFileSync(root, 'utf8');
    const texts = new Map([[rootUri, rootText]]);
    applyWorkspaceEdit(action.edit!, texts);
    assert.deepEqual([...texts.keys()], [rootUri], 'only the root manifest is edited');
    assert.equal(texts.get(rootUri), rootText.replace('smallvec = "1.4"', 'smallvec = "1.6.1"'));
  });

  it("a virtual Cargo workspace's root summarises its members' findings on the [workspace.dependencies] line, and bumps it there", async () => {
    const root = path.join(workspace, 'rust-workspace/Cargo.toml');
    const text = fs.readFileSync(root, 'utf8');
    const lines = text.split('\n');
    await client.waitFor('a diagnostic on the root manifest', () => client.diagnosticsOf(root).length > 0);
    const diagnostics = client.diagnosticsOf(root);
    assert.deepEqual(diagnostics.map(d => lines[d.range.start.line]), ['smallvec = "1.4"']);
    assert.match(message(diagnostics[0]), /smallvec@1\.4\.0: CVE-2021-25900/);

    const uri = pathToFileURL(root).href;
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics, only: ['quickfix'] },
    }) as CodeAction[];
    const action = actions.find(a => a.title === 'Update smallvec to 1.6.1 (fixes 1)');
    assert.ok(action, actions.map(a => a.title).join('\n'));
    const texts = new Map([[uri, text]]);
    applyWorkspaceEdit(action.edit!, texts);
    assert.equal(texts.get(uri), text.replace('smallvec = "1.4"', 'smallvec = "1.6.1"'));
  });
});
