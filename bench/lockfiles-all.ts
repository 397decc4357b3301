// One row per dependency-file format: the analyzer against the bare parse of the same text
// (JSON.parse; for bun.lock JSON.parse of the text with its trailing commas removed; yaml's
// parseDocument; smol-toml; saxes with no handlers; for the line formats, which no library parses,
// the least any reader of them does: split into lines, and each line into its space-separated
// fields). CPU time, so that other load on the
// machine weighs less; a tiny file is run in batches. Goal: within 2x of the bare parse, locations included.
//
// 1. The largest real file of each format in the shared corpus (or this repo's fixtures when it
//    is absent): the files claimed by name, and those in the Trivy parser's own testdata folder.
//    These are small (a few KiB), so fixed costs weigh more than the parse.
// 2. A generated file of 3,000 entries for the formats no other bench generates (the others:
//    analyzers.ts, yarn-lock.ts, pnpm-lock.ts, python-locks.ts, lockfiles-more.ts).
// 3. The first scan in a new process (a child process per format: scanFile with no DB, cold JIT),
//    for the largest real file and the 1,303-package npm lockfile of bench/fixtures.
//
// Run: npx tsx bench/lockfiles-all.ts [--real] [--generated] [--first] [--only=bun-lock,pom]   (all three parts by default)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SaxesParser } from 'saxes';
import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import { ANALYZERS, analyzersFor } from '../server/src/engine/analyzers';
import { scanFile } from '../server/src/engine/scan';
import { MemorySource } from '../server/src/engine/source';
import type { Analyzer } from '../server/src/engine/types';
import { CORPUS_DIR } from '../test/helpers/corpus';
import { percentile, seededRandom } from './stats';

type Bare = 'json' | 'json-trailing-commas' | 'yaml' | 'toml' | 'xml' | 'lines';

/** The bare parse each format is measured against, by analyzer id. */
const BARE: Record<string, Bare> = {
  'npm-lock': 'json', 'yarn-lock': 'yaml', 'pnpm-lock': 'yaml', 'bun-lock': 'json-trailing-commas', 'pip-requirements': 'lines',
  'pipenv-lock': 'json', 'poetry-lock': 'toml', 'uv-lock': 'toml', pylock: 'toml', 'gemfile-lock': 'lines', 'composer-lock': 'json',
  'cargo-lock': 'toml', 'go-mod': 'lines', 'nuget-lock': 'json', 'nuget-config': 'xml', 'dotnet-deps': 'json', 'packages-props': 'xml',
  csproj: 'xml', pom: 'xml', 'gradle-lock': 'lines', 'sbt-lock': 'json', 'pub-lock': 'yaml', 'mix-lock': 'lines',
  'swift-resolved': 'json', 'conan-lock': 'json', 'podfile-lock': 'yaml', 'julia-manifest': 'toml',
};

const CORPUS = path.join(CORPUS_DIR, 'vuln');
const REPO_FIXTURES = path.resolve(__dirname, '../server/src/engine/analyzers/fixtures');
const LARGE_NPM = path.resolve(__dirname, 'fixtures/large-npm/package-lock.json');

/** Trailing commas dropped, outside strings: what JSON.parse needs to read a bun.lock. */
function withoutTrailingCommas(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (char === ',') {
      let next = i + 1;
      while (next < text.length && ' \t\r\n'.includes(text[next])) next++;
      if (text[next] === '}' || text[next] === ']') {
        out += text.slice(from, i);
        from = i + 1;
      }
    }
  }
  return out + text.slice(from);
}

function bareParse(kind: Bare, text: string): () => unknown {
  switch (kind) {
    case 'json': return () => JSON.parse(text);
    case 'json-trailing-commas': {
      const json = withoutTrailingCommas(text);
      return () => JSON.parse(json);
    }
    case 'yaml': return () => parseDocument(text, { schema: 'failsafe', uniqueKeys: false });
    case 'toml': return () => parseToml(text);
    case 'xml': return () => new SaxesParser().write(text).close();
    // No library parses these. JSON.parse of the lines as a JSON array, the yardstick before,
    // never cuts a line into fields, which every reader of these formats must do.
    case 'lines': return () => text.split('\n').map(line => line.trim().split(' '));
  }
}

function analyzeOnce(analyzer: Analyzer, name: string, content: string) {
  return analyzer.analyze({ path: name, content });
}

