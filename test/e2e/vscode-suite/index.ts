// In-editor checks, run by VS Code's own extension test runner inside the extension host, either in
// code-server (workbench URL payload: extensionDevelopmentPath + extensionTestsPath) or in desktop
// VS Code (@vscode/test-electron). Bundled by the host test into a folder beside expected.json,
// the CLI's findings for the workspace; writes result.json there and rejects on any failure.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

interface ExpectedFinding { file: string; id: string; line: number; pkg: string; severity: string }

const EXTENSION_ID = 'vigil-dev.vigil';
const COMMANDS = ['vigil.scanWorkspace', 'vigil.updateDb', 'vigil.importDb', 'vigil.showOutput'];

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

function vigilDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter(d => d.source === 'vigil');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export async function run(): Promise<void> {
  const expected: ExpectedFinding[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'expected.json'), 'utf8'));
  const folder = vscode.workspace.workspaceFolders?.[0];
  const checks: { name: string; error?: string }[] = [];

  async function check(name: string, body: () => Promise<void>) {
    try {
      await body();
      checks.push({ name });
    } catch (error) {
      checks.push({ name, error: error instanceof Error ? error.message : String(error) });
    }
  }

  await check('the extension activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
  });

  await check('the commands are registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(COMMANDS.filter(c => !all.has(c)), []);
  });

  await check('every CLI finding becomes a diagnostic with the same ID on the same line', async () => {
    assert.ok(folder, 'no workspace folder is open');
    assert.ok(expected.length > 0, 'expected.json is empty');
    for (const file of new Set(expected.map(f => f.file))) {
      await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, file));
    }
    const missing = () => expected.filter(f => !vigilDiagnostics(vscode.Uri.joinPath(folder.uri, f.file))
      .some(d => codeOf(d) === f.id && d.range.start.line + 1 === f.line));
    await waitFor('the diagnostics', () => missing().length === 0, 60_000).catch(() => {
      throw new Error(`missing: ${missing().slice(0, 10).map(f => `${f.file}:${f.line} ${f.id}`).join(', ')}`);
    });
  });

  await check('a quick-fix for a vulnerable pin carries an edit of that file', async () => {
    assert.ok(folder);
    const target = expected.find(f => f.file.endsWith('requirements.txt')) ?? expected[0];
    const uri = vscode.Uri.joinPath(folder.uri, target.file);
    const diagnostic = vigilDiagnostics(uri).find(d => codeOf(d) === target.id);
    assert.ok(diagnostic, `no diagnostic for ${target.id}`);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const editing = (actions ?? []).filter(a => a.edit && a.edit.get(uri).length > 0);
    assert.ok(editing.length > 0, `no quick-fix edits ${target.file}: ${(actions ?? []).map(a => a.title).join(' | ')}`);
  });

  const failed = checks.filter(c => c.error);
  fs.writeFileSync(path.join(__dirname, 'result.json'), JSON.stringify({ checks, failed: failed.length }, null, 2));
  if (failed.length) throw new Error(failed.map(c => `${c.name}: ${c.error}`).join('\n'));
}
