// Linear-time checks without timed assertions: the time at twice the input size over the time at
// the size, each the fastest of several runs (the least disturbed by other work on the machine).

export function fastestMs(run: () => void, runs = 15): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return fastest;
}

/** time(make(2n)) / time(make(n)) for `parse`, after one warm-up run; with both times in ms. */
export function doublingRatio(make: (size: number) => string, parse: (text: string) => void, size: number): { ratio: number; smallMs: number; largeMs: number } {
  const small = make(size);
  const large = make(size * 2);
  parse(large);
  const smallMs = fastestMs(() => parse(small));
  const largeMs = fastestMs(() => parse(large));
  return { ratio: largeMs / smallMs, smallMs, largeMs };
}