/** The name an analyzer claims, to analyze a fixture whose own name it does not (`cargo_v3.lock`). */
function claimedName(analyzer: Analyzer): string {
  return analyzer.fileNames.find(name => !name.includes('*')) ?? analyzer.fileNames[0].replace('*', 'build');
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(entry => entry.isFile())
    .map(entry => path.join(entry.parentPath, entry.name));
}

/** The largest file of the format that the analyzer reads with at least one package. */
function largestReal(analyzer: Analyzer, files: string[]): { file: string; content: string; packages: number } | undefined {
  const candidates = files.filter(file => analyzersFor(path.basename(file), [analyzer]).length > 0
    || (analyzer.trivyParser && file.includes(`/${analyzer.trivyParser}/testdata/`) && !file.endsWith('.golden') && !file.endsWith('.json.golden'))
    || file.startsWith(path.join(REPO_FIXTURES, analyzer.id) + path.sep) && !file.endsWith('.golden.json') && !file.endsWith('.md'));
  candidates.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  for (const file of candidates) {
    const content = fs.readFileSync(file, 'utf8');
    try {
      const packages = analyzeOnce(analyzer, claimedName(analyzer), content).packages.length;
      if (packages > 0) return { file, content, packages };
    } catch {
      // a malformed fixture: the next largest
    }
  }
  return undefined;
}

/**
 * Median CPU time (ms) per call of each function; calls are batched so that a sample takes about
 * 2 ms. Each function is first run for 300 ms (at least 20 calls): CPU time also counts the JIT
 * compiler's threads, which a short warm-up leaves busy in the first samples.
 */
function cpuMedians(rounds: number, fns: (() => unknown)[]): number[] {
  const batches = fns.map(fn => {
    const start = performance.now();
    let calls = 0;
    while (calls < 20 || performance.now() - start < 300) {
      fn();
      calls++;
    }
    const each = (performance.now() - start) / calls;
    return Math.max(1, Math.ceil(2 / Math.max(each, 1e-4)));
  });
  const times: number[][] = fns.map(() => []);
  for (let round = 0; round < rounds; round++) {
    fns.forEach((fn, i) => {
      const start = process.cpuUsage();
      for (let b = 0; b < batches[i]; b++) fn();
      const used = process.cpuUsage(start);
      times[i].push((used.user + used.system) / 1000 / batches[i]);
    });
  }
  return times.map(t => percentile(t, 50));
}

function row(label: string, analyzer: Analyzer, content: string, rounds: number): { analyzerMs: number; bareMs: number; ratio: number } {
  const name = claimedName(analyzer);
  const kind = BARE[analyzer.id];
  const [bareMs, analyzerMs] = cpuMedians(rounds, [bareParse(kind, content), () => analyzeOnce(analyzer, name, content)]);
  const ratio = analyzerMs / bareMs;
  console.log(`  ${label.padEnd(54)} ${(content.length / 1024).toFixed(1).padStart(7)} KiB  analyzer ${analyzerMs.toFixed(3).padStart(8)} ms  ${kind.padEnd(20)} ${bareMs.toFixed(3).padStart(8)} ms  ${ratio.toFixed(1).padStart(5)}x ${ratio <= 2 ? 'met' : 'MISSED'}`);
  return { analyzerMs, bareMs, ratio };
}

// ---- generated files, 3,000 entries ----

const ENTRIES = 3000;
interface Entry { name: string; group: string; version: string; dependencies: number[] }

function entries(): Entry[] {
  const random = seededRandom(42);
  return Array.from({ length: ENTRIES }, (_, i) => ({
    name: `pkg-${i}`,
    group: `org.example${i % 40}`,
    version: `${1 + Math.floor(random() * 5)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`,
    dependencies: [...new Set(Array.from({ length: Math.floor(random() * 5) }, () => Math.floor(random() * ENTRIES)))],
  }));
}

const sha = (seed: string) => Buffer.from(seed.repeat(8)).toString('hex').slice(0, 64).padEnd(64, '0');

