// Editor latency: time from textDocument/didChange to the publishDiagnostics of that version, for
// a 3,000-package package-lock.json, against the bare engine call (scanFile on the same text)
// measured in the same run. Also the server's RSS after its initial workspace scan.
//
// The lockfile is generated deterministically (seeded PRNG, no registry access): 300 direct
// dependencies, 2,700 transitive ones with 0-4 dependencies each, plus the real, old pins of the
// demo workspace (express 4.16.0, qs 6.5.1, lodash 4.17.15, ...) so that findings exist.
// DB: the corpus's npm OSV zip when ../shared/corpus is present, else the demo DB (demo-db/osv).
// Edits are incremental one-character changes, as VS Code sends them while typing.
// The server runs from the bundle (dist/server.js, built first) with the change debounce at 0 ms,
// so the figures are the pipeline's; the editor adds its 150 ms debounce on top while typing.
// The server runs the editor's default scanners (every available one: the secret scan of the
// lockfile included); BENCH_SCANNERS=vuln measures the vulnerability pipeline alone. The engine
// baseline is the vuln scan alone either way.
//
// Second case: a workspace of 20,000 files, generated deterministically (seeded PRNG) in a temp
// dir: 200 folders of source files (.ts, .py, .md, .json that no analyzer claims) with 50
// package-lock.json and 50 requirements.txt among them, copies of the demo workspace's with a few
// versions varied. The same didChange -> publishDiagnostics timing on one of its lockfiles, the
// initial workspace scan time and the server's RSS after it.
//
// Third case: a 2,000-line Terraform file (bench/terraform-file.ts) edited one character at a
// time, against the engine's misconfiguration scan of the same text.
//   npx tsx bench/lsp-latency.ts [rounds]
//   BENCH_CASES=terraform npx tsx bench/lsp-latency.ts [rounds]    (the Terraform case alone; also lockfile, workspace)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importAdvisories, openDb } from '../server/src/engine/db';
import { scanFile } from '../server/src/engine/scan';
import { MemorySource } from '../server/src/engine/source';
import { LspTestClient } from '../test/lsp/client';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { percentile, seededRandom } from './stats';
import { terraformFile } from './terraform-file';

const ROOT = path.resolve(__dirname, '..');
const CORPUS_NPM = path.join(CORPUS_DIR, 'vuln/advisories/osv/npm/all.zip');
const PACKAGES = 3000;
const DIRECT = 300;
const ROUNDS = Number(process.argv[2] ?? 60);

