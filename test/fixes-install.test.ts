// The fixes the editor offers leave a project that the package manager still installs: each fix
// is applied to a real project, then npm resolves it (`npm install --package-lock-only`, against
// the npm registry) and the lockfile it writes holds the fixed versions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver';
import { importAdvisories, openDb, type VulnDb } from '../server/src/engine/db';
import { scanFile } from '../server/src/engine/scan';
import { DiskSource } from '../server/src/engine/source';
import { codeActions, type CodeActionInput, type DocumentSnapshot } from '../server/src/lsp/codeActions';
import { manifestView, resultView, type VulnerabilityData } from '../server/src/lsp/diagnostics';
import { DEFAULT_SEVERITY_MAP } from '../server/src/lsp/settings';
import { REPO_ROOT } from './helpers/corpus';
import { applyWorkspaceEdit } from './helpers/lsp-edits';
import { skipOrFail } from './helpers/skip';

function npm(cwd: string, args: string[]) {
  return spawnSync('npm', [...args, '--no-audit', '--no-fund', '--ignore-scripts'], { cwd, encoding: 'utf8', timeout: 180_000 });
}

describe('fixes keep the project installable (npm resolves the fixed package.json)', function () {
  this.timeout(400_000);
  let tmp: string;
  let project: string;
  let db: VulnDb;

  before(async function () {
    const reachable = spawnSync('npm', ['view', 'qs@6.5.3', 'version'], { encoding: 'utf8', timeout: 30_000 });
    if (reachable.status !== 0 || reachable.stdout.trim() !== '6.5.3') skipOrFail(this, 'the npm registry is not reachable from here');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-fix-install-'));
    await importAdvisories(path.join(tmp, 'cache'), [path.join(REPO_ROOT, 'demo-db/osv')]);
    db = openDb(path.join(tmp, 'cache'));
    project = path.join(tmp, 'app');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { express: '4.16.0', marked: '0.3.9' } }, null, 2)}\n`);
    const locked = npm(project, ['install', '--package-lock-only']);
    assert.equal(locked.status, 0, locked.stderr);
  });
  after(() => {
    db?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function snapshot(relPath: string): DocumentSnapshot & { relPath: string } {
    const file = path.join(project, relPath);
    return { uri: pathToFileURL(file).href, relPath, version: 1, text: fs.readFileSync(file, 'utf8'), exists: true };
  }

  /** The code actions for diagnostics of the lockfile, as the editor asks for them. */
  async function actionsFor(pick: (d: Diagnostic) => boolean, change: (d: Diagnostic) => Diagnostic = d => d) {
    const scanned = (await scanFile(new DiskSource(project), 'package-lock.json', { db }))!;
    const view = resultView(scanned.results[0], DEFAULT_SEVERITY_MAP);
    const manifest = snapshot('package.json');
    const input: CodeActionInput = {
      document: snapshot('package-lock.json'), diagnostics: view.diagnostics.filter(pick).map(change), folderUri: pathToFileURL(project).href,
      promptsForIgnoreReason: false, resolve: rel => (rel === 'package.json' ? manifest : undefined),
      ignoreFile: { uri: pathToFileURL(path.join(project, '.trivyignore')).href, name: '.trivyignore', version: null, text: '', exists: false },
    };
    return { actions: codeActions(input), manifest, scanned };
  }

  function applyToManifest(action: { edit?: unknown }, manifest: DocumentSnapshot): void {
    const texts = new Map([[manifest.uri, manifest.text]]);
    applyWorkspaceEdit(action.edit as never, texts);
    fs.writeFileSync(path.join(project, 'package.json'), texts.get(manifest.uri)!);
  }

  function lockedVersion(name: string): string {
    return JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8')).packages[`node_modules/${name}`].version;
  }

  it('bumps a direct dependency in package.json, even where the lockfile entry looks indirect, and npm installs it', async () => {
    const isMarked = (d: Diagnostic) => (d.data as VulnerabilityData).pkgName === 'marked';
    // As a v1 lockfile without package.json would have said: the copy is not known to be direct.
    const { actions, manifest } = await actionsFor(isMarked, d => ({ ...d, data: { ...(d.data as VulnerabilityData), direct: false } }));
    assert.ok(!actions.some(a => a.title.startsWith('Override marked')), actions.map(a => a.title).join('\n'));
    const bump = actions.find(a => a.title.startsWith('Update marked to'));
    assert.ok(bump, actions.map(a => a.title).join('\n'));
    applyToManifest(bump, manifest);
    const installed = npm(project, ['install', '--package-lock-only']);
    assert.equal(installed.status, 0, installed.stderr);
    assert.notEqual(lockedVersion('marked'), '0.3.9');
  });

  it('overrides an indirect dependency, and npm installs the fixed version', async () => {
    const { actions, manifest } = await actionsFor(d => (d.data as VulnerabilityData).pkgName === 'qs');
    const override = actions.find(a => a.title.startsWith('Override qs@6.5.1'));
    assert.ok(override, actions.map(a => a.title).join('\n'));
    applyToManifest(override, manifest);
    const installed = npm(project, ['install', '--package-lock-only']);
    assert.equal(installed.status, 0, installed.stderr);
    assert.equal(lockedVersion('qs'), '6.5.3');
    const { scanned } = await actionsFor(() => true);
    assert.ok(!scanned.results[0].vulnerabilities.some(v => v.pkgName === 'qs'), 'the override fixed qs');
  });

  it('offers no override on the manifest line for a package package.json declares itself', async () => {
    const scanned = (await scanFile(new DiskSource(project), 'package-lock.json', { db }))!;
    const manifestText = fs.readFileSync(path.join(project, 'package.json'), 'utf8');
    const view = manifestView(manifestText, scanned.results[0], DEFAULT_SEVERITY_MAP);
    for (const diagnostic of view.diagnostics) {
      const input: CodeActionInput = {
        document: snapshot('package.json'), diagnostics: [diagnostic], folderUri: pathToFileURL(project).href, promptsForIgnoreReason: false,
        resolve: () => undefined,
        ignoreFile: { uri: pathToFileURL(path.join(project, '.trivyignore')).href, name: '.trivyignore', version: null, text: '', exists: false },
      };
      for (const action of codeActions(input)) assert.ok(!/^Override (marked|express)@/.test(action.title), action.title);
    }
  });
});