const GENERATORS: Record<string, (list: Entry[]) => string> = {
  'bun-lock': list => {
    let text = '{\n  "lockfileVersion": 1,\n  "workspaces": {\n    "": {\n      "name": "bench",\n      "dependencies": {\n';
    text += list.slice(0, 40).map(e => `        "${e.name}": "^${e.version}",\n`).join('');
    text += '      },\n      "devDependencies": {\n' + list.slice(40, 60).map(e => `        "${e.name}": "^${e.version}",\n`).join('') + '      },\n    },\n  },\n  "packages": {\n';
    for (const e of list) {
      const deps = e.dependencies.map(d => `"${list[d].name}": "^${list[d].version}"`).join(', ');
      text += `    "${e.name}": ["${e.name}@${e.version}", "", { ${deps ? `"dependencies": { ${deps} }` : ''} }, "sha512-${Buffer.from(e.name).toString('base64').padEnd(86, 'A')}=="],\n\n`;
    }
    return text + '  }\n}\n';
  },
  'sbt-lock': list => JSON.stringify({
    lockVersion: 1, timestamp: '2024-06-05T13:41:10.992Z', configurations: ['compile', 'runtime', 'test'],
    dependencies: list.map((e, i) => ({
      org: e.group, name: e.name, version: e.version,
      artifacts: [{ name: `${e.name}.jar`, hash: `sha1:${sha(e.name).slice(0, 40)}` }],
      configurations: i % 5 === 0 ? ['test'] : ['compile', 'runtime', 'test'],
    })),
  }, null, 2),
  'conan-lock': list => JSON.stringify({
    graph_lock: {
      nodes: Object.fromEntries([
        ['0', { options: '', requires: list.slice(0, 40).map((_, i) => String(i + 1)), path: 'conanfile.txt', context: 'host' }],
        ...list.map((e, i) => [String(i + 1), {
          ref: `${e.name}/${e.version}`, options: 'fPIC=True\nshared=False', package_id: sha(e.name).slice(0, 40), prev: '0',
          ...(e.dependencies.length ? { requires: e.dependencies.map(d => String(d + 1)) } : {}), context: 'host',
        }]),
      ]),
      revisions_enabled: false,
    },
    version: '0.4',
  }, null, 1),
  'nuget-lock': list => JSON.stringify({
    version: 1,
    dependencies: {
      'net8.0': Object.fromEntries(list.map((e, i) => [`Example.${e.name}`, {
        type: i < 40 ? 'Direct' : 'Transitive', ...(i < 40 ? { requested: `[${e.version}, )` } : {}), resolved: e.version,
        contentHash: Buffer.from(sha(e.name)).toString('base64'),
        ...(e.dependencies.length ? { dependencies: Object.fromEntries(e.dependencies.map(d => [`Example.${list[d].name}`, list[d].version])) } : {}),
      }])),
    },
  }, null, 2),
  'dotnet-deps': list => JSON.stringify({
    runtimeTarget: { name: '.NETCoreApp,Version=v8.0', signature: '' },
    targets: { '.NETCoreApp,Version=v8.0': Object.fromEntries(list.map(e => [`Example.${e.name}/${e.version}`, {
      dependencies: Object.fromEntries(e.dependencies.map(d => [`Example.${list[d].name}`, list[d].version])),
      runtime: { [`lib/net8.0/Example.${e.name}.dll`]: { assemblyVersion: e.version, fileVersion: e.version } },
    }])) },
    libraries: Object.fromEntries(list.map(e => [`Example.${e.name}/${e.version}`, {
      type: 'package', serviceable: true, sha512: `sha512-${Buffer.from(sha(e.name)).toString('base64')}`,
      path: `example.${e.name}/${e.version}`, hashPath: `example.${e.name}.${e.version}.nupkg.sha512`,
    }])),
  }, null, 2),
  'swift-resolved': list => JSON.stringify({
    pins: list.map(e => ({ identity: e.name, kind: 'remoteSourceControl', location: `https://github.com/example/${e.name}.git`, state: { revision: sha(e.name).slice(0, 40), version: e.version } })),
    version: 2,
  }, null, 2),
  'nuget-config': list => `<?xml version="1.0" encoding="utf-8"?>\n<packages>\n${list.map((e, i) => `  <package id="Example.${e.name}" version="${e.version}" targetFramework="net48"${i % 7 === 0 ? ' developmentDependency="true"' : ''} />\n`).join('')}</packages>\n`,
  'packages-props': list => `<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n  <ItemGroup>\n${list.map(e => `    <PackageVersion Include="Example.${e.name}" Version="${e.version}" />\n`).join('')}  </ItemGroup>\n</Project>\n`,
  csproj: list => `<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n${list.map(e => `    <PackageReference Include="Example.${e.name}" Version="${e.version}" />\n`).join('')}  </ItemGroup>\n</Project>\n`,
  pom: list => {
    let text = '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.example</groupId>\n  <artifactId>bench</artifactId>\n  <version>1.0.0</version>\n  <properties>\n';
    list.forEach((e, i) => { if (i % 10 === 0) text += `    <${e.name}.version>${e.version}</${e.name}.version>\n`; });
    text += '  </properties>\n  <dependencies>\n';
    list.forEach((e, i) => {
      text += `    <dependency>\n      <groupId>${e.group}</groupId>\n      <artifactId>${e.name}</artifactId>\n      <version>${i % 10 === 0 ? `\${${e.name}.version}` : e.version}</version>\n${i % 6 === 0 ? '      <scope>test</scope>\n' : ''}    </dependency>\n`;
    });
    return text + '  </dependencies>\n</project>\n';
  },
  'go-mod': list => `module example.com/bench\n\ngo 1.22\n\nrequire (\n${list.map((e, i) => `\t${e.group.split('.').reverse().join('.')}/${e.name} v${e.version}${i < 40 ? '' : ' // indirect'}\n`).join('')})\n\nreplace ${list[0].group.split('.').reverse().join('.')}/${list[0].name} => example.com/fork/${list[0].name} v${list[0].version}\n`,
  'gemfile-lock': list => `GEM\n  remote: https://rubygems.org/\n  specs:\n${list.map(e => `    ${e.name} (${e.version})\n${e.dependencies.map(d => `      ${list[d].name} (>= ${list[d].version})\n`).join('')}`).join('')}\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n${list.slice(0, 40).map(e => `  ${e.name} (~> ${e.version})\n`).join('')}\nBUNDLED WITH\n   2.5.3\n`,
  'gradle-lock': list => `# This is a Gradle generated file for dependency locking.\n# Manual edits can break the build and are not advised.\n# This file is expected to be part of source control.\n${list.map((e, i) => `${e.group}:${e.name}:${e.version}=${i % 3 ? 'compileClasspath,runtimeClasspath' : 'testCompileClasspath,testRuntimeClasspath'}\n`).join('')}empty=annotationProcessor\n`,
  'pub-lock': list => `# Generated by pub\n# See https://dart.dev/tools/pub/glossary#lockfile\npackages:\n${list.map((e, i) => `  ${e.name.replace('-', '_')}:\n    dependency: ${i < 40 ? '"direct main"' : 'transitive'}\n    description:\n      name: ${e.name.replace('-', '_')}\n      sha256: "${sha(e.name)}"\n      url: "https://pub.dev"\n    source: hosted\n    version: "${e.version}"\n`).join('')}sdks:\n  dart: ">=3.0.0 <4.0.0"\n`,
  'podfile-lock': list => `PODS:\n${list.map(e => e.dependencies.length ? `  - ${e.name} (${e.version}):\n${e.dependencies.map(d => `    - ${list[d].name} (~> ${list[d].version})\n`).join('')}` : `  - ${e.name} (${e.version})\n`).join('')}\nDEPENDENCIES:\n${list.slice(0, 40).map(e => `  - ${e.name} (~> ${e.version})\n`).join('')}\nSPEC CHECKSUMS:\n${list.map(e => `  ${e.name}: ${sha(e.name).slice(0, 40)}\n`).join('')}\nPODFILE CHECKSUM: ${sha('podfile').slice(0, 40)}\n\nCOCOAPODS: 1.15.2\n`,
  'mix-lock': list => `%{\n${list.map(e => `  "${e.name.replace('-', '_')}": {:hex, :${e.name.replace('-', '_')}, "${e.version}", "${sha(e.name)}", [:mix], [${e.dependencies.map(d => `{:${list[d].name.replace('-', '_')}, "~> 1.0", [hex: :${list[d].name.replace('-', '_')}, repo: "hexpm", optional: false]}`).join(', ')}], "hexpm", "${sha(e.version)}"},\n`).join('')}}\n`,
  'julia-manifest': list => {
    let text = '# This file is machine-generated - editing it directly is not advised\n\njulia_version = "1.10.0"\nmanifest_format = "2.0"\nproject_hash = "0"\n\n';
    for (const e of list) {
      text += `[[deps.${e.name.replace('-', '_')}]]\n`;
      if (e.dependencies.length) text += `deps = [${e.dependencies.map(d => `"${list[d].name.replace('-', '_')}"`).join(', ')}]\n`;
      text += `git-tree-sha1 = "${sha(e.name).slice(0, 40)}"\nuuid = "${sha(e.name).slice(0, 8)}-0000-0000-0000-${sha(e.version).slice(0, 12)}"\nversion = "${e.version}"\n\n`;
    }
    return text;
  },
  'pip-requirements': list => list.map((e, i) => `${e.name}==${e.version}${i % 5 === 0 ? ` ; python_version >= "3.8"` : ''}${i % 3 === 0 ? ` \\\n    --hash=sha256:${sha(e.name)}` : ''}\n`).join(''),
};

