// License classifier throughput: the labeled license corpus (or, without it, every SPDX text of
// spdx-license-list) classified from disk, side by side with a plain read of the same files, in
// one run. Also the one-time cost of building the SPDX index.
//   npx tsx bench/licenses.ts [folder]
import fs from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { LicenseIndex } from '../server/src/engine/licenses/classifier';
import { loadSpdxTexts, spdxIndex } from '../server/src/engine/licenses/spdx-texts';
import { medians } from './stats';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() && !entry.name.endsWith('.json') ? [full] : [];
  });
}

function main() {
  const folder = process.argv[2] ?? path.join(CORPUS_DIR, 'licenses');
  let files: string[];
  if (fs.existsSync(folder)) {
    files = filesUnder(folder);
  } else {
    // No corpus: write the SPDX texts out, so both sides read files.
    const out = path.join(__dirname, 'out', 'spdx-texts');
    fs.mkdirSync(out, { recursive: true });
    files = loadSpdxTexts().map(text => {
      const file = path.join(out, `${text.id}.txt`);
      fs.writeFileSync(file, text.text);
      return file;
    });
  }
  const bytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);

  const texts = loadSpdxTexts();
  const [buildMs] = medians(3, [() => new LicenseIndex(texts)]);
  const index = spdxIndex();

  const [readMs, classifyMs] = medians(7, [
    () => { for (const file of files) fs.readFileSync(file, 'utf8'); },
    () => { for (const file of files) index.classify(fs.readFileSync(file, 'utf8')); },
  ]);
  const mbPerS = (ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(1);
  console.log(`license classifier over ${files.length} files, ${(bytes / 1e6).toFixed(2)} MB (${folder})`);
  console.log(`  SPDX index (${index.size} texts) built once in ${buildMs.toFixed(0)} ms`);
  console.log(`  plain read: ${readMs.toFixed(1)} ms, ${mbPerS(readMs)} MB/s`);
  console.log(`  classify:   ${classifyMs.toFixed(1)} ms, ${mbPerS(classifyMs)} MB/s (${(classifyMs / readMs).toFixed(1)}x the read)`);
}

main();
