/**
 * Exponential backoff with full jitter (a uniformly random wait in [0, ceiling), the ceiling
 * doubling per attempt up to a maximum): spreads retries of many concurrent invocations so
 * they do not hit a throttled cluster in lockstep.
 */
export function fullJitterDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
