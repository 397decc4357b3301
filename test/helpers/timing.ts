// Linear-time checks without timed assertions: the ratio of the time at 2N to the time at N.

/** The fastest of several runs, in ms: the least disturbed by other work on a shared machine. */
export function fastestMs(run: () => void, runs = 25): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) fastest = Math.min(fastest, timeMs(run));
  return fastest;
}

/**
 * time(parse(make(2n))) / time(parse(make(n))), each the fastest of runs taken in turn, so that
 * both sizes meet the same load and garbage-collector state.
 */
export function doublingRatio(make: (n: number) => string, parse: (text: string) => unknown, n: number, runs = 30): number {
  const small = make(n);
  const large = make(n * 2);
  parse(small);
  parse(large);
  let fastestSmall = Infinity;
  let fastestLarge = Infinity;
  for (let i = 0; i < runs; i++) {
    fastestSmall = Math.min(fastestSmall, timeMs(() => parse(small)));
    fastestLarge = Math.min(fastestLarge, timeMs(() => parse(large)));
  }
  return fastestLarge / fastestSmall;
}

function timeMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
