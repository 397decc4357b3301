// Level 3: an independent LSP client. Debian's Neovim (0.7) runs headless on a copy of examples/
// with the documented snippet (docs/editors.md, "Neovim 0.7 to 0.10") as its init file, taken from
// the doc at test time with only the server path and the cache dir filled in: the DB is reachable
// through those settings alone, so findings prove that they reached the server. What it receives
// must agree with the CLI's own scan. Then it asks for a hover and applies two quick-fixes with its
// own apply_workspace_edit, as a user would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as semver from 'semver';
import {
  cliFindings, copyExamples, distFile, editorSnippet, ensureBuilt, importDemoDb, makeTempDir, unavailable, which,
  type ExpectedFinding,
} from './support';

interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  data?: { kind?: string };
}

/** What drive-server.lua does once the diagnostics settle (name is ours, the script ignores it). */
type Probe = { name: string; file: string; line: number; character: number } & (
  | { request: 'hover' }
  | { request: 'codeAction'; title_prefix: string });

interface HoverOutcome {
  error?: string | null;
  hover?: { contents: { kind: string; value: string } } | null;
}

interface CodeActionOutcome {
  error?: string;
  /** The codes of the line's diagnostics, as Neovim sent them in the request's context. */
  context_codes: (string | number)[];
  /** Every action the server offered. */
  titles: string[];
  /** The one applied with vim.lsp.util.apply_workspace_edit, then written to disk. */
  applied?: string;
  /** The line's diagnostics before the edit and in the first publish for the edited version. */
  before?: LspDiagnostic[];
  republished?: boolean;
  after?: LspDiagnostic[];
  /** What the server offers for the line once that publish arrived. */
  titles_after?: string[];
}

interface NeovimReport {
  settled: boolean;
  elapsed_ms: number;
  server_stopped: boolean;
  /** Opened files whose buffer the snippet did not attach to its client. */
  unattached: string[] | Record<string, never>;
  publishes: { uri: string; count: number; at_ms: number }[];
  /** As they stood when they settled, before the probes. */
  diagnostics: Record<string, LspDiagnostic[]> | [];
  messages: string[];
  /** window/showMessageRequest text: Neovim's own handler blocks on a prompt for these. */
  message_requests: string[] | Record<string, never>;
  /** One per probe, in order. */
  probes: unknown[];
}

const script = path.join(__dirname, 'neovim', 'drive-server.lua');
/** Manifests opened besides the files the CLI finds something in: they carry the summaries. */
const MANIFESTS = ['package.json', 'requirements.txt'];

const REQUIREMENTS = 'python-app/requirements.txt';
const PACKAGE_JSON = 'node-app/package.json';
const PACKAGE_LOCK = 'node-app/package-lock.json';
/** In the demo DB, GHSA-hrpp-h998-j3pp (CVE-2022-24999) fixes the lockfile's qs 6.5.1 in 6.5.3. */
const QS_ADVISORY = 'CVE-2022-24999';
const QS_FIXED = '6.5.3';

/** The 0-based line and column of the first line matching `pattern`, at the match. */
function positionOf(workspace: string, file: string, pattern: RegExp): { line: number; character: number } {
  const lines = fs.readFileSync(path.join(workspace, file), 'utf8').split('\n');
  const line = lines.findIndex(text => pattern.test(text));
  assert.ok(line >= 0, `${pattern} is not in ${file}`);
  return { line, character: lines[line].search(pattern) };
}

/** Lua's long-bracket string, which needs no escaping. */
function luaString(text: string): string {
  let level = '';
  while (text.includes(`]${level}]`)) level += '=';
  return `[${level}[${text}]${level}]`;
}

