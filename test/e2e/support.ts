// Shared plumbing for the end-to-end tests (levels 3 and 4): the build, the demo DB, a scratch copy
// of examples/, tool discovery, and the rule that a missing tool skips locally but fails in CI.
import { availableScanners } from '../../server/src/engine/analyzers';
import type { LicenseCategory } from '../../server/src/engine/licenses/categories';
import { ruleIdOf } from '../../server/src/engine/rules/licenses';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { skipOrFail } from '../helpers/skip';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const outDir = path.join(repoRoot, 'test', 'e2e', 'out');

/** A piece the e2e tests need is missing: skips, or fails under CI=true (see skipOrFail). */
export function unavailable(ctx: Mocha.Context, reason: string): never {
  skipOrFail(ctx, `e2e: ${reason}`);
}

/** Absolute path of an executable on PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch { /* not here */ }
  }
  return undefined;
}

let buildError: string | undefined;
let built = false;

/** Builds dist/ once per test process (esbuild takes a second), so the tests never run a stale bundle. */
export function ensureBuilt(ctx: Mocha.Context): void {
  if (!built && buildError === undefined) {
    const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8' });
    if (result.status === 0) built = true;
    else buildError = (result.stderr || result.stdout || `exit ${result.status}`).trim().split('\n').slice(0, 8).join('\n');
  }
  if (buildError !== undefined) unavailable(ctx, `\`npm run build\` failed, so dist/ cannot be tested:\n${buildError}`);
}

export function distFile(name: 'server.js' | 'cli.js' | 'client.js'): string {
  return path.join(repoRoot, 'dist', name);
}

export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `vigil-e2e-${label}-`));
}

let demoDbDir: string | undefined;

/** A fresh cache dir holding the demo DB (demo-db/osv imported with the CLI), shared by the process. */
export function importDemoDb(ctx: Mocha.Context): string {
  if (demoDbDir) return demoDbDir;
  const source = path.join(repoRoot, 'demo-db', 'osv');
  if (!fs.existsSync(source) || fs.readdirSync(source).length === 0) unavailable(ctx, `the demo DB records are missing: ${source}`);
  const cacheDir = makeTempDir('db');
  execFileSync(process.execPath, [distFile('cli.js'), 'db', 'import', '--quiet', '--cache-dir', cacheDir, source], { stdio: 'pipe' });
  demoDbDir = cacheDir;
  process.once('exit', () => fs.rmSync(cacheDir, { recursive: true, force: true }));
  return cacheDir;
}

/** A scratch copy of examples/, so quick-fixes and editors can write to it. */
export function copyExamples(ctx: Mocha.Context): string {
  const source = path.join(repoRoot, 'examples');
  if (!fs.existsSync(source) || fs.readdirSync(source).length === 0) unavailable(ctx, `the examples workspace is missing: ${source}`);
  const copy = path.join(makeTempDir('ws'), 'examples');
  fs.cpSync(source, copy, { recursive: true });
  return copy;
}

/** One vulnerability finding as the CLI reports it: the reference the editors are checked against. */
export interface ExpectedFinding {
  /** Relative to the workspace root, forward slashes. */
  file: string;
  id: string;
  /** 1-based, as in the Trivy JSON report. */
  line: number;
  pkg: string;
  /** Trivy's level: CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN. */
  severity: string;
}

/**
 * Runs `vigil fs --format json` on the workspace with the same DB, the scanners editors run by
 * default (every available one) and, as editors do by default, development dependencies, and lists
 * its located findings of every kind.
 */
