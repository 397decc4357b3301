// Linear-time checks without timed assertions: the ratio of the time at 2N to the time at N.

/** The fastest of several runs, in ms: the least disturbed by other work on a shared machine. */
export function fastestMs(run: () => void, runs = 25): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return fastest;
}

/** time(parse(make(2n))) / time(parse(make(n))), after a warm-up run. */
export function doublingRatio(make: (n: number) => string, parse: (text: string) => unknown, n: number): number {
  const small = make(n);
  const large = make(n * 2);
  parse(large);
  return fastestMs(() => parse(large)) / fastestMs(() => parse(small));
}
