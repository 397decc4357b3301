// Level 3: an independent LSP client. Debian's Neovim (0.7) starts `node dist/server.js --stdio`
// headless on a copy of examples/, and what it receives must agree with the CLI's own scan.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  cliFindings, copyExamples, distFile, ensureBuilt, importDemoDb, makeTempDir, unavailable, which,
  type ExpectedFinding,
} from './support';

interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
}

interface NeovimReport {
  settled: boolean;
  elapsed_ms: number;
  server_exit: { code: number; signal: number } | null;
  publishes: { uri: string; count: number; at_ms: number }[];
  diagnostics: Record<string, LspDiagnostic[]> | [];
  messages: string[];
}

const script = path.join(__dirname, 'neovim', 'collect-diagnostics.lua');
/** Manifests opened besides the files the CLI finds something in: they carry the summaries. */
const MANIFESTS = ['package.json', 'requirements.txt'];

function runNeovim(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${script}`], {
      env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.on('data', () => { /* nvim --headless paints nothing useful */ });
    child.stderr.on('data', chunk => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', code => { clearTimeout(timer); resolve({ code, stderr }); });
  });
}

describe('e2e level 3: Neovim 0.7 drives the language server over stdio', function () {
  this.timeout(180_000);

  let workspace: string;
  let expected: ExpectedFinding[];
  let report: NeovimReport;
  let byFile: Map<string, LspDiagnostic[]>;

  before(async function () {
    if (!which('nvim')) unavailable(this, 'nvim is not installed (apt-get install neovim)');
    ensureBuilt(this);
    const cacheDir = importDemoDb(this);
    workspace = copyExamples(this);
    expected = cliFindings(workspace, cacheDir);

    const findingFiles = [...new Set(expected.map(f => f.file))];
    const manifests = fs.readdirSync(workspace, { recursive: true, encoding: 'utf8' })
      .map(p => p.split(path.sep).join('/'))
      .filter(p => MANIFESTS.includes(path.posix.basename(p)) && !p.includes('node_modules/'));
    const openFiles = [...new Set([...findingFiles, ...manifests])].sort();

    const outFile = path.join(makeTempDir('nvim'), 'diagnostics.json');
    const started = Date.now();
    const { code, stderr } = await runNeovim({
      ...process.env,
      VIGIL_SERVER_JS: distFile('server.js'),
      VIGIL_WORKSPACE: workspace,
      VIGIL_OPEN_FILES: openFiles.join('\n'),
      VIGIL_OUT: outFile,
      VIGIL_CACHE_DIR: cacheDir,
      VIGIL_TIMEOUT_MS: '90000',
    }, 150_000);
    assert.equal(code, 0, `nvim exited with ${code}:\n${stderr}`);
    report = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    fs.rmSync(path.dirname(outFile), { recursive: true, force: true });
    console.log(`      neovim: ${openFiles.length} files opened, ${report.publishes.length} publishes, ` +
      `settled after ${report.elapsed_ms} ms (whole run ${Date.now() - started} ms)`);

    byFile = new Map();
    for (const [uri, diagnostics] of Object.entries(report.diagnostics)) {
      byFile.set(path.relative(workspace, new URL(uri).pathname).split(path.sep).join('/'), diagnostics);
    }
  });

  it('keeps the server alive and lets the diagnostics settle', function () {
    assert.equal(report.server_exit, null, `the server exited: ${JSON.stringify(report.server_exit)}\n${report.messages.join('\n')}`);
    assert.ok(report.settled, `diagnostics were still arriving at the timeout:\n${JSON.stringify(report.publishes.slice(-10))}`);
  });

  it('finds vulnerabilities in the examples at all (the CLI reference is not empty)', function () {
    assert.ok(expected.length > 0, 'the CLI found nothing in examples/ with the demo DB');
    const files = new Set(expected.map(f => path.posix.basename(f.file)));
    assert.ok(files.has('package-lock.json'), `no npm findings: ${[...files].join(', ')}`);
    assert.ok(files.has('requirements.txt'), `no Python findings: ${[...files].join(', ')}`);
  });

  it('publishes every finding the CLI reports, with the same ID on the same line', function () {
    const missing = expected.filter(finding => !(byFile.get(finding.file) ?? []).some(d =>
      d.code === finding.id && d.range.start.line + 1 === finding.line));
    const received = [...byFile].map(([file, ds]) => `${file}: ${ds.map(d => `${d.code}@${d.range.start.line + 1}`).join(' ')}`);
    assert.deepEqual(missing, [], `missing in Neovim; it received:\n${received.join('\n')}`);
  });

  it('marks every diagnostic as Vigil\'s, with an ID, a link, a severity and a message', function () {
    const all = [...byFile.values()].flat();
    assert.ok(all.length > 0);
    for (const d of all) {
      assert.equal(d.source, 'vigil');
      assert.ok(typeof d.code === 'string' && d.code.length > 0, JSON.stringify(d));
      assert.match(d.codeDescription?.href ?? '', /^https:\/\//, JSON.stringify(d));
      assert.ok(d.severity !== undefined && d.severity >= 1 && d.severity <= 4, JSON.stringify(d));
      assert.ok(d.message.length > 0);
    }
  });

  it('summarises the lockfile\'s findings on the manifest\'s lines', function () {
    const lockFindings = expected.filter(f => path.posix.basename(f.file) === 'package-lock.json');
    const manifest = path.posix.join(path.posix.dirname(lockFindings[0]?.file ?? '.'), 'package.json');
    if (!lockFindings.length || !fs.existsSync(path.join(workspace, manifest))) this.skip();
    const summaries = byFile.get(manifest) ?? [];
    assert.ok(summaries.length > 0, `no diagnostics on ${manifest}`);
    const lockIds = new Set(lockFindings.map(f => f.id));
    assert.ok(summaries.some(d => lockIds.has(String(d.code)) || lockFindings.some(f => d.message.includes(f.id))),
      `no summary on ${manifest} names a lockfile finding: ${summaries.map(d => d.message).join(' | ')}`);
  });

  after(function () {
    if (workspace) fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  });
});

