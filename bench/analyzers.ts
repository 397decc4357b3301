// Benchmarks the npm lockfile analyzer against plain JSON.parse of the same text, and the walker
// against a bare recursive readdir of the same tree. Run: npx tsx bench/analyzers.ts
//
// Two lockfiles: the real one in bench/fixtures/large-npm (1,303 packages) and a generated one,
// built deterministically: package names are the real ones found in the corpus npm lockfiles,
// made unique with a numeric suffix where needed; a fixed-seed PRNG picks versions, nesting (one
// in five packages also appears under another package's node_modules) and dependency edges.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmLockAnalyzer } from '../server/src/engine/analyzers/npm-lock';
import { walk } from '../server/src/engine/walker';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { medians, seededRandom } from './stats';

const CORPUS = path.join(CORPUS_DIR, 'vuln');
const PACKAGE_COUNT = 1500;
const LARGE_NPM = path.resolve(__dirname, 'fixtures/large-npm/package-lock.json');

function corpusPackageNames(): string[] {
  const names = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.startsWith('package-lock') && entry.name.endsWith('.json')) {
        try {
          const lock = JSON.parse(fs.readFileSync(full, 'utf8'));
          for (const key of Object.keys(lock.packages ?? {})) {
            const at = key.lastIndexOf('node_modules/');
            if (at !== -1) names.add(key.slice(at + 'node_modules/'.length));
          }
          for (const key of Object.keys(lock.dependencies ?? {})) names.add(key);
        } catch {
          // malformed fixtures are part of the corpus; they have no names to give
        }
      }
    }
  };
  if (fs.existsSync(CORPUS)) visit(CORPUS);
  if (names.size === 0) names.add('pkg');
  return [...names].sort();
}

function buildLockfile(): string {
  const random = seededRandom(42);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const base = corpusPackageNames();
  const names = Array.from({ length: PACKAGE_COUNT }, (_, i) => (i < base.length ? base[i] : `${base[i % base.length]}-${i}`));

  const packages: Record<string, unknown> = {
    '': { name: 'bench', version: '1.0.0', dependencies: Object.fromEntries(names.slice(0, 40).map((n) => [n, '^1.0.0'])) },
  };
  const entry = (name: string) => {
    const version = `${1 + Math.floor(random() * 5)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`;
    const dependencies = Object.fromEntries(Array.from({ length: Math.floor(random() * 6) }, () => [pick(names), '^1.0.0']));
    return {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${version}.tgz`,
      integrity: `sha512-${Buffer.from(name + version).toString('base64').padEnd(86, 'A')}==`,
      ...(random() < 0.3 ? { dev: true } : {}),
      ...(Object.keys(dependencies).length ? { dependencies } : {}),
    };
  };
  for (const name of names) packages[`node_modules/${name}`] = entry(name);
  for (let i = 0; i < PACKAGE_COUNT / 5; i++) packages[`node_modules/${pick(names)}/node_modules/${pick(names)}`] = entry(pick(names));
  return JSON.stringify({ name: 'bench', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

function benchLockfile(label: string, content: string): void {
  const analyze = () => npmLockAnalyzer.analyze({ path: 'package-lock.json', content });
  const packages = analyze().packages.length;
  const [parse, analyzer] = medians(101, [() => JSON.parse(content), analyze]);
  console.log(`${label}: ${(content.length / 1024).toFixed(0)} KiB, ${packages} packages after dedupe`);
  console.log(`  JSON.parse (baseline)   ${parse.toFixed(2)} ms (median of 101)`);
  console.log(`  npm-lock analyzer       ${analyzer.toFixed(2)} ms   ratio ${(analyzer / parse).toFixed(1)}x`);
}

async function timeAsync(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  const perRun = Number(process.hrtime.bigint() - start) / 1e6 / runs;
  console.log(`${label.padEnd(44)} ${perRun.toFixed(2)} ms/run`);
  return perRun;
}

async function main() {
  benchLockfile('generated lockfile', buildLockfile());
  benchLockfile('real lockfile (bench/fixtures/large-npm)', fs.readFileSync(LARGE_NPM, 'utf8'));

  // Walker: 20,000 files in 400 directories, a .gitignore at the root.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-walk-bench-'));
  try {
    fs.writeFileSync(path.join(root, '.gitignore'), 'dist/\n*.log\n');
    for (let d = 0; d < 400; d++) {
      const dir = path.join(root, `pkg${d % 20}`, `mod${d}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 50; f++) fs.writeFileSync(path.join(dir, f === 0 ? 'package-lock.json' : `file${f}.ts`), '');
    }
    const readdirAll = async () => {
      let files = 0;
      const stack = [root];
      while (stack.length) {
        const dir = stack.pop()!;
        for (const e of await fs.promises.readdir(dir, { withFileTypes: true })) {
          if (e.isDirectory()) stack.push(path.join(dir, e.name));
          else files++;
        }
      }
      return files;
    };
    const walkClaimed = async () => {
      let files = 0;
      for await (const e of walk(root, { claims: (p) => p.endsWith('package-lock.json') })) if (e.kind === 'file') files++;
      return files;
    };
    console.log(`walk tree: 20,000 files, walker yields ${await walkClaimed()} claimed files`);
    const walkBaseline = await timeAsync('recursive readdir (baseline)', 5, readdirAll);
    const walker = await timeAsync('walk with claims + .gitignore', 5, walkClaimed);
    console.log(`ratio walker / readdir: ${(walker / walkBaseline).toFixed(1)}x`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
