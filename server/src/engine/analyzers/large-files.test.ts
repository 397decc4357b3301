// One large file per format family (JSON, YAML, TOML, XML, line formats), each analyzed once,
// against one run on an eighth of it: linear time gives 8x, quadratic 64x. The property tests and
// each analyzer's doubling test cover the rest; this one shows that nothing grows worse than
// linearly up to the size a real scan can meet: 48 MB, near the file source's 50 MB limit, in CI
// (CI=true) or with VIGIL_LARGE_FILES=1 (43 s for the five on an idle machine); 6 MB otherwise,
// about a second each, so that a local test run stays quick.
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Analyzer } from '../types';
import { cargoLockAnalyzer } from './cargo-lock';
import { goModAnalyzer } from './go-mod';
import { npmLockAnalyzer } from './npm-lock';
import { nugetConfigAnalyzer } from './nuget-config';
import { pnpmLockAnalyzer } from './pnpm-lock';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const TARGET_BYTES = (process.env.VIGIL_LARGE_FILES === '1' || process.env.CI === 'true' ? 48 : 6) * 1024 * 1024;
const MEGABYTES = TARGET_BYTES / 1024 / 1024;
/** Well under quadratic's 64 for 8x the input, with room for a garbage collection landing in one run. */
const MAX_RATIO = 20;

const version = (i: number) => `${1 + (i % 5)}.${i % 20}.${i % 10}`;

/** Entries of `entry(i)` until the text holds about `bytes`. */
function repeated(bytes: number, head: string, entry: (i: number) => string, tail: string): string {
  const parts = [head];
  let length = head.length;
  for (let i = 0; length < bytes; i++) {
    const text = entry(i);
    parts.push(text);
    length += text.length;
  }
  parts.push(tail);
  return parts.join('');
}

const FAMILIES: [string, Analyzer, string, (bytes: number) => string][] = [
  ['JSON', npmLockAnalyzer, 'package-lock.json', bytes => repeated(bytes,
    '{\n  "name": "big",\n  "lockfileVersion": 3,\n  "packages": {\n    "": { "name": "big", "dependencies": { "pkg-0": "^1.0.0" } },\n',
    i => `    "node_modules/pkg-${i}": {\n      "version": "${version(i)}",\n      "resolved": "https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-${version(i)}.tgz",\n      "dependencies": { "pkg-${i + 1}": "^1.0.0" }\n    },\n`,
    '    "node_modules/last": { "version": "1.0.0" }\n  }\n}\n')],
  ['YAML', pnpmLockAnalyzer, 'pnpm-lock.yaml', bytes => repeated(bytes,
    "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      pkg-0:\n        specifier: ^1.0.0\n        version: 1.0.0\n\npackages:\n\n",
    i => `  pkg-${i}@${version(i)}:\n    resolution: {integrity: sha512-${'A'.repeat(86)}==}\n\n`, '')],
  ['TOML', cargoLockAnalyzer, 'Cargo.lock', bytes => repeated(bytes, 'version = 3\n\n',
    i => `[[package]]\nname = "pkg-${i}"\nversion = "${version(i)}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${'0123456789abcdef'.repeat(4)}"\ndependencies = [\n "pkg-${i + 1}",\n]\n\n`, '')],
  ['XML', nugetConfigAnalyzer, 'packages.config', bytes => repeated(bytes, '<?xml version="1.0" encoding="utf-8"?>\n<packages>\n',
    i => `  <package id="Example.Pkg${i}" version="${version(i)}" targetFramework="net48" />\n`, '</packages>\n')],
  ['lines', goModAnalyzer, 'go.mod', bytes => repeated(bytes, 'module example.com/big\n\ngo 1.22\n\nrequire (\n',
    i => `\tgithub.com/org${i % 50}/pkg-${i} v${version(i)}${i % 4 ? ' // indirect' : ''}\n`, ')\n')],
];

function cpuMs(run: () => unknown): number {
  collectGarbage();
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe(`analyzers on a ${MEGABYTES} MB file, one per format family`, function () {
  this.timeout(120_000);
  for (const [family, analyzer, name, make] of FAMILIES) {
    it(`${family} (${name}): linear from ${MEGABYTES / 8} MB to ${MEGABYTES} MB`, () => {
      const analyze = (content: string) => analyzer.analyze({ path: name, content }).packages.length;
      const small = make(TARGET_BYTES / 8);
      analyze(small); // warm-up
      const smallMs = cpuMs(() => analyze(small));
      let large: string | undefined = make(TARGET_BYTES);
      let packages = 0;
      const largeMs = cpuMs(() => (packages = analyze(large!)));
      large = undefined;
      assert.ok(packages > 1_000, `${packages} packages`);
      const ratio = largeMs / smallMs;
      console.log(`      ${family}: ${packages} packages, ${MEGABYTES} MB in ${largeMs.toFixed(0)} ms, ${MEGABYTES / 8} MB in ${smallMs.toFixed(0)} ms (${ratio.toFixed(1)}x)`);
      assert.ok(ratio < MAX_RATIO, `time(${MEGABYTES} MB)/time(${MEGABYTES / 8} MB) = ${largeMs.toFixed(0)} ms / ${smallMs.toFixed(0)} ms = ${ratio.toFixed(1)}`);
    });
  }
});
