// Linear-time checks without timed assertions: the time at twice the input size over the time at
// the size, each the fastest of several runs (the least disturbed by other work on the machine).

/** The least CPU time of several runs, in ms: CPU time is not lengthened by other processes on the machine. */
export function fastestCpuMs(run: () => void, runs = 15): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    fastest = Math.min(fastest, (used.user + used.system) / 1000);
  }
  return fastest;
}

export function fastestMs(run: () => void, runs = 15): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return fastest;
}

/**
 * time(make(2n)) / time(make(n)) for `parse`, after one warm-up run, with both times in ms. A
 * ratio of 3 or more is measured again, up to three times in all, and the lowest kept: a machine
 * busy with other work can slow one measurement down, but not three in a row, while quadratic
 * time gives 4 every time.
 */
export function doublingRatio(make: (size: number) => string, parse: (text: string) => void, size: number): { ratio: number; smallMs: number; largeMs: number } {
  const small = make(size);
  const large = make(size * 2);
  parse(large);
  let best = { ratio: Infinity, smallMs: 0, largeMs: 0 };
  for (let attempt = 0; attempt < 3 && best.ratio >= 3; attempt++) {
    const smallMs = fastestMs(() => parse(small));
    const largeMs = fastestMs(() => parse(large));
    if (largeMs / smallMs < best.ratio) best = { ratio: largeMs / smallMs, smallMs, largeMs };
  }
  return best;
}