export function cliFindings(workspace: string, cacheDir: string): ExpectedFinding[] {
  const json = execFileSync(process.execPath,
    [distFile('cli.js'), 'fs', '--format', 'json', '--quiet', '--offline', '--include-dev-deps', '--scanners', availableScanners().join(','), '--cache-dir', cacheDir, workspace],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  type Located = { Severity: string; VigilLocation?: { StartLine: number } };
  const report = JSON.parse(json) as {
    Results?: {
      Target: string;
      Vulnerabilities?: (Located & { VulnerabilityID: string; PkgName: string; InstalledVersion: string })[];
      Misconfigurations?: (Located & { ID: string })[];
      Secrets?: (Located & { RuleID: string })[];
      Licenses?: (Located & { Category: string })[];
    }[];
  };
  const findings: ExpectedFinding[] = [];
  for (const result of report.Results ?? []) {
    const file = result.Target.split(path.sep).join('/');
    const findingsOfRules = [
      ...(result.Misconfigurations ?? []).map(f => ({ ...f, id: f.ID })),
      ...(result.Secrets ?? []).map(f => ({ ...f, id: f.RuleID })),
      // A license finding's diagnostic code is its category's rule.
      ...(result.Licenses ?? []).map(f => ({ ...f, id: ruleIdOf(f.Category as LicenseCategory) })),
    ];
    for (const finding of findingsOfRules) {
      if (finding.VigilLocation) findings.push({ file, id: finding.id, line: finding.VigilLocation.StartLine, pkg: '', severity: finding.Severity });
    }
    for (const vuln of result.Vulnerabilities ?? []) {
      if (!vuln.VigilLocation) continue;
      findings.push({
        file: result.Target.split(path.sep).join('/'),
        id: vuln.VulnerabilityID,
        line: vuln.VigilLocation.StartLine,
        pkg: `${vuln.PkgName}@${vuln.InstalledVersion}`,
        severity: vuln.Severity,
      });
    }
  }
  return findings;
}

let vsixPath: string | undefined;
let vsixError: string | undefined;

/** `npm run package` once per process (it builds dist/ too); returns the .vsix path. */
export function ensurePackaged(ctx: Mocha.Context): string {
  if (!vsixPath && vsixError === undefined) {
    const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, encoding: 'utf8' });
    const file = path.join(repoRoot, 'vigil.vsix');
    if (result.status === 0 && fs.existsSync(file)) {
      vsixPath = file;
      built = true;
    } else {
      vsixError = `${result.stdout}\n${result.stderr}`.trim().split('\n').filter(l => !/npm warn/i.test(l)).slice(-12).join('\n');
    }
  }
  if (vsixError !== undefined) unavailable(ctx, `\`npm run package\` failed:\n${vsixError}`);
  return vsixPath!;
}

/**
 * Polls `probe` until it returns a truthy value, and returns that: a wait for a condition, never for
 * a time, so a loaded machine only makes it slower. Fails after `timeoutMs` with `what` and, when
 * given, `state()` (what was seen last).
 */
export async function waitUntil<T>(
  what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number, state?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state ? `; last seen: ${state()}` : ''}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

export const SEVERITY_NAMES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type SeverityCounts = Record<(typeof SEVERITY_NAMES)[number], number>;

/** How many of the findings have each severity. */
export function countBySeverity(findings: readonly ExpectedFinding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITY_NAMES.map(s => [s, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity as keyof SeverityCounts]++;
  return counts;
}

/**
 * The counts in the status bar's text, e.g. `2C 5H 1M 0L 7U · DB <1h` (the `U` part only when
 * some advisory has no severity); undefined when the text holds no such run. Each count is read at
 * its letter, so the `1` of `DB <1h` is never taken for one.
 */
export function parseStatusCounts(text: string): SeverityCounts | undefined {
  const match = /(?:^|\s)(\d+)C (\d+)H (\d+)M (\d+)L(?: (\d+)U)?(?= ·|\s|$)/.exec(text);
  if (!match) return undefined;
  const [critical, high, medium, low, unknown] = match.slice(1).map(n => Number(n ?? 0));
  return { CRITICAL: critical, HIGH: high, MEDIUM: medium, LOW: low, UNKNOWN: unknown };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function ensureOutDir(): string {
  fs.mkdirSync(outDir, { recursive: true });
  return outDir;
}

/**
 * The first fenced `language` block under the heading `### heading` of docs/editors.md, with each
 * placeholder replaced. Every placeholder must occur exactly once, so the doc and the test cannot drift.
 */
export function editorSnippet(heading: string, language: string, placeholders: Record<string, string>): string {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'editors.md'), 'utf8');
  const section = doc.split(/^(?=#{2,3} )/m).find(part => part.startsWith(`### ${heading}\n`));
  if (!section) throw new Error(`docs/editors.md has no "### ${heading}" section`);
  const fence = `\`\`\`${language}\n`;
  const start = section.indexOf(fence);
  const end = section.indexOf('\n```', start + fence.length);
  if (start < 0 || end < 0) throw new Error(`"### ${heading}" in docs/editors.md has no \`\`\`${language} block`);
  let snippet = section.slice(start + fence.length, end + 1);
  for (const [placeholder, value] of Object.entries(placeholders)) {
    const count = snippet.split(placeholder).length - 1;
    if (count !== 1) throw new Error(`the ${heading} snippet in docs/editors.md has ${count} copies of ${placeholder}, not one`);
    snippet = snippet.replace(placeholder, () => value);
  }
  return snippet;
}
