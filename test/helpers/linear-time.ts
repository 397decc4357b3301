// Linear-time checks without timed assertions: the time at twice the input size over the time at
// the size, each the fastest of several runs (the least disturbed by other work on the machine).
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';

// A collection before each timed run, so that garbage left by the last run is not timed in this one.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Below this a doubling is linear enough; quadratic work gives 4. */
export const LINEAR_RATIO = 3;

/** The CPU time of one run, in ms: unlike the wall clock, it does not count time other processes take. */
function elapsedMs(run: () => void): number {
  collectGarbage();
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * time(run(large)) / time(run(small)), each the fastest of `runs` runs taken in turns (so a busy
 * spell of the machine lands on both sizes, not on one), after one warm-up run of each. A ratio
 * of 3 or more is measured again, up to five times in all, and the lowest kept: other work on
 * the machine can slow one measurement down, not five in a row, while quadratic time gives 4
 * every time.
 */
export function measuredRatio(runSmall: () => void, runLarge: () => void, runs = 15): { ratio: number; smallMs: number; largeMs: number } {
  runSmall();
  runLarge();
  let best = { ratio: Infinity, smallMs: 0, largeMs: 0 };
  for (let attempt = 0; attempt < 5 && best.ratio >= LINEAR_RATIO; attempt++) {
    let smallMs = Infinity;
    let largeMs = Infinity;
    for (let run = 0; run < runs; run++) {
      smallMs = Math.min(smallMs, elapsedMs(runSmall));
      largeMs = Math.min(largeMs, elapsedMs(runLarge));
    }
    const ratio = largeMs / Math.max(smallMs, 1e-3);
    if (ratio < best.ratio) best = { ratio, smallMs, largeMs };
  }
  return best;
}

/**
 * `measuredRatio` of `parse` on make(size) and make(2 * size); where that is 3 or more, the lower
 * of it and the next doubling, make(2 * size) to make(4 * size). An input that outgrows the CPU's
 * caches or the young generation steps up 3 to 6 times in one doubling and not in the next, while
 * quadratic time gives 4 in both.
 */
export function doublingRatio<T>(make: (size: number) => T, parse: (input: T) => unknown, size: number, runs?: number): { ratio: number; smallMs: number; largeMs: number } {
  const small = make(size);
  const large = make(size * 2);
  const first = measuredRatio(() => parse(small), () => parse(large), runs);
  if (first.ratio < LINEAR_RATIO) return first;
  const larger = make(size * 4);
  const second = measuredRatio(() => parse(large), () => parse(larger), runs);
  return second.ratio < first.ratio ? second : first;
}

/** Fails when doubling the input at least triples the time of `parse`. */
export function assertLinearGrowth<T>(make: (size: number) => T, parse: (input: T) => unknown, size: number): void {
  const { ratio, smallMs, largeMs } = doublingRatio(make, parse, size);
  assert.ok(ratio < LINEAR_RATIO, `time(2N)/time(N): ${largeMs.toFixed(2)} ms / ${smallMs.toFixed(2)} ms = ${ratio.toFixed(2)}`);
}
