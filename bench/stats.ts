// Shared by the benchmarks: a seeded generator, so every run measures the same inputs, and percentiles.

/** Mulberry32: a tiny deterministic PRNG returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The p-th percentile (nearest rank below); p = 50 is the median. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Median of `rounds` timings (ms); the functions alternate so all see the same machine load.
 * `cpu` times the process's CPU (user and system), which time spent waiting for a busy machine's
 * cores does not inflate.
 */
export function medians(rounds: number, fns: (() => void)[], clock: 'wall' | 'cpu' = 'wall'): number[] {
  for (const fn of fns) for (let i = 0; i < 3; i++) fn(); // warm-up
  const times: number[][] = fns.map(() => []);
  const now = clock === 'cpu' ? () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; } : () => Number(process.hrtime.bigint()) / 1e6;
  for (let round = 0; round < rounds; round++) {
    fns.forEach((fn, i) => {
      const start = now();
      fn();
      times[i].push(now() - start);
    });
  }
  return times.map((t) => percentile(t, 50));
}