// ---- the first scan in a new process ----

/** In the child: one scanFile of the file, cold, and the bare parse after it, cold too. */
async function firstScanChild(analyzerId: string, file: string): Promise<void> {
  const analyzer = ANALYZERS.find(a => a.id === analyzerId)!;
  const content = fs.readFileSync(file, 'utf8');
  const name = claimedName(analyzer);
  const source = new MemorySource({ [name]: content });
  let start = performance.now();
  const scan = await scanFile(source, name, { scanners: ['vuln'], includeDevDeps: true });
  const scanMs = performance.now() - start;
  start = performance.now();
  bareParse(BARE[analyzerId], content)();
  const bareMs = performance.now() - start;
  console.log(JSON.stringify({ scanMs, bareMs, packages: scan?.results[0]?.packages.length ?? 0 }));
}

function firstScan(analyzer: Analyzer, file: string): void {
  const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--child', analyzer.id, file], { encoding: 'utf8' });
  const { scanMs, bareMs, packages } = JSON.parse(out.trim().split('\n').pop()!);
  console.log(`  ${analyzer.id.padEnd(18)} ${path.relative(process.cwd(), file).slice(-60).padEnd(60)} ${String(packages).padStart(5)} packages: first scan ${scanMs.toFixed(1).padStart(6)} ms (first ${BARE[analyzer.id]} after it ${bareMs.toFixed(1)} ms)`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return firstScanChild(args[1], args[2]);
  const all = !args.some(arg => ['--real', '--generated', '--first'].includes(arg));
  // --only=bun-lock,pom: just those formats.
  const only = args.find(arg => arg.startsWith('--only='))?.slice('--only='.length).split(',');
  const LOCKFILE_ANALYZERS = ANALYZERS.filter(a => a.scanner === 'vuln' && (!only || only.includes(a.id)));
  const files = [...filesUnder(CORPUS), ...filesUnder(REPO_FIXTURES), LARGE_NPM];
  const real = new Map<string, { file: string; content: string; packages: number }>();
  for (const analyzer of LOCKFILE_ANALYZERS) {
    const found = largestReal(analyzer, files);
    if (found) real.set(analyzer.id, found);
  }

  if (all || args.includes('--real')) {
    console.log(`Largest real file of each format (${fs.existsSync(CORPUS) ? 'shared corpus and repo fixtures' : 'repo fixtures; the shared corpus is absent'}), CPU-time medians of 31 samples:`);
    for (const analyzer of LOCKFILE_ANALYZERS) {
      const found = real.get(analyzer.id);
      if (!found) {
        console.log(`  ${analyzer.id}: no real file`);
        continue;
      }
      row(`${analyzer.id} ${path.basename(found.file)} (${found.packages} pkgs)`, analyzer, found.content, 31);
    }
  }
  if (all || args.includes('--generated')) {
    console.log(`Generated files of ${ENTRIES} entries, CPU-time medians of 11 samples:`);
    const list = entries();
    for (const analyzer of LOCKFILE_ANALYZERS) {
      const make = GENERATORS[analyzer.id];
      if (!make) continue;
      const content = make(list);
      const packages = analyzeOnce(analyzer, claimedName(analyzer), content).packages.length;
      row(`${analyzer.id} (${packages} pkgs)`, analyzer, content, 11);
    }
  }
  if (all || args.includes('--first')) {
    console.log('First scan in a new process (scanFile, no DB, vuln scanner only):');
    if (!only || only.includes('npm-lock')) firstScan(ANALYZERS.find(a => a.id === 'npm-lock')!, LARGE_NPM);
    for (const analyzer of LOCKFILE_ANALYZERS) {
      const found = real.get(analyzer.id);
      if (found && found.file !== LARGE_NPM) firstScan(analyzer, found.file);
    }
  }
}

void main();
