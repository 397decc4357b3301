// Scan benchmark: a real 1,303-package lockfile against the DB.
// Baseline, measured in the same run: JSON.parse of the same lockfile.
// Goal: scan time under 3x the baseline plus 20 ms; RSS growth of the open DB under 64 MiB.
// DB: every OSV zip of ../shared/corpus when present, else the demo DB in demo-db/.
//   npx tsx bench/scan.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importAdvisories, openDb } from '../server/src/engine/db';
import { scanFile } from '../server/src/engine/scan';
import { MemorySource } from '../server/src/engine/source';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { percentile } from './stats';

const LOCKFILE = path.join(__dirname, 'fixtures/large-npm/package-lock.json');
const CORPUS_OSV = path.join(CORPUS_DIR, 'vuln/advisories/osv');
const ROUNDS = 30;

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main() {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-scan-'));
  const sources = fs.existsSync(CORPUS_OSV)
    ? fs.readdirSync(CORPUS_OSV).map(e => path.join(CORPUS_OSV, e, 'all.zip')).filter(f => fs.existsSync(f))
    : [path.join(__dirname, '../demo-db/osv')];
  console.log(`DB: ${fs.existsSync(CORPUS_OSV) ? `${sources.length} corpus zips` : 'demo DB (shared corpus absent)'}`);
  await importAdvisories(cacheDir, sources);

  const content = fs.readFileSync(LOCKFILE, 'utf8');
  const source = new MemorySource({ 'package-lock.json': content });
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const db = openDb(cacheDir);
  const parse: number[] = [];
  const scan: number[] = [];
  let findings = 0;
  let packages = 0;
  for (let i = 0; i < ROUNDS; i++) {
    parse.push(time(() => JSON.parse(content)));
    const start = performance.now();
    const out = await scanFile(source, 'package-lock.json', { db, includeDevDeps: true });
    scan.push(performance.now() - start);
    findings = out?.results[0]?.vulnerabilities.length ?? 0;
    packages = out?.results[0]?.packages.length ?? 0;
  }
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  db.close();
  fs.rmSync(cacheDir, { recursive: true, force: true });

  const baseline = percentile(parse, 50);
  const scanMs = percentile(scan, 50);
  const budget = 3 * baseline + 20;
  console.log(`lockfile: ${packages} packages, ${findings} findings`);
  console.log(`JSON.parse (baseline): ${baseline.toFixed(2)} ms median of ${ROUNDS}`);
  console.log(`scan (parse + locate + match): ${scanMs.toFixed(2)} ms median; first run ${scan[0].toFixed(2)} ms`);
  console.log(`ratio scan/JSON.parse: ${(scanMs / baseline).toFixed(2)}x; goal < 3x + 20 ms = ${budget.toFixed(1)} ms: ${scanMs < budget ? 'met' : 'MISSED'}`);
  console.log(`RSS growth with the DB open and ${ROUNDS} scans: ${rssGrowth.toFixed(1)} MiB; goal < 64 MiB: ${rssGrowth < 64 ? 'met' : 'MISSED'}`);
}

void main();
