// Benchmarks the Dockerfile checks on the real-world Dockerfiles of the shared corpus: the bare
// dockerfile-ast parse, Vigil's reading of it (stages, flags, arguments, RUN shell commands), and
// all 27 default checks over the read file, alternated so that all see the same machine load.
// Goal (issue 10): all checks over a file cost less than 3x its parse.
// Run: npx tsx bench/dockerfile.ts
import fs from 'node:fs';
import path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { DOCKERFILE_CHECKS } from '../server/src/engine/dockerfile/checks';
import { parseDockerfile } from '../server/src/engine/dockerfile/parse';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { medians } from './stats';

const DIR = path.join(CORPUS_DIR, 'misconfig/real-world/dockerfiles');
if (!fs.existsSync(DIR)) {
  console.error(`shared corpus not found at ${DIR}`);
  process.exit(1);
}
const texts = (fs.readdirSync(DIR, { recursive: true }) as string[])
  .map(name => path.join(DIR, name))
  .filter(file => fs.statSync(file).isFile())
  .map(file => fs.readFileSync(file, 'utf8'));
const checks = DOCKERFILE_CHECKS.filter(check => !check.rule.deprecated);
const parsed = texts.map(text => parseDockerfile(text, 'Dockerfile'));

const steps: Record<string, () => void> = {
  'dockerfile-ast parse': () => { for (const text of texts) DockerfileParser.parse(text).getInstructions(); },
  'parse + read (Vigil)': () => { for (const text of texts) parseDockerfile(text, 'Dockerfile'); },
  [`${checks.length} checks`]: () => { for (const file of parsed) for (const check of checks) check.run(file); },
};

const ROUNDS = 200;
// Each step's median, the steps taken in turns so that all see the same machine load.
const stepMedians = medians(ROUNDS, Object.values(steps));
const median = (name: string) => stepMedians[Object.keys(steps).indexOf(name)];
const bytes = texts.reduce((sum, text) => sum + text.length, 0);
console.log(`${texts.length} Dockerfiles, ${(bytes / 1024).toFixed(1)} KiB, median of ${ROUNDS} rounds:`);
for (const name of Object.keys(steps)) console.log(`  ${name.padEnd(22)} ${median(name).toFixed(2)} ms`);
const checkName = `${checks.length} checks`;
const checksPerSecond = (texts.length * checks.length) / (median(checkName) / 1000);
console.log(`  checks per second: ${Math.round(checksPerSecond).toLocaleString('en')}`);
console.log(`  all checks / bare parse: ${(median(checkName) / median('dockerfile-ast parse')).toFixed(2)}x (goal < 3x)`);