function runNeovim(initFile: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // --clean: no user config, plugins or shada, but filetype detection on (the snippet's FileType autocmd needs it).
    const child = spawn('nvim', ['--headless', '--clean', '-n', '-u', initFile, '-c', `luafile ${script}`], {
      cwd, env, stdio: ['ignore', 'pipe', 'pipe'],
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
  let cacheDir: string;
  let probes: Probe[];

  before(async function () {
    if (!which('nvim')) unavailable(this, 'nvim is not installed (apt-get install neovim)');
    ensureBuilt(this);
    cacheDir = importDemoDb(this);
    workspace = copyExamples(this);
    expected = cliFindings(workspace, cacheDir);

    const findingFiles = [...new Set(expected.map(f => f.file))];
    const manifests = fs.readdirSync(workspace, { recursive: true, encoding: 'utf8' })
      .map(p => p.split(path.sep).join('/'))
      .filter(p => MANIFESTS.includes(path.posix.basename(p)) && !p.includes('node_modules/'));
    const openFiles = [...new Set([...findingFiles, ...manifests])].sort();

    probes = [
      { name: 'qs hover', request: 'hover', file: PACKAGE_LOCK, ...positionOf(workspace, PACKAGE_LOCK, /(?<="node_modules\/)qs"/) },
      { name: 'pin Django', request: 'codeAction', file: REQUIREMENTS, ...positionOf(workspace, REQUIREMENTS, /^Django==2\.2\.0\b/), title_prefix: 'Pin Django==' },
      { name: 'bump lodash', request: 'codeAction', file: PACKAGE_JSON, ...positionOf(workspace, PACKAGE_JSON, /(?<=")lodash"/), title_prefix: 'Update lodash to ' },
    ];

    const nvimDir = makeTempDir('nvim');
    const outFile = path.join(nvimDir, 'report.json');
    const initFile = path.join(nvimDir, 'init.lua');
    fs.writeFileSync(initFile, editorSnippet('Neovim 0.7 to 0.10', 'lua', {
      '/path/to/vigil/dist/server.js': distFile('server.js'),
      "cacheDir = ''": `cacheDir = ${luaString(cacheDir)}`,
    }));
    // The default cache dir is empty: without the snippet's settings the server would find no DB.
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: path.join(nvimDir, 'empty-cache') };
    delete env.VIGIL_CACHE_DIR;
    const started = Date.now();
    const { code, stderr } = await runNeovim(initFile, workspace, {
      ...env,
      VIGIL_WORKSPACE: workspace,
      VIGIL_OPEN_FILES: openFiles.join('\n'),
      VIGIL_PROBES: JSON.stringify(probes),
      VIGIL_OUT: outFile,
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
    assert.equal(report.server_stopped, false, `the server stopped:\n${report.messages.join('\n')}`);
    assert.ok(report.settled, `diagnostics were still arriving at the timeout:\n${JSON.stringify(report.publishes.slice(-10))}`);
  });

  it('gets its settings from the snippet: one server, every buffer attached, the DB found, no prompt', function () {
    assert.deepEqual(Object.values(report.unattached), [], 'buffers the snippet did not attach');
    assert.deepEqual(report.messages.filter(m => /no vulnerability DB/i.test(m)), [], 'the server looked for the DB elsewhere than the cacheDir setting');
    assert.deepEqual(Object.values(report.message_requests), [], 'window/showMessageRequest blocks headless Neovim on a prompt');
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

  it('marks every diagnostic as Vigil\'s, with an ID, a link (secret rules have no page), a severity and a message', function () {
    const all = [...byFile.values()].flat();
    assert.ok(all.length > 0);
    for (const d of all) {
      assert.equal(d.source, 'vigil');
      assert.ok(typeof d.code === 'string' && d.code.length > 0, JSON.stringify(d));
      const isSecret = d.data?.kind === 'secret';
      if (!isSecret) assert.match(d.codeDescription?.href ?? '', /^https:\/\//, JSON.stringify(d));
      assert.ok(d.severity !== undefined && d.severity >= 1 && d.severity <= 4, JSON.stringify(d));
      assert.ok(d.message.length > 0);
    }
  });

  it('summarises the lockfile\'s findings on the manifest\'s lines', function () {
    const lockFindings = expected.filter(f => path.posix.basename(f.file) === 'package-lock.json');
    const manifest = path.posix.join(path.posix.dirname(lockFindings[0]?.file ?? '.'), 'package.json');
    // The demo workspace has both: a missing one is a broken fixture, not a reason to skip.
    assert.ok(lockFindings.length > 0, 'the demo workspace has no package-lock.json findings');
    assert.ok(fs.existsSync(path.join(workspace, manifest)), `the demo workspace has no ${manifest}`);
    const summaries = byFile.get(manifest) ?? [];
    assert.ok(summaries.length > 0, `no diagnostics on ${manifest}`);
    const lockIds = new Set(lockFindings.map(f => f.id));
    assert.ok(summaries.some(d => lockIds.has(String(d.code)) || lockFindings.some(f => d.message.includes(f.id))),
      `no summary on ${manifest} names a lockfile finding: ${summaries.map(d => d.message).join(' | ')}`);
  });

  /** The script's outcome for the probe of that name; a probe that threw has only `error`. */
  function outcome<T extends HoverOutcome | CodeActionOutcome>(name: string): T {
    const index = probes.findIndex(p => p.name === name);
    const result = report.probes[index] as T | undefined;
    assert.ok(result, `no outcome for the probe "${name}" (were the diagnostics settled?)`);
    assert.ok(!result.error, `the probe "${name}" failed in Neovim: ${result.error}`);
    return result;
  }

  /** Applied in Neovim, written, republished: the checks both quick-fix probes share. */
  function appliedFix(name: string): CodeActionOutcome & { before: LspDiagnostic[]; after: LspDiagnostic[] } {
    const result = outcome<CodeActionOutcome>(name);
    const probe = probes.find(p => p.name === name)!;
    assert.ok(result.context_codes.length > 0, `Neovim sent no diagnostics of ${probe.file}:${probe.line + 1} as the context`);
    assert.ok(result.applied, `no action starting with "${probe.request === 'codeAction' && probe.title_prefix}" among:\n${result.titles.join('\n')}`);
    assert.ok(result.republished, `no publishDiagnostics for the edited version of ${probe.file}`);
    return result as ReturnType<typeof appliedFix>;
  }

  const codes = (diagnostics: LspDiagnostic[]) => diagnostics.map(d => `${d.code}: ${d.message}`).join('\n');

  it('answers a hover on the lockfile\'s qs entry with its advisory and the fixed version', function () {
    const { hover } = outcome<HoverOutcome>('qs hover');
    assert.ok(hover, 'no hover on the qs entry of package-lock.json');
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, new RegExp(`\\b${QS_ADVISORY}\\b`));
    assert.match(hover.contents.value, new RegExp(`Fixed versions:.*\`${QS_FIXED.replace(/\./g, '\\.')}\``));
    assert.ok(expected.some(f => f.file === PACKAGE_LOCK && f.id === QS_ADVISORY && f.pkg === 'qs@6.5.1'),
      `the CLI does not report ${QS_ADVISORY} for qs@6.5.1 in ${PACKAGE_LOCK}`);
  });

  it('pins a fixed Django through a quick-fix Neovim applies, and the line\'s diagnostics go', function () {
    const result = appliedFix('pin Django');
    const pinned = /^Django==(\S+)\s*$/m.exec(fs.readFileSync(path.join(workspace, REQUIREMENTS), 'utf8'))?.[1];
    assert.ok(pinned && pinned !== '2.2.0', `requirements.txt does not pin a new Django: ${pinned}`);
    assert.ok(result.applied!.startsWith(`Pin Django==${pinned} `), `"${result.applied}" wrote Django==${pinned}`);
    assert.deepEqual(result.after, [], `still on the Django line after the fix:\n${codes(result.after)}`);
    assert.ok(!result.titles_after?.some(t => t.startsWith('Pin Django==')), `the pin is still offered: ${result.titles_after}`);
    // The CLI on the edited file agrees that no Django advisory is left.
    const left = cliFindings(workspace, cacheDir).filter(f => f.file === REQUIREMENTS && f.pkg.startsWith('Django@'));
    assert.deepEqual(left, [], `the CLI still finds Django advisories after the pin`);
  });

  it('bumps lodash in package.json keeping its ^ through a quick-fix Neovim applies', function () {
    const result = appliedFix('bump lodash');
    const spec = /"lodash":\s*"([^"]*)"/.exec(fs.readFileSync(path.join(workspace, PACKAGE_JSON), 'utf8'))?.[1] ?? '';
    assert.match(spec, /^\^\d+\.\d+\.\d+$/, `lodash's range lost its ^: "${spec}"`);
    assert.ok(semver.gt(spec.slice(1), '4.17.15'), `lodash was not bumped: "${spec}"`);
    assert.ok(result.applied!.startsWith(`Update lodash to ${spec} `), `"${result.applied}" wrote "${spec}"`);
  });

  it('says on the lodash line that the lockfile lags the bump, and offers no second bump', function () {
    const result = appliedFix('bump lodash');
    // No `npm install` runs here, so package-lock.json still has 4.17.15 while package.json asks for more.
    assert.ok(result.after.some(d => /run npm install/.test(d.message)), `lodash line after the bump:\n${JSON.stringify(result.after)}`);
    assert.ok(!result.titles_after?.some(t => t.startsWith('Update lodash')), `a bump is still offered: ${result.titles_after}`);
  });

  after(function () {
    if (workspace) fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  });
});

