/**
 * CPU-time measurement for tests that bound work on hostile input. CPU time (process.cpuUsage),
 * not wall time, so a loaded machine slows the measure and its baseline alike; bounds are ratios
 * to a baseline measured in the same run, with wide margins.
 */
export function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** CPU milliseconds of one plain `indexOf` scan over the whole of `text` (a character it does not hold), averaged over ≥ 20 ms. */
export function indexOfScanMs(text: string): number {
  const absent = '\u0001';
  let reps = 0;
  let total = 0;
  let found = 0;
  while (total < 20) {
    total += cpuMs(() => {
      for (let i = 0; i < 100; i++) found += text.indexOf(absent);
    });
    reps += 100;
  }
  if (found === 1) throw new Error('unreachable: keeps the scans from being optimized away');
  return total / reps;
}

/** CPU milliseconds of an async call, including the work it starts on this process (bulk server and moto run elsewhere or are counted too: a generous bound covers them). */
export async function cpuMsAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.cpuUsage();
  const value = await fn();
  const d = process.cpuUsage(start);
  return { ms: (d.user + d.system) / 1000, value };
}
