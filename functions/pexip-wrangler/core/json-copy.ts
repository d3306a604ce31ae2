import { jsonLogGroupName, jsonLogStreamName } from '../contract';
import type { BatchLine } from './batch';

/**
 * Pure plan of the CloudWatch Logs JSON copy: one stream per node and event day in the `_JSON`
 * group beside each RAW group, events in chronological order, cut into PutLogEvents calls within
 * the service's limits.
 */
export const PUT_LOG_EVENTS_LIMITS = {
  maxEvents: 10_000,
  /** Sum of UTF-8 message bytes + 26 per event. */
  maxBytes: 1_048_576,
  eventOverheadBytes: 26,
  /** One event's message at most (256 KiB − the overhead). */
  maxEventBytes: 262_144 - 26,
  /** First to last event of one call. */
  maxSpanMs: 24 * 3_600_000,
} as const;

export interface PutBatch {
  logGroupName: string;
  logStreamName: string;
  events: { timestamp: number; message: string }[];
  /** Position in the batch's lines of each event. */
  lines: number[];
}

/** `messageOf(i)` gives line i's message already cut to `maxEventBytes`. */
export function planLogEvents(lines: readonly BatchLine[], suffix: string, messageOf: (i: number) => string): PutBatch[] {
  const streams = new Map<string, { group: string; stream: string; order: number[] }>();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const group = jsonLogGroupName(l.logGroup, suffix);
    const stream = jsonLogStreamName(l.node, l.epochMs);
    const k = `${group}\n${stream}`;
    let s = streams.get(k);
    if (!s) streams.set(k, (s = { group, stream, order: [] }));
    s.order.push(i);
  }
  const L = PUT_LOG_EVENTS_LIMITS;
  const out: PutBatch[] = [];
  for (const s of streams.values()) {
    // Stable sort by event time: lines of one millisecond keep their arrival order.
    s.order.sort((a, b) => lines[a]!.epochMs - lines[b]!.epochMs || a - b);
    let cur: PutBatch | undefined;
    let bytes = 0;
    for (const i of s.order) {
      const message = messageOf(i);
      const size = Buffer.byteLength(message, 'utf8') + L.eventOverheadBytes;
      const t = lines[i]!.epochMs;
      if (!cur || cur.events.length >= L.maxEvents || bytes + size > L.maxBytes || t - cur.events[0]!.timestamp > L.maxSpanMs) {
        cur = { logGroupName: s.group, logStreamName: s.stream, events: [], lines: [] };
        out.push(cur);
        bytes = 0;
      }
      cur.events.push({ timestamp: t, message });
      cur.lines.push(i);
      bytes += size;
    }
  }
  return out;
}
