// Desktop VS Code through @vscode/test-electron, running the same in-editor suite as code-server.
// VS Code cannot be downloaded here (only the npm and Debian registries are reachable), so this
// never tries by itself: give it a VS Code with VSCODE_EXECUTABLE, or allow the download with
// VIGIL_E2E_ELECTRON_DOWNLOAD=1 where the network has it. Otherwise it skips, in CI too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { cliFindings, copyExamples, ensureBuilt, importDemoDb, makeTempDir, repoRoot, which } from './support';
import { skipOrFail } from '../helpers/skip';

describe('e2e: desktop VS Code via @vscode/test-electron', function () {
  this.timeout(600_000);

  it('runs the in-editor suite in desktop VS Code', async function () {
    const executable = process.env.VSCODE_EXECUTABLE;
    const download = process.env.VIGIL_E2E_ELECTRON_DOWNLOAD === '1';
    if (!executable && !download) {
      skipOrFail(this, 'desktop VS Code cannot be downloaded here; set VSCODE_EXECUTABLE=/path/to/code, '
        + 'or VIGIL_E2E_ELECTRON_DOWNLOAD=1 where the VS Code update service is reachable',
      'the one documented exception: CI reaches only the npm and Debian registries');
    }
    if (!process.env.DISPLAY && !which('xvfb-run')) {
      skipOrFail(this, 'desktop VS Code needs a display: set DISPLAY or run under xvfb-run');
    }
    ensureBuilt(this);
    const cacheDir = importDemoDb(this);
    const workspace = copyExamples(this);
    const suiteDir = makeTempDir('electron-suite');
    await build({
      entryPoints: [path.join(__dirname, 'vscode-suite', 'index.ts')], outfile: path.join(suiteDir, 'index.js'),
      bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'warning',
    });
    fs.writeFileSync(path.join(suiteDir, 'expected.json'), JSON.stringify(cliFindings(workspace, cacheDir)));
    const userData = makeTempDir('electron-user');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'),
      JSON.stringify({ 'vigil.cacheDir': cacheDir, 'vigil.offline': true, 'security.workspace.trust.enabled': false }));

    const { runTests, downloadAndUnzipVSCode } = await import('@vscode/test-electron');
    const vscodeExecutablePath = executable ?? await downloadAndUnzipVSCode('stable');
    const code = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(suiteDir, 'index.js'),
      launchArgs: [workspace, '--user-data-dir', userData, '--disable-workspace-trust', '--disable-gpu'],
      extensionTestsEnv: { VIGIL_CACHE_DIR: cacheDir },
    });
    assert.equal(code, 0);
  });
});
