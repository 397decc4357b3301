// LSP integration of SBOMs and VEX: the real server over stdio. With `vigil.ignoreFile: openvex`
// the ignore quick-fixes write OpenVEX statements that the folder's scans then apply, and the
// vigil/generateSbom request writes schema-valid SBOMs of a folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import { parseVexDocument } from '../../server/src/engine/vex';
import { LspTestClient } from './client';
import { demoDbDirectory, messageOf as message, type TestDirectory } from './test-directory';
import { applyWorkspaceEdit } from '../helpers/lsp-edits';
import { cycloneDx16Validator, schemaErrors, spdx23Validator } from '../helpers/sbom-schemas';

describe('lsp: OpenVEX ignores and SBOM generation', function () {
  this.timeout(60000);
  let dir: TestDirectory;
  let workspace: string;
  let client: LspTestClient;
  const lockPath = () => path.join(workspace, 'node-app/package-lock.json');
  const vexPath = () => path.join(workspace, '.vex/vigil.openvex.json');

  before(async () => {
    dir = await demoDbDirectory('vigil-lsp-vex-');
    workspace = dir.file('ws');
    dir.copyExample('node-app', 'ws/node-app');
    dir.copyExample('python-app', 'ws/python-app');
    client = await LspTestClient.start({
      workspaceFolders: [workspace],
      settings: () => ({ cacheDir: dir.cacheDir, ignoreFile: 'openvex' }),
      initializationOptions: { trusted: true, promptsForIgnoreReason: true },
    });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    dir?.remove();
  });

  async function actionsFor(diagnostic: Diagnostic): Promise<CodeAction[]> {
    return await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: pathToFileURL(lockPath()).href }, range: diagnostic.range, context: { diagnostics: [diagnostic] },
    }) as CodeAction[];
  }

  it('offers to mark a vulnerability not affected in the OpenVEX document, for its package', async () => {
    const qs = client.diagnosticsOf(lockPath()).find(d => message(d).startsWith('qs@6.5.1'))!;
    assert.ok(qs, client.diagnosticsOf(lockPath()).map(message).join('\n'));
    const actions = await actionsFor(qs);
    const mark = actions.find(a => a.title === `Mark ${qs.code} not affected in .vex/vigil.openvex.json (OpenVEX)`);
    assert.ok(mark, actions.map(a => a.title).join('\n'));
    assert.ok(!actions.some(a => a.title.includes('.trivyignore')), 'vulnerabilities go to the VEX document');
    const texts = new Map<string, string>();
    applyWorkspaceEdit(mark.edit!, texts);
    const text = texts.get(pathToFileURL(vexPath()).href)!;
    const document = JSON.parse(text);
    assert.equal(document['@context'], 'https://openvex.dev/ns/v0.2.0');
    assert.deepEqual(document.statements.map((s: any) => [s.vulnerability.name, s.products[0]['@id'], s.status]), [[String(qs.code), 'pkg:npm/qs@6.5.1', 'not_affected']]);
    assert.equal(parseVexDocument(text, 'x').statements.length, 1);
    // The prompt for a reason carries the package, so the server can write the statement.
    const withReason = actions.find(a => a.title.startsWith(`Ignore ${qs.code} with a reason`));
    assert.deepEqual((withReason?.command?.arguments?.[0] as any)?.purl, 'pkg:npm/qs@6.5.1');
  });

  it('writes the statement with its reason through the server command; the folder\'s scans apply the document', async () => {
    const qs = client.diagnosticsOf(lockPath()).find(d => message(d).startsWith('qs@6.5.1'))!;
    const id = String(qs.code);
    await client.connection.sendRequest('workspace/executeCommand', {
      command: 'vigil.server.applyIgnore',
      arguments: [{ folderUri: pathToFileURL(workspace).href, id, reason: 'qs is only used on trusted input', expires: '2099-12-31', purl: 'pkg:npm/qs@6.5.1' }],
    });
    const texts = new Map<string, string>();
    applyWorkspaceEdit(client.appliedEdits.at(-1)!.edit, texts);
    const text = texts.get(pathToFileURL(vexPath()).href)!;
    const statement = JSON.parse(text).statements[0];
    assert.equal(statement.impact_statement, 'qs is only used on trusted input');
    assert.equal(statement.status_notes, 'To be reviewed by 2099-12-31');

    fs.mkdirSync(path.dirname(vexPath()), { recursive: true });
    fs.writeFileSync(vexPath(), text);
    const vexUri = pathToFileURL(vexPath()).href;
    const gone = client.nextDiagnostics(lockPath(), p => !p.diagnostics.some(d => d.code === id && message(d).startsWith('qs@6.5.1')));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: vexUri, type: 1 }] });
    await gone;
    // Other findings of the file stay.
    assert.ok(client.diagnosticsOf(lockPath()).length > 0);

    // A broken document says so on itself, and the finding comes back.
    fs.writeFileSync(vexPath(), '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": ');
    const back = client.nextDiagnostics(lockPath(), p => p.diagnostics.some(d => d.code === id));
    const onVex = client.nextDiagnostics(vexPath(), p => p.diagnostics.some(d => d.code === 'VIGIL-VEX-FILE'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: vexUri, type: 2 }] });
    await back;
    const [problem] = (await onVex).diagnostics;
    assert.match(message(problem), /is not a VEX document: it is not valid JSON/);
    // No quick-fix writes over a document it cannot read.
    const again = client.diagnosticsOf(lockPath()).find(d => d.code === id)!;
    assert.ok(!(await actionsFor(again)).some(a => a.title.startsWith('Mark ')));
    fs.rmSync(path.dirname(vexPath()), { recursive: true });
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: vexUri, type: 3 }] });
  });

  it('generates a CycloneDX SBOM of a folder, and an SPDX one where asked, both schema-valid', async () => {
    const folder = path.join(workspace, 'node-app');
    const cdx = await client.connection.sendRequest('vigil/generateSbom', { folderUri: pathToFileURL(folder).href, format: 'cyclonedx' }) as any;
    assert.equal(cdx.ok, true, cdx.message);
    const cdxFile = path.join(folder, 'sbom.cdx.json');
    assert.equal(cdx.outputUri, pathToFileURL(cdxFile).href);
    assert.match(cdx.message, /wrote an SBOM of \d+ package\(s\) to node-app\/sbom\.cdx\.json/);
    const bom = JSON.parse(fs.readFileSync(cdxFile, 'utf8'));
    assert.equal(schemaErrors(cycloneDx16Validator(), bom), '');
    assert.equal(bom.metadata.component.name, 'node-app');
    assert.ok(bom.components.some((c: any) => c.purl === 'pkg:npm/qs@6.5.1'));
    assert.ok(!bom.components.some((c: any) => c.purl?.startsWith('pkg:pypi/')), 'only the chosen folder');

    const spdxFile = dir.file('out/workspace.spdx.json');
    const spdx = await client.connection.sendRequest('vigil/generateSbom', {
      folderUri: pathToFileURL(workspace).href, format: 'spdx-json', outputUri: pathToFileURL(spdxFile).href,
    }) as any;
    assert.equal(spdx.ok, true, spdx.message);
    const document = JSON.parse(fs.readFileSync(spdxFile, 'utf8'));
    assert.equal(schemaErrors(spdx23Validator(), document), '');
    const purls = document.packages.flatMap((p: any) => (p.externalRefs ?? []).map((r: any) => r.referenceLocator));
    assert.ok(purls.includes('pkg:npm/qs@6.5.1') && purls.some((p: string) => p.startsWith('pkg:pypi/')));
  });

  it('refuses a folder outside the workspace and an unknown format', async () => {
    const outside = await client.connection.sendRequest('vigil/generateSbom', { folderUri: pathToFileURL(dir.root).href, format: 'cyclonedx' }) as any;
    assert.equal(outside.ok, false);
    const format = await client.connection.sendRequest('vigil/generateSbom', { folderUri: pathToFileURL(workspace).href, format: 'xml' }) as any;
    assert.equal(format.ok, false);
    assert.match(format.message, /unknown SBOM format/);
  });
});
