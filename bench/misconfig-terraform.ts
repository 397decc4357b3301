// Benchmarks the Terraform checks on the .tf files of the shared corpus (trivy-checks' examples
// and the real-world files): the bare HCL parse, and the module evaluation plus every default
// check over the parsed file, alternated so that both see the same machine load. Then the parse
// and the whole analysis of one generated 2,000-line .tf file, as the editor does on each edit.
// Goal (issue 10): all checks over a file cost less than 3x its parse.
// Run: npx tsx bench/misconfig-terraform.ts
import fs from 'node:fs';
import path from 'node:path';
import { analyzeTerraform } from '../server/src/engine/analyzers/terraform';
import { TerraformModule } from '../server/src/engine/terraform/evaluate';
import { parseHcl } from '../server/src/engine/terraform/parse';
import { TERRAFORM_CHECKS } from '../server/src/engine/terraform/checks';
import { terraformRuleById } from '../server/src/engine/rules/terraform';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { percentile } from './stats';
import { terraformFile } from './terraform-file';

const DIR = path.join(CORPUS_DIR, 'misconfig');
if (!fs.existsSync(DIR)) {
  console.error(`shared corpus not found at ${DIR}`);
  process.exit(1);
}
const texts = (fs.readdirSync(DIR, { recursive: true }) as string[])
  .filter(name => name.endsWith('.tf'))
  .map(name => fs.readFileSync(path.join(DIR, name), 'utf8'));
const checks = TERRAFORM_CHECKS.filter(check => !terraformRuleById(check.id)!.deprecated);
const parsed = texts.map(text => parseHcl(text));

function runChecks(): void {
  for (const [i, hcl] of parsed.entries()) {
    const module = new TerraformModule([{ path: 'main.tf', hcl }]);
    const context = { module, texts: new Map([['main.tf', texts[i]]]), looked: new Set<string>() };
    for (const check of checks) check.run(context);
  }
}

const steps: Record<string, () => void> = {
  'HCL parse': () => { for (const text of texts) parseHcl(text); },
  [`evaluation + ${checks.length} checks`]: runChecks,
};

/** CPU time of each step in ms (user + system: other processes on a busy machine do not lengthen it). */
function measure(named: Record<string, () => void>, rounds: number, warmUp: number): Record<string, number[]> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(named).map(name => [name, []]));
  for (const step of Object.values(named)) for (let i = 0; i < warmUp; i++) step();
  for (let round = 0; round < rounds; round++) {
    for (const [name, step] of Object.entries(named)) {
      const start = process.cpuUsage();
      step();
      const used = process.cpuUsage(start);
      times[name].push((used.user + used.system) / 1000);
    }
  }
  return times;
}

const ROUNDS = 40;
const times = measure(steps, ROUNDS, 5);
const median = (name: string) => percentile(times[name], 50);
const bytes = texts.reduce((sum, text) => sum + text.length, 0);
console.log(`${texts.length} .tf files, ${(bytes / 1024).toFixed(1)} KiB, median CPU time of ${ROUNDS} rounds:`);
for (const name of Object.keys(steps)) console.log(`  ${name.padEnd(28)} ${median(name).toFixed(2)} ms`);
const checkName = `evaluation + ${checks.length} checks`;
console.log(`  checks per second: ${Math.round((texts.length * checks.length) / (median(checkName) / 1000)).toLocaleString('en')}`);
console.log(`  all checks / bare parse: ${(median(checkName) / median('HCL parse')).toFixed(2)}x (goal < 3x)`);

const big = terraformFile(2000);
const lines = big.split('\n').length;
// The analysis keeps the parse of text it has seen: each run gets a new text, as an edit would.
let edit = 0;
const large = measure({
  parse: () => parseHcl(big),
  'whole analysis': () => analyzeTerraform({ path: 'main.tf', content: `${big}# edit ${edit++}\n` }),
}, 60, 5);
console.log(`one ${lines}-line .tf file (${(big.length / 1024).toFixed(1)} KiB), CPU time of 60 runs:`);
for (const [name, values] of Object.entries(large)) {
  console.log(`  ${name.padEnd(16)} median ${percentile(values, 50).toFixed(2)} ms, p95 ${percentile(values, 95).toFixed(2)} ms`);
}
