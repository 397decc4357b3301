// The misconfiguration scanner's quick-fixes through the real language server: one of each kind
// (a Dockerfile USER line, a Kubernetes securityContext field, a Terraform S3 public access block)
// is asked for, applied to the open buffer as an editor would, and the finding is gone from the
// diagnostics of the edited buffer. Custom checks come from vigil.misconfiguration.customChecks.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import { applyWorkspaceEdit } from '../helpers/lsp-edits';
import { LspTestClient } from './client';

const code = (d: Diagnostic) => String(d.code ?? '');

const DOCKERFILE = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n';
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  template:
    spec:
      containers:
        - name: orders
          image: acme/orders:1.4.2
          securityContext:
            privileged: true
`;
const TERRAFORM = 'resource "aws_s3_bucket" "exports" {\n  bucket = "acme-exports"\n}\n';
const CHECKS = `checks:
  - id: ORG-0001
    title: Containers must not be privileged
    severity: CRITICAL
    kubernetes:
      path: spec.template.spec.containers.*.securityContext.privileged
      not-equals: true
`;

describe('lsp: misconfiguration quick-fixes, one of each kind', function () {
  this.timeout(60000);
  let tmp: string;
  let workspace: string;
  let client: LspTestClient;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-misconfig-fixes-'));
    workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), DOCKERFILE);
    fs.writeFileSync(path.join(workspace, 'deployment.yaml'), DEPLOYMENT);
    fs.writeFileSync(path.join(workspace, 'main.tf'), TERRAFORM);
    fs.mkdirSync(path.join(workspace, 'policy'));
    fs.writeFileSync(path.join(workspace, 'policy', 'checks.yml'), CHECKS);
    client = await LspTestClient.start({
      workspaceFolders: [workspace],
      settings: () => ({ scanners: ['misconfig'], misconfiguration: { customChecks: ['policy/checks.yml'] } }),
      initializationOptions: { trusted: true },
    });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * Opens the file, asks for the quick-fixes of the diagnostic with `rule`, applies the one whose
   * title matches to the open text, sends the result as an edit, and waits for diagnostics of that
   * version without the rule. Returns the fixed text.
   */
  async function applyQuickFix(file: string, languageId: string, rule: string, title: RegExp): Promise<string> {
    const filePath = path.join(workspace, file);
    const uri = pathToFileURL(filePath).href;
    const text = fs.readFileSync(filePath, 'utf8');
    const opened = client.nextDiagnostics(filePath, p => p.version === 1);
    await client.open(filePath, text, 1, languageId);
    const { diagnostics } = await opened;
    const diagnostic = diagnostics.find(d => code(d) === rule);
    assert.ok(diagnostic, `${rule} in ${diagnostics.map(code).join()}`);
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] },
    }) as CodeAction[];
    const fix = actions.find(action => title.test(action.title));
    assert.ok(fix?.edit, actions.map(action => action.title).join('\n'));
    const change = fix.edit.documentChanges![0] as { textDocument: { uri: string; version: number } };
    assert.deepEqual(change.textDocument, { uri, version: 1 }, 'the edit is for the open version');
    const texts = new Map([[uri, text]]);
    applyWorkspaceEdit(fix.edit, texts);
    const fixed = texts.get(uri)!;
    const next = client.nextDiagnostics(filePath, p => p.version === 2);
    await client.change(filePath, fixed, 2);
    const after = (await next).diagnostics;
    assert.ok(!after.some(d => code(d) === rule), `${rule} is fixed: ${after.map(code).join()}`);
    return fixed;
  }

  it('Dockerfile: adds a USER line with a non-root user before CMD', async () => {
    const fixed = await applyQuickFix('Dockerfile', 'dockerfile', 'DS-0002', /USER 10001/);
    assert.equal(fixed, 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nUSER 10001\nCMD ["node", "server.js"]\n');
  });

  it('Kubernetes: sets privileged: false in the container\'s securityContext, which the custom check also wanted', async () => {
    const filePath = path.join(workspace, 'deployment.yaml');
    assert.ok(client.diagnosticsOf(filePath).some(d => code(d) === 'ORG-0001'), 'the custom check runs in the editor');
    const fixed = await applyQuickFix('deployment.yaml', 'yaml', 'KSV-0017', /privileged: false/);
    assert.equal(fixed, DEPLOYMENT.replace('privileged: true', 'privileged: false'));
    assert.ok(!client.diagnosticsOf(filePath).some(d => code(d) === 'ORG-0001'));
  });

  it('Terraform: adds a public access block for the bucket', async () => {
    const fixed = await applyQuickFix('main.tf', 'terraform', 'AWS-0086', /public access block/i);
    assert.ok(fixed.startsWith(TERRAFORM), 'the bucket stays as it was');
    const added = fixed.slice(TERRAFORM.length);
    assert.match(added, /^\nresource "aws_s3_bucket_public_access_block" "exports" \{\n {2}bucket += aws_s3_bucket\.exports\.id\n/);
    for (const setting of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) {
      assert.match(added, new RegExp(`\\n {2}${setting} += true\\n`));
    }
  });
});

describe('lsp: custom check files from vigil.misconfiguration.customChecks', function () {
  this.timeout(60000);
  let tmp: string;
  let workspace: string;
  let checksPath: string;
  let client: LspTestClient;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-custom-checks-'));
    workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'deployment.yaml'), DEPLOYMENT);
    // Any name will do: a change to the file is noticed like a change to any other file.
    checksPath = path.join(workspace, 'org.checks');
    fs.writeFileSync(checksPath, CHECKS);
    client = await LspTestClient.start({
      workspaceFolders: [workspace],
      settings: () => ({ scanners: ['misconfig'], misconfiguration: { customChecks: ['org.checks'] } }),
      initializationOptions: { trusted: true },
    });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const deployment = () => path.join(workspace, 'deployment.yaml');
  const changed = () => client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(checksPath).href, type: 2 }] });

  it('shows a custom check\'s finding at its key, with its rule', () => {
    const finding = client.diagnosticsOf(deployment()).find(d => code(d) === 'ORG-0001');
    assert.ok(finding, client.diagnosticsOf(deployment()).map(code).join());
    assert.deepEqual(finding.range, { start: { line: 11, character: 12 }, end: { line: 11, character: 22 } });
  });

  it('reads the file again when it changes on disk; a file it cannot use is a warning, and the built-in checks run alone', async () => {
    const gone = client.nextDiagnostics(deployment(), p => !p.diagnostics.some(d => code(d) === 'ORG-0001') && p.diagnostics.some(d => code(d) === 'KSV-0017'));
    fs.writeFileSync(checksPath, CHECKS.replace('ORG-0001', 'KSV-0017'));
    await changed();
    await gone;
    await client.waitFor('the warning', () => client.logs.some(line => line.startsWith('showMessage: Vigil: ') && line.includes('org.checks: line 2: check 1: its id names the built-in check KSV-0017')));
    const renamed = client.nextDiagnostics(deployment(), p => p.diagnostics.some(d => code(d) === 'ORG-0002'));
    fs.writeFileSync(checksPath, CHECKS.replace('ORG-0001', 'ORG-0002'));
    await changed();
    await renamed;
  });
});
