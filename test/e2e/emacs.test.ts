// Level 3 for Emacs: Debian's Emacs (28) with elpa-eglot runs in batch mode with the documented eglot
// snippet (docs/editors.md, "Emacs (eglot)"), taken from the doc at test time with only the server
// path and the cache dir filled in. The default cache dir is empty, so findings prove the snippet's
// initializationOptions reached the server. What arrives for the lockfile must agree with the CLI.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  cliFindings, copyExamples, distFile, editorSnippet, ensureBuilt, importDemoDb, makeTempDir, unavailable, which,
  type ExpectedFinding,
} from './support';

interface LspDiagnostic {
  range: { start: { line: number; character: number } };
  code?: string | number;
  source?: string;
  message: string;
}

interface EmacsReport {
  settled: boolean;
  server_running: boolean;
  major_mode: string;
  diagnostics: Record<string, LspDiagnostic[]>;
  messages: string[];
  message_requests: string[];
  hover: { contents: { kind: string; value: string } } | null;
}

const script = path.join(__dirname, 'emacs', 'drive-eglot.el');
const LOCKFILE = 'node-app/package-lock.json';
/** In the demo DB, CVE-2022-24999 fixes the lockfile's qs 6.5.1 in 6.5.3. */
const QS_ADVISORY = 'CVE-2022-24999';

function runEmacs(env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('emacs', ['--batch', '-l', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', () => { /* batch Emacs prints nothing we need on stdout */ });
    child.stderr.on('data', chunk => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', code => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

describe('e2e level 3: Emacs eglot drives the language server over stdio', function () {
  this.timeout(120_000);

  let workspace: string;
  let expected: ExpectedFinding[];
  let report: EmacsReport;
  let received: LspDiagnostic[];

  before(async function () {
    if (!which('emacs')) unavailable(this, 'emacs is not installed (apt-get install emacs-nox elpa-eglot)');
    // --batch skips the user's init file but not the site's, which makes Debian's elpa-eglot loadable.
    const eglot = spawnSync('emacs', ['--batch', '--eval', "(require 'eglot)"], { encoding: 'utf8' });
    if (eglot.status !== 0) unavailable(this, `eglot is not available to Emacs (apt-get install elpa-eglot): ${eglot.stderr.trim().split('\n').at(-1)}`);
    ensureBuilt(this);
    const cacheDir = importDemoDb(this);
    workspace = copyExamples(this);
    expected = cliFindings(workspace, cacheDir).filter(f => f.file === LOCKFILE);

    const emacsDir = makeTempDir('emacs');
    const snippetFile = path.join(emacsDir, 'vigil-eglot.el');
    // An Emacs string literal: JSON's escapes for \ and " are Emacs's too.
    fs.writeFileSync(snippetFile, editorSnippet('Emacs (eglot)', 'elisp', {
      '/path/to/vigil/dist/server.js': distFile('server.js'),
      '(:cacheDir "")': `(:cacheDir ${JSON.stringify(cacheDir)})`,
    }));
    const lockLines = fs.readFileSync(path.join(workspace, LOCKFILE), 'utf8').split('\n');
    const qsLine = lockLines.findIndex(line => line.includes('"node_modules/qs"'));
    assert.ok(qsLine >= 0, `no qs entry in ${LOCKFILE}`);

    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: path.join(emacsDir, 'empty-cache'), HOME: emacsDir };
    delete env.VIGIL_CACHE_DIR;
    const outFile = path.join(emacsDir, 'report.json');
    const { code, stderr } = await runEmacs({
      ...env,
      VIGIL_SNIPPET: snippetFile,
      VIGIL_FILE: path.join(workspace, LOCKFILE),
      VIGIL_HOVER: `${qsLine} ${lockLines[qsLine].indexOf('qs')}`,
      VIGIL_OUT: outFile,
    }, workspace, 100_000);
    assert.equal(code, 0, `emacs exited with ${code}:\n${stderr}`);
    report = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    fs.rmSync(emacsDir, { recursive: true, force: true });
    const lockUri = Object.keys(report.diagnostics).find(uri => uri.endsWith(`/${LOCKFILE}`));
    received = lockUri ? report.diagnostics[lockUri] : [];
    console.log(`      emacs: ${received.length} diagnostics on ${LOCKFILE} (${report.major_mode}), settled: ${report.settled}`);
  });

  it('starts the server from the snippet and lets the diagnostics settle', () => {
    assert.equal(report.major_mode, 'js-json-mode');
    assert.ok(report.server_running, `the server stopped:\n${report.messages.join('\n')}`);
    assert.ok(report.settled, 'no diagnostics settled for the lockfile before the timeout');
  });

  it('gets its settings from the snippet: the DB found, no prompt', () => {
    assert.deepEqual(report.messages.filter(m => /no vulnerability DB/i.test(m)), [], 'the server looked for the DB elsewhere than the cacheDir setting');
    assert.deepEqual(report.message_requests, [], 'window/showMessageRequest makes eglot prompt');
  });

  it('publishes every finding the CLI reports for the lockfile, with the same ID on the same line', () => {
    assert.ok(expected.length > 0, `the CLI found nothing in ${LOCKFILE}`);
    const missing = expected.filter(f => !received.some(d => d.code === f.id && d.range.start.line + 1 === f.line));
    assert.deepEqual(missing, [], `missing in Emacs; it received: ${received.map(d => `${d.code}@${d.range.start.line + 1}`).join(' ')}`);
  });

  it('answers a hover on the qs entry with its advisory', () => {
    assert.ok(report.hover, 'no hover on the qs entry');
    assert.match(report.hover.contents.value, new RegExp(`\\b${QS_ADVISORY}\\b`));
  });

  after(function () {
    if (workspace) fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  });
});
