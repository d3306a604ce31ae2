/**
 * Pure generator of CloudWatch Logs events for the e2e runs and the demo: mixed message shapes, spread
 * over several log groups and streams, one group straddling midnight UTC. Every message carries a
 * unique token (`tok=<run>-<n>`) so a stored document can be traced back to the event that was put.
 * Messages are synthetic, written for these tests.
 */
export interface WorkloadEvent {
  token: string;
  group: string;
  stream: string;
  timestamp: number;
  message: string;
}

export interface PutBatch {
  group: string;
  stream: string;
  events: WorkloadEvent[];
}

export interface WorkloadSpec {
  run: string;
  events: number;
  groups?: string[];
  streamsPerGroup?: number;
  /** Events per put-log-events call. @default 50 */
  batchSize?: number;
  /** Groups whose events straddle the most recent midnight UTC (±10 minutes). @default the first group */
  midnightGroups?: string[];
  now?: number;
}

const SHAPES = [
  (n: number, tok: string) => `127.0.0.1 - - "GET /api/items/${n} HTTP/1.1" 200 ${(n * 37) % 5000} "-" "curl/8.4" ${tok}`,
  (n: number, tok: string) => JSON.stringify({ level: n % 7 === 0 ? 'error' : 'info', msg: 'request served', n, user: { id: n % 97 }, tok }),
  (n: number, tok: string) =>
    `ERROR java.lang.IllegalStateException: item ${n} is locked ${tok}\n\tat com.example.Store.take(Store.java:${n % 400})\n\tat com.example.Api.handle(Api.java:88)`,
  (n: number, tok: string) => `naïve café — 東京 🚀 n=${n} "quoted" back\\slash\ttab ${tok}`,
  (n: number, tok: string) => `START RequestId: ${n.toString(16).padStart(8, '0')}-0000 Version: $LATEST ${tok}`,
  (n: number, tok: string) => `big payload ${tok} ${'x'.repeat(2000 + (n % 2000))}`,
  (_n: number, tok: string) => `${tok} {"not":"quite json"`,
];

/** Start of the current UTC day, ms. */
export function lastMidnightUtc(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function generateWorkload(spec: WorkloadSpec): { events: WorkloadEvent[]; batches: PutBatch[] } {
  const now = spec.now ?? Date.now();
  const groups = spec.groups ?? [`/e2e/${spec.run}/api`, `/e2e/${spec.run}/worker`, `/e2e/${spec.run}/lambda`, `/e2e/${spec.run}/audit`];
  const midnightGroups = new Set(spec.midnightGroups ?? [groups[0]!]);
  const streamsPerGroup = spec.streamsPerGroup ?? 3;
  const batchSize = spec.batchSize ?? 50;
  const midnight = lastMidnightUtc(now);

  const byStream = new Map<string, WorkloadEvent[]>();
  for (let n = 0; n < spec.events; n++) {
    const group = groups[n % groups.length]!;
    const stream = `stream-${Math.floor(n / groups.length) % streamsPerGroup}`;
    // Midnight groups: 10 minutes either side of 00:00 UTC; others: the last 5 minutes.
    const timestamp = midnightGroups.has(group)
      ? midnight - 600_000 + Math.floor((n * 1_200_000) / spec.events)
      : now - 300_000 + Math.floor((n * 300_000) / spec.events);
    const token = `tok=${spec.run}-${n}`;
    const message = SHAPES[n % SHAPES.length]!(n, token);
    const key = `${group}\u0000${stream}`;
    if (!byStream.has(key)) byStream.set(key, []);
    byStream.get(key)!.push({ token, group, stream, timestamp, message });
  }

  const events: WorkloadEvent[] = [];
  const perStream: PutBatch[][] = [];
  for (const list of byStream.values()) {
    // put-log-events wants each call's events in chronological order.
    list.sort((a, b) => a.timestamp - b.timestamp);
    events.push(...list);
    const own: PutBatch[] = [];
    for (let i = 0; i < list.length; i += batchSize)
      own.push({ group: list[0]!.group, stream: list[0]!.stream, events: list.slice(i, i + batchSize) });
    perStream.push(own);
  }
  // Round-robin over the sources, so the Kinesis stream sees every log stream's traffic at once, as in production.
  const batches: PutBatch[] = [];
  for (let round = 0; perStream.some((own) => round < own.length); round++)
    for (const own of perStream) if (round < own.length) batches.push(own[round]!);
  return { events, batches };
}

/** Recovers the token from a stored message. */
export function tokenOf(message: string): string | undefined {
  return /tok=[\w.-]+-\d+/.exec(message)?.[0];
}
