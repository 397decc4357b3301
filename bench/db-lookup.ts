// Builds a DB from every OSV zip of the shared corpus, then, in a fresh process, measures:
// - cold open (openDb + metadata) against a baseline of fs.readFileSync of the pointer file,
// - 1,000 lookups of real package names picked at random from the corpus: p50 / p99,
// - RSS growth of the process from before the open to after the lookups.
// Run: npx tsx bench/db-lookup.ts
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unzipSync } from 'fflate';
import { importAdvisories, openDb } from '../server/src/engine/db';
import type { Ecosystem } from '../server/src/engine/types';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { percentile, seededRandom } from './stats';

const corpus = path.join(CORPUS_DIR, 'vuln/advisories');
const KNOWN = new Set(['npm', 'PyPI', 'Go', 'crates.io', 'Maven', 'RubyGems', 'NuGet', 'Packagist', 'Alpine']);

function corpusZips(): string[] {
  return ['osv', 'derived-osv'].flatMap((group) => {
    const dir = path.join(corpus, group);
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir).sort().map((eco) => path.join(dir, eco, 'all.zip')).filter((zip) => fs.existsSync(zip));
  });
}

/** Every (ecosystem, name) a corpus record affects, de-duplicated. */
function packageNames(zips: string[]): [string, string][] {
  const seen = new Set<string>();
  for (const zip of zips) {
    for (const data of Object.values(unzipSync(fs.readFileSync(zip)))) {
      for (const affected of JSON.parse(Buffer.from(data).toString('utf8')).affected ?? []) {
        const eco = affected.package?.ecosystem?.split(':')[0];
        if (KNOWN.has(eco)) seen.add(`${eco}\0${affected.package.name}`);
      }
    }
  }
  return [...seen].map((key) => key.split('\0') as [string, string]);
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function measure(cacheDir: string, namesFile: string): void {
  const names: [Ecosystem, string][] = JSON.parse(fs.readFileSync(namesFile, 'utf8'));
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  const pointer = path.join(cacheDir, 'db', 'current');
  let t = process.hrtime.bigint();
  fs.readFileSync(pointer, 'utf8');
  const baselineMs = Number(process.hrtime.bigint() - t) / 1e6;

  t = process.hrtime.bigint();
  const db = openDb(cacheDir);
  db.metadata();
  const openMs = Number(process.hrtime.bigint() - t) / 1e6;
  const rssAfterOpen = process.memoryUsage().rss;

  const times: number[] = [];
  const small: number[] = []; // lookups that return at most 10 advisories
  let found = 0;
  for (const [eco, name] of names) {
    const start = process.hrtime.bigint();
    const count = db.lookup(eco, name).length;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    found += count;
    times.push(ms);
    if (count <= 10) small.push(ms);
  }
  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  db.close();
  const meta = db.metadata();
  console.log(`DB: ${meta.totalRecords} records, ${Object.keys(meta.counts).length} ecosystems`);
  console.log(`baseline readFileSync(pointer): ${baselineMs.toFixed(3)} ms`);
  console.log(`cold open (openDb + metadata):  ${openMs.toFixed(3)} ms  (${(openMs / baselineMs).toFixed(1)}x baseline)`);
  console.log(`${names.length} lookups (${found} advisories): p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${Math.max(...times).toFixed(3)} ms`);
  console.log(`  the ${small.length} lookups returning <= 10 advisories: p50 ${percentile(small, 50).toFixed(3)} ms, p99 ${percentile(small, 99).toFixed(3)} ms`);
  console.log(`RSS: ${mib(rssBefore)} before open, +${mib(rssAfterOpen - rssBefore)} after open, +${mib(rssAfter - rssBefore)} after the lookups`);
}

async function main() {
  if (process.argv[2] === '--measure') return measure(process.argv[3], process.argv[4]);
  const zips = corpusZips();
  if (!zips.length) {
    console.log(`no corpus at ${corpus}; nothing to measure`);
    return;
  }
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-lookup-'));
  try {
    await importAdvisories(cacheDir, zips);
    const all = packageNames(zips);
    const next = seededRandom(42);
    const picked = Array.from({ length: 1000 }, () => all[Math.floor(next() * all.length)]);
    const namesFile = path.join(cacheDir, 'names.json');
    fs.writeFileSync(namesFile, JSON.stringify(picked));
    console.log(`${all.length} distinct package names in the corpus; 1000 picked at random`);
    const output = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', __filename, '--measure', cacheDir, namesFile], {
      encoding: 'utf8',
    });
    process.stdout.write(output);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
