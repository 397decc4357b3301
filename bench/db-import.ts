// Imports every OSV zip of the shared corpus into a fresh DB and compares the time with a baseline
// that only unzips the same files and JSON.parses every record.
// Run: npx tsx bench/db-import.ts
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unzipSync } from 'fflate';
import { importAdvisories } from '../server/src/engine/db';

const corpus = path.resolve(__dirname, '../../shared/corpus/vuln/advisories');

function corpusZips(): string[] {
  const zips: string[] = [];
  for (const group of ['osv', 'derived-osv']) {
    const dir = path.join(corpus, group);
    if (!fs.existsSync(dir)) continue;
    for (const eco of fs.readdirSync(dir).sort()) {
      const zip = path.join(dir, eco, 'all.zip');
      if (fs.existsSync(zip)) zips.push(zip);
    }
  }
  return zips;
}

function baseline(zips: string[]): number {
  let records = 0;
  for (const zip of zips) {
    for (const data of Object.values(unzipSync(fs.readFileSync(zip)))) {
      JSON.parse(Buffer.from(data).toString('utf8'));
      records++;
    }
  }
  return records;
}

async function main() {
  const zips = corpusZips();
  if (!zips.length) {
    console.log(`no corpus at ${corpus}; nothing to measure`);
    return;
  }
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);

  const t0 = performance.now();
  const records = baseline(zips);
  const baselineMs = performance.now() - t0;

  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-import-'));
  const rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;
  const t1 = performance.now();
  const report = await importAdvisories(cacheDir, zips);
  const importMs = performance.now() - t1;
  clearInterval(sampler);

  const dbFile = path.join(cacheDir, 'db', report.generation);
  const zipBytes = zips.reduce((sum, zip) => sum + fs.statSync(zip).size, 0);
  console.log(`zips: ${zips.length} (${(zipBytes / 2 ** 20).toFixed(1)} MiB), records read: ${records}, distinct stored: ${report.metadata.totalRecords}`);
  console.log(`baseline (unzip + JSON.parse): ${baselineMs.toFixed(0)} ms`);
  console.log(`import:                        ${importMs.toFixed(0)} ms  (${(importMs / baselineMs).toFixed(2)}x baseline)`);
  console.log(`peak RSS during import: ${(peakRss / 2 ** 20).toFixed(0)} MiB (+${((peakRss - rssBefore) / 2 ** 20).toFixed(0)} MiB over the start of the import)`);
  console.log(`DB file: ${(fs.statSync(dbFile).size / 2 ** 20).toFixed(1)} MiB, problems: ${report.problems.length}`);
  fs.rmSync(cacheDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
