// Imports every OSV zip of the shared corpus into a fresh DB and compares it with a baseline that
// only unzips the same files (fflate.unzipSync) and JSON.parses every record. Each side runs in its
// own process so that its peak RSS is its own; best time of 3 runs.
// Run: npx tsx bench/db-import.ts
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unzipSync } from 'fflate';
import { importAdvisories } from '../server/src/engine/db';
import { CORPUS_DIR } from '../test/helpers/corpus';

const corpus = path.join(CORPUS_DIR, 'vuln/advisories');
const RUNS = 3;

function corpusZips(): string[] {
  return ['osv', 'derived-osv'].flatMap((group) => {
    const dir = path.join(corpus, group);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).sort().map((eco) => path.join(dir, eco, 'all.zip')).filter((zip) => fs.existsSync(zip));
  });
}

/** Runs one side in this process and prints {ms, peakRss, ...} as JSON. */
async function runSide(side: string): Promise<void> {
  const zips = corpusZips();
  let peakRss = process.memoryUsage().rss;
  const startRss = peakRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 2);
  const start = performance.now();
  const result: Record<string, unknown> = {};
  if (side === 'baseline') {
    let records = 0;
    for (const zip of zips) {
      for (const data of Object.values(unzipSync(fs.readFileSync(zip)))) {
        JSON.parse(Buffer.from(data).toString('utf8'));
        records++;
      }
    }
    result.records = records;
  } else {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-import-'));
    try {
      const report = await importAdvisories(cacheDir, zips);
      result.records = report.read;
      result.stored = report.metadata.totalRecords;
      result.problems = report.problems.length;
      result.dbBytes = fs.statSync(path.join(cacheDir, 'db', report.generation)).size;
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  const ms = performance.now() - start;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(JSON.stringify({ ms, peakRss, startRss, ...result }));
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function best(side: string): Record<string, number> {
  const runs = Array.from({ length: RUNS }, () =>
    JSON.parse(execFileSync(process.execPath, [...process.execArgv, __filename, side], { encoding: 'utf8' })),
  );
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

async function main() {
  if (process.argv[2]) return runSide(process.argv[2]);
  const zips = corpusZips();
  if (!zips.length) {
    console.log(`no corpus at ${corpus}; nothing to measure`);
    return;
  }
  const zipBytes = zips.reduce((sum, zip) => sum + fs.statSync(zip).size, 0);
  const baseline = best('baseline');
  const imported = best('import');
  console.log(`${zips.length} zips, ${mib(zipBytes)}; ${imported.records} records read, ${imported.stored} distinct stored, ${imported.problems} problems`);
  console.log(`baseline (unzip + JSON.parse): ${baseline.ms.toFixed(0)} ms, peak RSS ${mib(baseline.peakRss)}`);
  console.log(
    `import:                        ${imported.ms.toFixed(0)} ms (${(imported.ms / baseline.ms).toFixed(2)}x baseline), ` +
      `peak RSS ${mib(imported.peakRss)} (${(imported.peakRss / baseline.peakRss).toFixed(2)}x baseline; process start ${mib(imported.startRss)})`,
  );
  console.log(`DB file: ${(imported.dbBytes / 2 ** 20).toFixed(1)} MiB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
