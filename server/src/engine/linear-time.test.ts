// Every analyzer and matcher that reads file content must take time linear in its input: a
// repository decides what the input is. Each case below builds an input around a long run of one
// character class its patterns accept, times it at N and 4N characters (fastest of several runs,
// N grown until one run is measurable) and checks the ratio. A linear reader gives about 4, a
// quadratic one about 16, a backtracking one far more. Only ratios are asserted, never times.
import { analyzerInput } from '../../../test/helpers/analyzer-input';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import ignore from 'ignore';
import { npmLockAnalyzer } from './analyzers/npm-lock';
import { pipRequirementsAnalyzer } from './analyzers/pip-requirements';
import { listManifestDependencies } from './fixes/packageJson';
import { listRequirementPins } from './fixes/requirements';
import { pathGlobMatcher } from './glob';
import { globMatches, parseIgnoreFile } from './ignore';
import { parseInlineIgnores } from './inline-ignore';
import { decodeText, escapeControl, LineIndex } from './text';

/** Inputs grow by this factor between the two measurements. */
const GROWTH = 4;
/** Above this, time grows faster than linearly: linear code shows about 4, quadratic 16. */
const MAX_RATIO = 8;
const MIN_MEASURABLE_MS = 5;
/**
 * Inputs start at this size: below it, an input grows from fitting a CPU cache to not fitting,
 * and linear code can show a ratio of 10. Above it they grow up to MAX_N, then repetitions make
 * a run measurable.
 */
const START_N = 1 << 17;
const MAX_N = 1 << 20;
const RUNS = 5;

// A collection before each run, so that garbage from the last one is not timed in this one.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/**
 * The fastest of RUNS runs: other work on the machine only ever makes a run slower. Wall-clock
 * time, not CPU time: the collector's helper threads count in CPU time, and these cases allocate
 * a match object every few characters.
 */
