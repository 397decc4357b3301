// Imports a generated npm-like feed of 250,000 records (mostly MAL- records, as OSV's real npm/all.zip;
// a ZIP64 archive) into a fresh DB, against a baseline that only reads every entry of the same
// archive with `unzip -p` (Info-ZIP). Each side runs in its own process, so its peak RSS is its own.
// Goal (issue 8): peak RSS under 300 MB, under 30 s on 2 cores. CPU times are printed beside the
// wall-clock ones: on a shared machine they say more about the code than the wall clock does.
// Run: npx tsx bench/db-import-large.ts [RECORDS]
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importAdvisories } from '../server/src/engine/db';
import { canWriteFeedZip, writeFeedZip } from '../test/helpers/generated-feed';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** The import side, in this process: prints {ms, peakRss, ...} as JSON. */
async function runImport(zip: string): Promise<void> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-large-'));
  const start = performance.now();
  const startCpu = process.cpuUsage();
  try {
    const report = await importAdvisories(cacheDir, [zip]);
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(startCpu);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    const dbBytes = fs.statSync(path.join(cacheDir, 'db', report.generation)).size;
    console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRss, records: report.read, problems: report.problems.length, dbBytes }));
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** `unzip -p` of the whole archive to nowhere, timed, with its CPU time and peak RSS from GNU time when present. */
function runBaseline(zip: string): { ms: number; cpuMs?: number; peakRss?: number } {
  const start = performance.now();
  const timed = spawnSync('/usr/bin/time', ['-f', '%U %S %M', 'unzip', '-p', zip], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
  if (timed.error === undefined && timed.status === 0) {
    const [user, system, maxRssKib] = timed.stderr.toString().trim().split('\n').pop()!.split(' ').map(Number);
    return { ms: performance.now() - start, cpuMs: (user + system) * 1000, peakRss: maxRssKib * 1024 };
  }
  const plainStart = performance.now();
  const plain = spawnSync('unzip', ['-p', zip], { stdio: ['ignore', 'ignore', 'ignore'] });
  if (plain.status !== 0) throw new Error('unzip failed or is missing');
  return { ms: performance.now() - plainStart };
}

async function main() {
  if (process.argv[2] === '--import') return runImport(process.argv[3]);
  const count = Number(process.argv[2] ?? 250_000);
  if (!canWriteFeedZip()) {
    console.log('python3 is needed to write the generated archive; nothing to measure');
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-feed-'));
  try {
    const zip = path.join(work, 'npm', 'all.zip');
    fs.mkdirSync(path.dirname(zip));
    const genStart = performance.now();
    await writeFeedZip(zip, count);
    console.log(`generated ${count} records: ${mib(fs.statSync(zip).size)} in ${((performance.now() - genStart) / 1000).toFixed(1)} s`);
    const baseline = runBaseline(zip);
    const imported = JSON.parse(execFileSync(process.execPath, [...process.execArgv, __filename, '--import', zip], { encoding: 'utf8' }));
    const cpu = (ms?: number) => (ms === undefined ? '' : ` (CPU ${(ms / 1000).toFixed(1)} s)`);
    console.log(`baseline (unzip -p): ${(baseline.ms / 1000).toFixed(1)} s${cpu(baseline.cpuMs)}${baseline.peakRss ? `, peak RSS ${mib(baseline.peakRss)}` : ''}`);
    console.log(
      `import:              ${(imported.ms / 1000).toFixed(1)} s${cpu(imported.cpuMs)} (${(imported.ms / baseline.ms).toFixed(1)}x baseline), peak RSS ${mib(imported.peakRss)}; `
        + `${imported.records} records, ${imported.problems} problems, DB ${mib(imported.dbBytes)}`,
    );
    console.log('goal: peak RSS under 300 MiB, under 30 s');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
