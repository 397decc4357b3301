// Benchmarks the Kubernetes checks on the real-world manifests of the shared corpus: the bare
// `yaml` parse (parseAllDocuments), Vigil's reading of it (objects, pod templates, containers,
// alias targets), all default KSV checks over the read files, and the whole analyzer (parse, read,
// checks, and the findings with their ranges and inline ignores), alternated so that all see the
// same machine load.
// Goal (issue 10): all checks over a file cost less than 3x its parse.
// Run: npx tsx bench/misconfig-k8s.ts
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { analyzeKubernetes } from '../server/src/engine/analyzers/kubernetes';
import { KUBERNETES_CHECKS, appliesTo } from '../server/src/engine/kubernetes/checks';
import { parseKubernetesManifests } from '../server/src/engine/kubernetes/manifest';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { medians } from './stats';

const DIR = path.join(CORPUS_DIR, 'misconfig/real-world/kubernetes');
if (!fs.existsSync(DIR)) {
  console.error(`shared corpus not found at ${DIR}`);
  process.exit(1);
}
const texts = (fs.readdirSync(DIR, { recursive: true }) as string[])
  .map(name => path.join(DIR, name))
  .filter(file => fs.statSync(file).isFile() && /\.(ya?ml|json)$/.test(file))
  .map(file => fs.readFileSync(file, 'utf8'));
const checks = KUBERNETES_CHECKS.filter(check => !check.rule.deprecated);
const parsed = texts.map(text => parseKubernetesManifests(text, 'manifest.yaml'));
const objects = parsed.reduce((sum, file) => sum + file.objects.length, 0);
let evaluations = 0;
for (const file of parsed) for (const object of file.objects) evaluations += checks.filter(check => appliesTo(check, object)).length;

const CHECKS = `${checks.length} checks`;
const steps: Record<string, () => void> = {
  'yaml parse': () => { for (const text of texts) parseAllDocuments(text, { merge: true }); },
  'parse + read (Vigil)': () => { for (const text of texts) parseKubernetesManifests(text, 'manifest.yaml'); },
  [CHECKS]: () => {
    for (const file of parsed) for (const object of file.objects) for (const check of checks) if (appliesTo(check, object)) check.run(object, file);
  },
  'whole analyzer': () => { for (const text of texts) analyzeKubernetes({ path: 'manifest.yaml', content: text }); },
};

const ROUNDS = 200;
// Each step's median, the steps taken in turns so that all see the same machine load.
const stepMedians = medians(ROUNDS, Object.values(steps));
const median = (name: string) => stepMedians[Object.keys(steps).indexOf(name)];
const bytes = texts.reduce((sum, text) => sum + text.length, 0);
console.log(`${texts.length} manifests (${objects} objects), ${(bytes / 1024).toFixed(1)} KiB, median of ${ROUNDS} rounds:`);
for (const name of Object.keys(steps)) console.log(`  ${name.padEnd(22)} ${median(name).toFixed(2)} ms`);
console.log(`  check evaluations per second: ${Math.round(evaluations / (median(CHECKS) / 1000)).toLocaleString('en')} (${evaluations} per round)`);
console.log(`  all checks / bare parse: ${(median(CHECKS) / median('yaml parse')).toFixed(2)}x (goal < 3x)`);
const afterParse = median('whole analyzer') - median('parse + read (Vigil)');
console.log(`  checks + findings (whole analyzer - parse and read) / bare parse: ${(afterParse / median('yaml parse')).toFixed(2)}x`);
