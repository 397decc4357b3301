// A .tf file is analyzed with the other .tf and .tfvars files of its folder: editing one of them
// (unsaved) re-analyzes the .tf files beside it, and a finding shows in the file it is about.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from './client';

const code = (d: Diagnostic) => String(d.code ?? '');

const BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n';
const ACCESS = 'resource "aws_s3_bucket_public_access_block" "logs" {\n  bucket = aws_s3_bucket.logs.id\n  block_public_acls = var.block\n}\n';

describe('lsp: a Terraform module over several files', function () {
  this.timeout(60000);
  let tmp: string;
  let client: LspTestClient;
  let mainPath: string;
  let accessPath: string;
  let tfvarsPath: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-terraform-'));
    const workspace = path.join(tmp, 'ws');
    fs.mkdirSync(workspace);
    mainPath = path.join(workspace, 'main.tf');
    accessPath = path.join(workspace, 'access.tf');
    tfvarsPath = path.join(workspace, 'terraform.tfvars');
    fs.writeFileSync(mainPath, BUCKET);
    fs.writeFileSync(accessPath, ACCESS);
    fs.writeFileSync(path.join(workspace, 'variables.tf'), 'variable "block" { default = true }\n');
    fs.writeFileSync(tfvarsPath, 'block = false\n');
    client = await LspTestClient.start({ workspaceFolders: [workspace], settings: () => ({ scanners: ['misconfig'] }), initializationOptions: { trusted: true } });
    await client.waitForScans(1);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reports the public access block setting in its own file, with the value from terraform.tfvars', () => {
    assert.ok(!client.diagnosticsOf(mainPath).some(d => code(d) === 'AWS-0094'), client.diagnosticsOf(mainPath).map(code).join());
    assert.ok(client.diagnosticsOf(accessPath).some(d => code(d) === 'AWS-0086' && d.range.start.line === 2), client.diagnosticsOf(accessPath).map(code).join());
  });

  it('re-analyzes the .tf files of the folder when a .tfvars or another .tf file changes', async () => {
    const accessFixed = client.nextDiagnostics(accessPath, p => !p.diagnostics.some(d => code(d) === 'AWS-0086'));
    await client.open(tfvarsPath, 'block = false\n', 1);
    await client.change(tfvarsPath, 'block = true\n', 2);
    await accessFixed;
    const mainNext = client.nextDiagnostics(mainPath, p => p.diagnostics.some(d => code(d) === 'AWS-0094'));
    await client.open(accessPath, ACCESS, 1);
    await client.change(accessPath, '# the access block moved elsewhere\n', 2);
    await mainNext;
  });
});
