// Secret scanner throughput on a large real source tree (default: this repository's
// node_modules), side by side in one run with a plain read of the same files, and with secretlint
// (recommended preset) where it is installed outside the project.
// Run: npx tsx bench/secrets.ts [TREE] [--secretlint DIR] [--secretlint-mb N]
//
// Vigil's figure is what its secret analyzer does per file: read the bytes, decode them (a binary
// file stops there, as the scan passes it over), scan. Paths are the tree-relative ones, so
// Trivy's path allow rules (test and example paths, vendor dirs) skip files as in a real scan; the
// run says how many. Each side runs three times after a warm-up read, best time kept.
//
// secretlint is not a dependency of Vigil: install it elsewhere, e.g.
//   npm i --prefix /tmp/secretlint secretlint @secretlint/secretlint-rule-preset-recommend
// then pass --secretlint /tmp/secretlint. It is run on a sample of the files (--secretlint-mb,
// default 2 MB) because it is slow, and its MB/s is compared.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BinaryContentError, decodeText } from '../server/src/engine/text';
import { SecretScanner } from '../server/src/engine/secrets/scanner';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args.splice(at, 2)[1];
};
const secretlintDir = option('--secretlint');
const secretlintMb = Number(option('--secretlint-mb') ?? '2');
const tree = path.resolve(args[0] ?? path.join(__dirname, '..', 'node_modules'));

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

function best(runs: number, fn: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return fastest;
}

const files = listFiles(tree).sort();
const relative = files.map(file => path.relative(tree, file).split(path.sep).join('/'));
let bytes = 0;
for (const file of files) bytes += fs.statSync(file).size;
const mb = bytes / 1e6;
console.log(`tree: ${tree}: ${files.length} files, ${mb.toFixed(1)} MB`);

const scanner = new SecretScanner();
let sink = 0;
const plainRead = () => {
  for (const file of files) sink += fs.readFileSync(file).length;
};
let binary = 0;
let skippedByPath = 0;
let findings = 0;
const vigil = () => {
  binary = skippedByPath = findings = 0;
  files.forEach((file, i) => {
    let text: string;
    try {
      text = decodeText(fs.readFileSync(file));
    } catch (error) {
      if (error instanceof BinaryContentError) return void binary++;
      throw error;
    }
    if (scanner.allowsPath(relative[i])) skippedByPath++;
    findings += scanner.scan(relative[i], text).length;
  });
};

plainRead(); // warm the page cache
const readMs = best(3, plainRead);
const vigilMs = best(3, vigil);
console.log(`plain read:   ${readMs.toFixed(0)} ms, ${(mb / (readMs / 1000)).toFixed(0)} MB/s`);
console.log(`vigil secret: ${vigilMs.toFixed(0)} ms, ${(mb / (vigilMs / 1000)).toFixed(0)} MB/s, ${(vigilMs / readMs).toFixed(2)}x the plain read (goal < 3x)`);
console.log(`  ${binary} binary files passed over, ${skippedByPath} skipped by path allow rules, ${findings} findings`);

async function runSecretlint(dir: string): Promise<void> {
  const load = (name: string) => require(require.resolve(name, { paths: [dir] }));
  const { lintSource } = load('@secretlint/core');
  const { creator: preset } = load('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset }] };
  // An even sample of the text files, up to the size asked for.
  const sample: string[] = [];
  let sampleBytes = 0;
  const step = Math.max(1, Math.floor(files.length / 2000));
  for (let i = 0; i < files.length && sampleBytes < secretlintMb * 1e6; i += step) {
    const buffer = fs.readFileSync(files[i]);
    if (buffer.subarray(0, 8192).includes(0)) continue;
    sample.push(files[i]);
    sampleBytes += buffer.length;
  }
  const lintAll = async () => {
    for (const file of sample) {
      await lintSource({ source: { filePath: file, content: fs.readFileSync(file, 'utf8'), contentType: 'text' }, options: { config } });
    }
  };
  const start = process.hrtime.bigint();
  await lintAll();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const sampleMb = sampleBytes / 1e6;
  const secretlintRate = sampleMb / (ms / 1000);
  const vigilRate = mb / (vigilMs / 1000);
  console.log(`secretlint (recommended preset): ${sample.length} files, ${sampleMb.toFixed(1)} MB in ${ms.toFixed(0)} ms, ${secretlintRate.toFixed(2)} MB/s; vigil is ${(vigilRate / secretlintRate).toFixed(0)}x faster (goal >= 100x)`);
}

(async () => {
  if (secretlintDir) await runSecretlint(secretlintDir);
  else console.log('secretlint: not run (install it outside the project and pass --secretlint DIR)');
  if (sink < 0) console.log(sink);
})();
