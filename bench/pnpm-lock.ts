// Benchmarks the pnpm-lock.yaml analyzer on a generated 3,000-package lockfile (v9: packages and
// snapshots) against the yaml package's bare parse of the same text (what a hand-edited lockfile
// falls back to), the analyzer on that fallback, and JSON.parse of the same data as JSON. CPU
// time, median of rounds that alternate.
// Run: npx tsx bench/pnpm-lock.ts
import { parseAllDocuments } from 'yaml';
import { parsedRoots, parsePnpmLock, pnpmPackages } from '../server/src/engine/analyzers/pnpm-lock';
import { percentile, seededRandom } from './stats';

const PACKAGES = 3000;

function build(): { yamlText: string; jsonText: string } {
  const random = seededRandom(42);
  const names = Array.from({ length: PACKAGES }, (_, i) => (i % 7 === 0 ? `@scope${i % 13}/pkg-${i}` : `pkg-${i}`));
  const versions = names.map(() => `${1 + Math.floor(random() * 5)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`);
  const key = (i: number) => `${names[i]}@${versions[i]}`;
  const quoted = (i: number) => (names[i].startsWith('@') ? `'${key(i)}'` : key(i));
  const dependencies = names.map(() => [...new Set(Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * PACKAGES)))]);
  let text = "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\nimporters:\n\n  .:\n    dependencies:\n";
  for (let i = 0; i < 40; i++) text += `      ${names[i].startsWith('@') ? `'${names[i]}'` : names[i]}:\n        specifier: ^${versions[i]}\n        version: ${versions[i]}\n`;
  text += '\npackages:\n\n';
  for (let i = 0; i < PACKAGES; i++) {
    text += `  ${quoted(i)}:\n    resolution: {integrity: sha512-${Buffer.from(key(i)).toString('base64').padEnd(86, 'A')}==}\n    engines: {node: '>=8'}\n\n`;
  }
  text += 'snapshots:\n\n';
  for (let i = 0; i < PACKAGES; i++) {
    if (dependencies[i].length === 0) text += `  ${quoted(i)}: {}\n\n`;
    else text += `  ${quoted(i)}:\n    dependencies:\n${dependencies[i].map(d => `      ${names[d].startsWith('@') ? `'${names[d]}'` : names[d]}: ${versions[d]}\n`).join('')}\n`;
  }
  const data = {
    packages: Object.fromEntries(names.map((_, i) => [key(i), { resolution: { integrity: 'sha512-x' }, engines: { node: '>=8' } }])),
    snapshots: Object.fromEntries(names.map((_, i) => [key(i), { dependencies: Object.fromEntries(dependencies[i].map(d => [names[d], versions[d]])) }])),
  };
  return { yamlText: text, jsonText: JSON.stringify(data, null, 2) };
}

/** Median CPU time (ms) of `rounds` runs of each function, alternating so all see the same machine load. */
function medians(rounds: number, fns: (() => void)[]): number[] {
  for (const fn of fns) for (let i = 0; i < 3; i++) fn(); // warm-up
  const times: number[][] = fns.map(() => []);
  for (let round = 0; round < rounds; round++) {
    fns.forEach((fn, i) => {
      const start = process.cpuUsage();
      fn();
      const used = process.cpuUsage(start);
      times[i].push((used.user + used.system) / 1000);
    });
  }
  return times.map(t => percentile(t, 50));
}

const { yamlText, jsonText } = build();
const [jsonParse, yamlParse, fallback, analyzer] = medians(21, [
  () => JSON.parse(jsonText),
  () => parseAllDocuments(yamlText, { schema: 'failsafe', uniqueKeys: false }),
  () => pnpmPackages(parsedRoots(yamlText), yamlText, 'pnpm-lock.yaml'),
  () => parsePnpmLock(yamlText, 'pnpm-lock.yaml'),
]);
console.log(`${PACKAGES} packages; YAML ${(yamlText.length / 1024).toFixed(0)} KiB`);
console.log(`  JSON.parse of the same data          ${jsonParse.toFixed(1)} ms`);
console.log(`  yaml parseAllDocuments (bare parse)  ${yamlParse.toFixed(1)} ms   ${(yamlParse / jsonParse).toFixed(0)}x JSON.parse`);
console.log(`  the analyzer on the yaml parser      ${fallback.toFixed(1)} ms   ${(fallback / yamlParse).toFixed(2)}x the bare YAML parse`);
console.log(`  parsePnpmLock (machine-YAML reader)  ${analyzer.toFixed(1)} ms   ${(analyzer / yamlParse).toFixed(2)}x the bare YAML parse, ${(analyzer / jsonParse).toFixed(1)}x JSON.parse`);