/** A package-lock.json v3 with PACKAGES entries, and its package.json. */
export function generateLockfile(): { lock: string; manifest: string } {
  const random = seededRandom(3000);
  const demo = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/node-app/package-lock.json'), 'utf8')).packages as Record<string, { version: string; dependencies?: Record<string, string> }>;
  const real = Object.entries(demo).filter(([key]) => key.startsWith('node_modules/') && !key.slice(13).includes('node_modules/'))
    .map(([key, entry]) => ({ name: key.slice('node_modules/'.length), version: entry.version, dependencies: entry.dependencies ?? {} }));
  const synthetic = Array.from({ length: PACKAGES - real.length }, (_, i) => ({
    name: `bench-pkg-${String(i).padStart(4, '0')}`,
    version: `${1 + Math.floor(random() * 5)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`,
    dependencies: {} as Record<string, string>,
  }));
  // Synthetic packages depend on later ones (a DAG) and now and then on a real one.
  synthetic.forEach((pkg, i) => {
    const count = Math.floor(random() * 5);
    for (let d = 0; d < count; d++) {
      const pickReal = random() < 0.05;
      const target = pickReal ? real[Math.floor(random() * real.length)] : synthetic[i + 1 + Math.floor(random() * (synthetic.length - i - 1))];
      if (target) pkg.dependencies[target.name] = `^${target.version}`;
    }
  });
  const all = [...real, ...synthetic].sort((a, b) => a.name.localeCompare(b.name));
  const direct = Object.fromEntries([
    ...Object.entries(JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/node-app/package.json'), 'utf8')).dependencies as Record<string, string>),
    ...synthetic.slice(0, DIRECT - 6).map(p => [p.name, `^${p.version}`]),
  ]);
  const packages: Record<string, unknown> = { '': { name: 'bench-app', version: '1.0.0', dependencies: direct } };
  for (const pkg of all) {
    packages[`node_modules/${pkg.name}`] = {
      version: pkg.version,
      resolved: `https://registry.npmjs.org/${pkg.name}/-/${pkg.name}-${pkg.version}.tgz`,
      license: 'MIT',
      ...(Object.keys(pkg.dependencies).length > 0 ? { dependencies: pkg.dependencies } : {}),
    };
  }
  const lock = JSON.stringify({ name: 'bench-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n';
  const manifest = JSON.stringify({ name: 'bench-app', version: '1.0.0', dependencies: direct }, null, 2) + '\n';
  return { lock, manifest };
}

const WORKSPACE_FILES = 20_000;
const WORKSPACE_DIRS = 200;
const WORKSPACE_LOCKFILES = 50;
const WORKSPACE_REQUIREMENTS = 50;

/** Writes the 20,000-file workspace into `root`; returns the path of the lockfile the edits go to. */
export function generateWorkspace(root: string): { editedLockfile: string; lockfiles: number; files: number } {
  const random = seededRandom(20000);
  const lock = fs.readFileSync(path.join(ROOT, 'examples/node-app/package-lock.json'), 'utf8');
  const manifest = fs.readFileSync(path.join(ROOT, 'examples/node-app/package.json'), 'utf8');
  const requirements = fs.readFileSync(path.join(ROOT, 'examples/python-app/requirements.txt'), 'utf8');
  const folder = (i: number) => path.join(root, `pkg-${String(i).padStart(3, '0')}`);
  const dirs = Array.from({ length: WORKSPACE_DIRS }, (_, i) => path.join(folder(i), i % 3 === 0 ? 'src/lib' : 'src'));
  for (const dir of dirs) fs.mkdirSync(dir, { recursive: true });
  let files = 0;
  let editedLockfile = '';
  // Lockfiles and requirements files in the first folders' roots, one of each per folder.
  for (let i = 0; i < WORKSPACE_LOCKFILES; i++) {
    const dir = folder(i);
    const lockPath = path.join(dir, 'package-lock.json');
    const varied = i === 0 ? lock : lock.replace(/("version": "\d+\.\d+\.)(\d+)"/g, (_, head, patch) => `${head}${Number(patch) + (random() < 0.2 ? 1 : 0)}"`);
    fs.writeFileSync(lockPath, varied);
    fs.writeFileSync(path.join(dir, 'package.json'), manifest);
    if (i === 0) editedLockfile = lockPath;
    files += 2;
  }
  for (let i = 0; i < WORKSPACE_REQUIREMENTS; i++) {
    fs.writeFileSync(path.join(folder(WORKSPACE_DIRS - 1 - i), 'requirements.txt'), requirements);
    files++;
  }
  const kinds = ['ts', 'ts', 'ts', 'py', 'md', 'json'];
  for (let n = 0; files < WORKSPACE_FILES; n++, files++) {
    const kind = kinds[Math.floor(random() * kinds.length)];
    const dir = dirs[n % WORKSPACE_DIRS];
    const body = kind === 'json' ? `{ "id": ${n}, "name": "config-${n}" }\n`
      : kind === 'md' ? `# Note ${n}\n\nSome text.\n`
      : kind === 'py' ? `def f_${n}(x):\n    return x * ${n}\n`
      : `export function f${n}(x: number): number {\n  return x * ${n};\n}\n`;
    fs.writeFileSync(path.join(dir, `file-${n}.${kind}`), body);
  }
  return { editedLockfile, lockfiles: WORKSPACE_LOCKFILES + WORKSPACE_REQUIREMENTS, files };
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Two versions of a lockfile text that differ in one character of qs's version, and the range of that character. */
function qsVariants(lock: string) {
  const qsVersion = /"node_modules\/qs": \{\n\s*"version": "6\.5\./.exec(lock);
  if (!qsVersion) throw new Error('no qs entry in the lockfile');
  return oneCharacterVariants(lock, qsVersion.index + qsVersion[0].length);
}

/** Two versions of a text that differ in the character at `offset`, and the range of that character. */
function oneCharacterVariants(text: string, offset: number) {
  const before = text.slice(0, offset).split('\n');
  const at = { line: before.length - 1, character: before[before.length - 1].length };
  const original = text[offset];
  const other = original === '3' ? '1' : '3';
  return {
    variants: [text, text.slice(0, offset) + other + text.slice(offset + 1)],
    characters: [original, other],
    patchRange: { start: at, end: { line: at.line, character: at.character + 1 } },
  };
}

/** The bare engine call the server makes per change, timed over the two variants. */
async function timeEngine(cacheDir: string, relPath: string, variants: string[], scanner: 'vuln' | 'misconfig' = 'vuln'): Promise<{ times: number[]; findings: number }> {
  const db = openDb(cacheDir);
  const options = { scanners: [scanner], db, severities: undefined, includeDevDeps: false };
  const sources = variants.map(text => new MemorySource({ [relPath]: text }));
  for (let i = 0; i < 5; i++) await scanFile(sources[i % 2], relPath, options);
  const times: number[] = [];
  let findings = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const scanned = await scanFile(sources[i % 2], relPath, options);
    times.push(performance.now() - start);
    findings = Math.max(findings, scanned?.results[0] ? scanned.results[0].vulnerabilities.length + scanned.results[0].misconfigurations.length : 0);
  }
  db.close();
  return { times, findings };
}

/** Opens the file in the server and times one-character edits until their diagnostics arrive. */
async function timeEdits(client: LspTestClient, lockPath: string, { variants, characters, patchRange }: ReturnType<typeof qsVariants>): Promise<number[]> {
  await client.open(lockPath, variants[0], 1);
  await client.nextDiagnostics(lockPath, p => p.version === 1);
  const lsp: number[] = [];
  for (let i = 0; i < ROUNDS + 5; i++) {
    const version = i + 2;
    const published = client.nextDiagnostics(lockPath, p => p.version === version);
    const start = performance.now();
    await client.changeRange(lockPath, patchRange, characters[(i + 1) % 2], version);
    await published;
    if (i >= 5) lsp.push(performance.now() - start);
  }
  return lsp;
}

function startServer(workspace: string, cacheDir: string): Promise<LspTestClient> {
  return LspTestClient.start({
    workspaceFolders: [workspace],
    settings: () => ({ cacheDir, scanners: process.env.BENCH_SCANNERS?.split(',') }),
    initializationOptions: { changeDebounceMs: 0 },
    command: { file: process.execPath, args: [path.join(ROOT, 'dist/server.js'), '--stdio'] },
  });
}

const row = (name: string, values: number[]) => `${name.padEnd(44)} p50 ${percentile(values, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(values, 95).toFixed(1).padStart(7)} ms`;
const ratios = (lsp: number[], engine: number[]) =>
  `ratio p50 ${(percentile(lsp, 50) / percentile(engine, 50)).toFixed(2)}x, p95 ${(percentile(lsp, 95) / percentile(engine, 95)).toFixed(2)}x; goal p95 < 50 ms (plus the 150 ms typing debounce)`;

/** The server's own figure for its initial scan, from its log. */
function loggedScanMs(client: LspTestClient): string {
  const line = client.logs.find(l => /scanned .*files with results.* ms/.test(l));
  return line ? /(\d+) ms/.exec(line)![1] : '?';
}

async function workspaceCase(cacheDir: string, source: string): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-ws20k-'));
  try {
    const generated = generateWorkspace(workspace);
    const lock = fs.readFileSync(generated.editedLockfile, 'utf8');
    const relPath = path.relative(workspace, generated.editedLockfile);
    const engine = await timeEngine(cacheDir, relPath, qsVariants(lock).variants);

    const client = await startServer(workspace, cacheDir);
    const scanStart = performance.now();
    await client.waitForScans(1);
    const initialScanMs = performance.now() - scanStart;
    const rssAfterScan = rssMiB(client.process.pid!);
    const published = [...client.diagnostics.values()].filter(p => p.diagnostics.length > 0).length;
    const lsp = await timeEdits(client, generated.editedLockfile, qsVariants(lock));
    const serverScanMs = loggedScanMs(client);
    await client.stop();

    console.log('');
    console.log(`workspace: ${generated.files} files (generated, seed 20000), ${generated.lockfiles} of them lockfiles/requirements; edited ${relPath} (${engine.findings} findings); DB: ${path.relative(ROOT, source)}; ${ROUNDS} rounds`);
    console.log(row('engine scanFile (baseline)', engine.times));
    console.log(row('LSP didChange -> publishDiagnostics', lsp));
    console.log(ratios(lsp, engine.times));
    console.log(`initial workspace scan ${initialScanMs.toFixed(0)} ms to the end of its progress (server log: ${serverScanMs} ms), ${published} files with diagnostics; server RSS after it ${rssAfterScan.toFixed(0)} MiB`);
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

/** The cases BENCH_CASES names (comma-separated), or all of them. */
const CASES = process.env.BENCH_CASES?.split(',') ?? ['lockfile', 'workspace', 'terraform'];

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-lsp-'));
  try {
    await runCases(tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function runCases(tmp: string): Promise<void> {
  const workspace = path.join(tmp, 'ws');
  const cacheDir = path.join(tmp, 'cache');
  fs.mkdirSync(workspace);
  const { lock, manifest } = generateLockfile();
  const lockPath = path.join(workspace, 'package-lock.json');
  fs.writeFileSync(lockPath, lock);
  fs.writeFileSync(path.join(workspace, 'package.json'), manifest);
  // The Terraform case alone needs no advisories beyond the demo DB's.
  const lockfiles = CASES.includes('lockfile') || CASES.includes('workspace');
  const source = lockfiles && fs.existsSync(CORPUS_NPM) ? CORPUS_NPM : path.join(ROOT, 'demo-db/osv');
  await importAdvisories(cacheDir, [source]);
  if (CASES.includes('lockfile')) await lockfileCase(workspace, cacheDir, lockPath, lock, source);
  if (CASES.includes('workspace')) await workspaceCase(cacheDir, source);
  if (CASES.includes('terraform')) await terraformCase(cacheDir);
}

async function lockfileCase(workspace: string, cacheDir: string, lockPath: string, lock: string, source: string): Promise<void> {
  const { variants } = qsVariants(lock);
  const engine = await timeEngine(cacheDir, 'package-lock.json', variants);

  const client = await startServer(workspace, cacheDir);
  const scanStart = performance.now();
  await client.waitForScans(1);
  const initialScanMs = performance.now() - scanStart;
  const rssAfterScan = rssMiB(client.process.pid!);
  const lsp = await timeEdits(client, lockPath, qsVariants(lock));
  const rssAfterEdits = rssMiB(client.process.pid!);
  await client.stop();

  console.log(`lockfile: ${PACKAGES} packages (generated, seed 3000), ${(lock.length / 1024).toFixed(0)} KiB, ${engine.findings} findings; DB: ${path.relative(ROOT, source)}; ${ROUNDS} rounds`);
  console.log(row('engine scanFile (baseline)', engine.times));
  console.log(row('LSP didChange -> publishDiagnostics', lsp));
  console.log(ratios(lsp, engine.times));
  console.log(`initial workspace scan ${initialScanMs.toFixed(0)} ms; server RSS after it ${rssAfterScan.toFixed(0)} MiB, after ${ROUNDS + 5} edits ${rssAfterEdits.toFixed(0)} MiB`);
}

/** The 2,000-line .tf file: a character of a bucket's name changes at each edit. */
async function terraformCase(cacheDir: string): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-tf-'));
  try {
    const text = terraformFile(2000);
    const tfPath = path.join(workspace, 'main.tf');
    fs.writeFileSync(tfPath, text);
    const variants = oneCharacterVariants(text, text.indexOf('acme-') + 'acme'.length - 1);
    const engine = await timeEngine(cacheDir, 'main.tf', variants.variants, 'misconfig');
    const client = await startServer(workspace, cacheDir);
    await client.waitForScans(1);
    const lsp = await timeEdits(client, tfPath, variants);
    await client.stop();
    console.log('');
    console.log(`Terraform: ${text.split('\n').length} lines (bench/terraform-file.ts), ${engine.findings} findings; ${ROUNDS} rounds`);
    console.log(row('engine scanFile, misconfig (baseline)', engine.times));
    console.log(row('LSP didChange -> publishDiagnostics', lsp));
    console.log(ratios(lsp, engine.times));
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

if (require.main === module) main().catch(error => {
  console.error(error);
  process.exit(1);
});
