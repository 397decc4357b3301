// Secret scanner throughput on a large real source tree (default: this repository's
// node_modules), side by side in one run with a plain read of the same files, and with secretlint
// (recommended preset) where it is installed outside the project.
// Run: npx tsx bench/secrets.ts [TREE] [--secretlint DIR] [--secretlint-mb N] [--rounds N]
//
// Vigil's figure is what its secret analyzer does per file: read the bytes and scan them (a
// binary file is passed over; a file is decoded only where a rule matches on a keyword's line).
// For comparison, the same run times a read and decode of every file, and the scan of each
// decoded text (what the analyzer did before it read bytes). Paths are the tree-relative ones, so
// Trivy's path allow rules (test and example paths, vendor dirs) skip files as in a real scan; the
// run says how many. The sides alternate, after warm-up runs, and each figure is the median of
// the rounds' CPU time (user and system), so that all see the same load on a shared machine.
//
// secretlint is not a dependency of Vigil: install it elsewhere, e.g.
//   npm i --prefix /tmp/secretlint secretlint @secretlint/secretlint-rule-preset-recommend
// then pass --secretlint /tmp/secretlint. It is slow, so it runs once on an even sample of the
// text files (--secretlint-mb, default 4 MB), and Vigil is timed on the same sample.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SecretScanner } from '../server/src/engine/secrets/scanner';
import { BinaryContentError, decodeText } from '../server/src/engine/text';
import { medians } from './stats';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args.splice(at, 2)[1];
};
const secretlintDir = option('--secretlint');
const secretlintMb = Number(option('--secretlint-mb') ?? '4');
const rounds = Number(option('--rounds') ?? '7');
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

const files = listFiles(tree).sort();
const relativePaths = new Map(files.map(file => [file, path.relative(tree, file).split(path.sep).join('/')]));
const relative = (file: string) => relativePaths.get(file)!;
const bytesOf = (list: string[]) => list.reduce((sum, file) => sum + fs.statSync(file).size, 0);
const mb = bytesOf(files) / 1e6;
console.log(`tree: ${tree}: ${files.length} files, ${mb.toFixed(1)} MB`);

const scanner = new SecretScanner();
let sink = 0;
const plainRead = (list: string[]) => () => {
  for (const file of list) sink += fs.readFileSync(file).length;
};
const decode = (file: string): string | undefined => {
  try {
    return decodeText(fs.readFileSync(file));
  } catch (error) {
    if (error instanceof BinaryContentError) return undefined;
    throw error;
  }
};
const readAndDecode = (list: string[]) => () => {
  for (const file of list) sink += decode(file)?.length ?? 0;
};
let findings = 0;
const scanText = (list: string[]) => () => {
  findings = 0;
  for (const file of list) {
    const text = decode(file);
    if (text !== undefined) findings += scanner.scan(relative(file), text).length;
  }
};
const scanBytes = (list: string[]) => () => {
  findings = 0;
  for (const file of list) findings += scanner.scanBytes(relative(file), fs.readFileSync(file)).findings.length;
};

const [readMs, decodeMs, textMs, vigilMs] = medians(rounds, [plainRead(files), readAndDecode(files), scanText(files), scanBytes(files)], 'cpu');
const rate = (ms: number, size = mb) => `${(size / (ms / 1000)).toFixed(0)} MB/s`;
const times = (ms: number) => `${(ms / readMs).toFixed(2)}x the plain read`;
console.log(`plain read:         ${readMs.toFixed(0)} ms, ${rate(readMs)}`);
console.log(`read and decode:    ${decodeMs.toFixed(0)} ms, ${rate(decodeMs)}, ${times(decodeMs)}`);
console.log(`decode, scan text:  ${textMs.toFixed(0)} ms, ${rate(textMs)}, ${times(textMs)}`);
console.log(`vigil secret:       ${vigilMs.toFixed(0)} ms, ${rate(vigilMs)}, ${times(vigilMs)} (goal < 3x)`);
console.log(`  ${files.filter(file => scanner.allowsPath(relative(file))).length} files skipped by path allow rules, ${findings} findings`);

async function runSecretlint(dir: string): Promise<void> {
  const load = (name: string) => require(require.resolve(name, { paths: [dir] }));
  const { lintSource } = load('@secretlint/core');
  const { creator: preset } = load('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset }] };
  // An even sample of the text files, up to the size asked for.
  const text = files.filter(file => !fs.readFileSync(file).includes(0));
  const sample: string[] = [];
  let sampleBytes = 0;
  const step = Math.max(1, Math.floor(text.length / ((secretlintMb * 1e6) / (bytesOf(text) / text.length))));
  for (let i = 0; i < text.length && sampleBytes < secretlintMb * 1e6; i += step) {
    sample.push(text[i]);
    sampleBytes += fs.statSync(text[i]).size;
  }
  const sampleMb = sampleBytes / 1e6;
  const start = process.cpuUsage();
  for (const file of sample) {
    await lintSource({ source: { filePath: file, content: fs.readFileSync(file, 'utf8'), contentType: 'text' }, options: { config } });
  }
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  const [vigilSampleMs] = medians(rounds, [scanBytes(sample)], 'cpu');
  console.log(`secretlint (recommended preset), on ${sample.length} files, ${sampleMb.toFixed(1)} MB: ${ms.toFixed(0)} ms, ${rate(ms, sampleMb)}`);
  console.log(`vigil secret, same files: ${vigilSampleMs.toFixed(1)} ms, ${rate(vigilSampleMs, sampleMb)}: ${(ms / vigilSampleMs).toFixed(0)}x secretlint's throughput (goal >= 100x)`);
}

(async () => {
  if (secretlintDir) await runSecretlint(secretlintDir);
  else console.log('secretlint: not run (install it outside the project and pass --secretlint DIR)');
  if (sink < 0) console.log(sink);
})();