function fastestMs(task: () => void, repetitions: number): number {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i++) {
    collectGarbage();
    const start = performance.now();
    for (let r = 0; r < repetitions; r++) task();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/**
 * Grows N (then the repetitions, past `maxN`) until a run is measurable, and returns the
 * smallest of up to six ratios time(4N)/time(N): a busy machine can make one measurement look
 * superlinear, but not six. Every other try starts from N/2: a step in the curve (the heap or the
 * caches outgrown) between N and 4N is then often outside the pair, while quadratic time gives 16
 * from any size.
 */
function growthRatio(taskOfSize: (n: number) => () => void, startN: number, maxN: number): { n: number; ratio: number } {
  let n = startN;
  let repetitions = 1;
  while (fastestMs(taskOfSize(n), repetitions) < MIN_MEASURABLE_MS) {
    if (GROWTH * n <= maxN) n *= 2;
    else repetitions *= 2;
  }
  let best = Infinity;
  for (let attempt = 0; attempt < 6 && best >= MAX_RATIO; attempt++) {
    const base = attempt % 2 === 0 ? n : Math.max(1, n >> 1);
    best = Math.min(best, fastestMs(taskOfSize(GROWTH * base), repetitions) / fastestMs(taskOfSize(base), repetitions));
  }
  return { n, ratio: best };
}

function assertLinear(label: string, taskOfSize: (n: number) => () => void, startN = START_N, maxN = MAX_N) {
  const { n, ratio } = growthRatio(taskOfSize, startN, maxN);
  assert.ok(ratio < MAX_RATIO, `${label}: time(${GROWTH}N)/time(N) = ${ratio.toFixed(2)} at N = ${n}`);
}

/** Runs the analyzer; an error (binary content, bad JSON) is a fine outcome, a hang is not. */
function analyze(analyzer: typeof pipRequirementsAnalyzer, path: string, content: string) {
  return () => {
    try {
      analyzer.analyze(analyzerInput(analyzer, path, content));
    } catch {
      // A clear error is an answer too.
    }
  };
}

const PATH_MAX = 4096;
const run = (unit: string, n: number) => unit.repeat(Math.max(1, Math.floor(n / unit.length)));

/** The character classes the requirement patterns accept, one at a time. */
const PIP_CLASSES = [' ', '\u00a0', 'a', '1', '.', '-', '=', '[', ',', ';', '\\', '#', '\0'];
/**
 * Where a run can sit in a requirement line, one line each: lines are read one at a time, so a
 * line that takes quadratic time shows in the file's total.
 */
const PIP_LINES: ((r: string) => string)[] = [
  (r) => r,
  (r) => `a${r}x`,
  (r) => `a==${r}x`,
  (r) => `a[${r}`,
  (r) => `a ${r} == 1.0 ${r}x`,
  (r) => `# vigil:ignore:${r}\na==1.0 # trivy:ignore:CVE-1${r}:exp:${r}`,
  (r) => `${r}x\\`, // last: it continues into the next line
];

describe('linear time on hostile content', function () {
  this.timeout(300_000);

  it('pip requirements analyzer, each character class in each position', () => {
    for (const c of PIP_CLASSES) {
      assertLinear(`pip, runs of ${JSON.stringify(c)}`, (n) =>
        analyze(pipRequirementsAnalyzer, 'requirements.txt', PIP_LINES.map((line) => line(run(c, n / PIP_LINES.length))).join('\n')),
      );
    }
  });

  it('pip requirements analyzer: many lines, continuations and comments', () => {
    for (const line of ['a==1.0\n', 'a==1.0 \\\n', '\\\n', '#\n', '-r x\n', 'a==1.0 # vigil:ignore:CVE-1\n']) {
      assertLinear(`pip lines of ${JSON.stringify(line)}`, (n) => analyze(pipRequirementsAnalyzer, 'requirements.txt', run(line, n)));
    }
  });

  it('npm lockfile analyzer: long strings, escapes, numbers, whitespace and nesting', () => {
    const lock = (version: string, padding = '') =>
      `{"lockfileVersion": 3,${padding} "packages": {"": {"dependencies": {"a": "1"}}, "node_modules/a": {"version": ${version}}}}`;
    const cases: [string, (n: number) => string][] = [
      ['long version string', (n) => lock(JSON.stringify(run('1.', n)))],
      ['escapes', (n) => lock(`"${run('\\n', n)}"`)],
      ['unicode escapes', (n) => lock(`"${run('\\u0041', n)}"`)],
      ['a number', (n) => lock(run('1', n))],
      ['a bad number', (n) => lock(`-${run('0', n)}x`)],
      ['whitespace', (n) => lock('"1.0.0"', run(' ', n))],
      ['many entries', (n) => `{"lockfileVersion": 3, "packages": {${run('"node_modules/a": {"version": "1.0.0"},', n)} "": {}}}`],
      ['nested arrays', (n) => lock(`${run('[', n / 8)}${run(']', n / 8)}`)],
      ['unterminated string', (n) => `{"lockfileVersion": 3, "packages": {"${run('a', n)}`],
    ];
    for (const [label, content] of cases) {
      // The unterminated string stays at or below 512K characters: one CI run measured 8.02 for 4x
      // from 512K to 2M, a step at that size, where the other runs passed.
      const maxN = label === 'unterminated string' ? 1 << 19 : MAX_N;
      assertLinear(`npm: ${label}`, (n) => analyze(npmLockAnalyzer, 'package-lock.json', content(n)), START_N, maxN);
    }
  });

  it('ignore files, text and YAML, found or named', () => {
    const texts = [' ', 'a', '#', 'exp:', '\uFEFF', '\r', 'CVE-1 exp:2020-01-01\n'];
    for (const c of texts) {
      for (const named of [false, true]) {
        assertLinear(`ignore text run of ${JSON.stringify(c)}`, (n) => () => parseIgnoreFile(`CVE-1 ${run(c, n)}x\n`, '.trivyignore', undefined, { named }));
      }
    }
    // The YAML parser (a dependency) is linear but slow, on flow collections most: 0.3 s for a
    // few thousand `[` or `{` would make this test take minutes. Quotes and keys cover its
    // scalar and error paths.
    const yamls = ['"', ':', '*a', '  - id: CVE-1\n'];
    for (const c of yamls) {
      assertLinear(`ignore YAML run of ${JSON.stringify(c)}`, (n) => () =>
        parseIgnoreFile(`vulnerabilities:\n  - id: CVE-1\n    paths: ["${run(c, n)}"]\n${run(c, n)}\n`, '.trivyignore.yaml'),
      1 << 12, 1 << 16); // the parser is slow per character: smaller sizes measure well
    }
  });

  it('the ignore glob matcher, in the path and in the glob', () => {
    for (const [glob, unit] of [['*a'.repeat(12) + 'b', 'a'], ['**/'.repeat(12) + 'b', 'a/'], ['**a'.repeat(12) + 'b', 'a'], ['?'.repeat(12) + '*b', 'a']]) {
      assertLinear(`glob ${glob} on a path of ${unit}`, (n) => () => globMatches(glob, run(unit, n)));
    }
    for (const unit of ['*a', '**/', '**', '?', 'a']) {
      assertLinear(`a glob of ${unit}`, (n) => () => globMatches(`${run(unit, n)}b`, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), 100);
    }
  });

  it('inline ignore comments', () => {
    for (const unit of ['vigil:ignore:', 'a', 'vigil:ignore:a:exp:', '1', ' ', ':exp:2020-01-01']) {
      // A match object per few characters: sizes kept where garbage collection stays proportional.
      assertLinear(`inline ignores in a run of ${JSON.stringify(unit)}`, (n) => () => parseInlineIgnores(`# trivy:ignore:${run(unit, n)}`), 1 << 15, 1 << 18);
    }
  });

  it('the editor fixes: requirement pins and package.json dependencies', () => {
    for (const c of [' ', '\t', 'a', '[', '=', '1']) {
      assertLinear(`requirement pins around ${JSON.stringify(c)}`, (n) => () => listRequirementPins(`a${run(c, n)}x\na[${run(c, n)}`));
    }
    for (const c of [' ', '\n', '\n ', '"', 'a']) {
      // jsonc-parser's time takes a step (garbage collection, measured 8x for 4x the input) past some
      // 256K characters of trailing white space: the sizes stay below it. Its cost there is bounded
      // by the file size limit (about 70 ms a megabyte).
      assertLinear(`package.json around ${JSON.stringify(c)}`, (n) => () => {
        try {
          listManifestDependencies(`{"dependencies": {"a": "${c === '"' ? 'x' : run(c, n)}"}${run(c === '"' ? ' ' : c, n)}}`);
        } catch {
          // Malformed JSON is an answer.
        }
      }, 1 << 12, 1 << 15);
    }
  });

  it('text helpers: decoding, line index and escaping', () => {
    for (const unit of ['a', '\n', '\r\n', '\x1b[2J', '\u202e']) {
      assertLinear(`text helpers on ${JSON.stringify(unit)}`, (n) => () => {
        const text = run(unit, n);
        escapeControl(text);
        const lines = new LineIndex(text);
        for (let i = 0; i < Math.min(lines.lineCount, 50); i++) lines.line(i);
        lines.line(lines.lineCount - 1);
      });
      assertLinear(`decodeText on ${JSON.stringify(unit)}`, (n) => () => decodeText(Buffer.from(run(unit, n))));
    }
  });

  // A path the walker sees is at most PATH_MAX long; the ratio is measured up to it.
  it('the walker: skip globs and .gitignore rules over long paths', () => {
    const skip = pathGlobMatcher(['**/node_modules/**', '**/*.test.js', 'vendor/**', 'a/**/b/**/c', `${'*a'.repeat(12)}b`, '{a,b}*[!c]?/**']);
    for (const unit of ['a/', 'a', 'b/', '.', 'a/b/']) {
      assertLinear(`skip globs on a path of ${JSON.stringify(unit)}`, (n) => () => skip(run(unit, n)), 256, PATH_MAX);
    }
    for (const rule of ['*a'.repeat(12) + 'b', '**/a/**/a/**/b', 'a*/**/*b', '[a-z]*a*a*a*b']) {
      // One long name: for a deep path `ignore` also tests each parent folder, which the walker
      // has asked about before (and `ignore` caches), so the walk stays linear.
      for (const unit of ['a', 'a.b-']) {
        // A new matcher each time: `ignore` caches the answer for a path it has seen.
        assertLinear(`.gitignore ${rule} on a path of ${unit}`, (n) => () => ignore().add(rule).test(`${run(unit, n)}c`), 256, PATH_MAX);
      }
    }
  });
});
