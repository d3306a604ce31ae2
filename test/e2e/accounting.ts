import { gunzipSync } from 'node:zlib';
import type { StoredDoc } from './search';
import type { DeadLetterObject, StreamContents, StreamEvent } from './pipeline';
import { tokenOf } from './workload';

/**
 * Pure bookkeeping of one e2e run: which events the stream carried, which OpenSearch holds (and how
 * often), which the dead-letter bucket holds, and whatever is unaccounted for. No I/O.
 */
export interface Accounting {
  eventsInStream: number;
  indexed: number;
  /** Documents beyond the first for the same event (must be 0). */
  duplicates: number;
  deadLetteredEvents: number;
  deadLetteredRecords: number;
  /** Events neither indexed nor dead-lettered (must be empty). */
  missing: StreamEvent[];
  /** Events both indexed and dead-lettered (must be empty). */
  indexedAndDeadLettered: string[];
  /** Documents whose fields or index disagree with the event (must be empty). */
  wrong: { id: string; problem: string }[];
  /** Undecodable stream records not found in the dead letters (must be empty). */
  poisonNotDeadLettered: string[];
  /** Dead-letter entries (lines) without a reason field. */
  deadLettersWithoutReason: number;
  /** Dead-letter reasons (first 120 characters) and how often each occurs. */
  deadLetterReasons: Record<string, number>;
  latencyMs: { p50: number; p95: number; samples: number };
  indices: string[];
  truncated: number;
}

export function dailyIndex(prefix: string, timestampMs: number): string {
  return `${prefix}-${new Date(timestampMs).toISOString().slice(0, 10).replace(/-/g, '.')}`;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The log messages inside a dead-lettered Kinesis record (`data`, base64 gzip'd CloudWatch Logs JSON), if any. */
function messagesInRecordData(data: unknown): string {
  if (typeof data !== 'string') return '';
  try {
    const doc = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as { logEvents?: { message?: unknown }[] };
    return Array.isArray(doc.logEvents) ? doc.logEvents.map((e) => String(e?.message)).join('\n') : '';
  } catch {
    return '';
  }
}

/** Dead-letter objects may be one JSON document or NDJSON; each entry must say why it is there. */
function deadLetterEntries(objects: DeadLetterObject[]): { text: string; hasReason: boolean; reason?: string }[] {
  const entries: { text: string; hasReason: boolean; reason?: string }[] = [];
  for (const o of objects) {
    const lines = o.body.split('\n').filter((l) => l.trim() !== '');
    for (const line of lines) {
      let hasReason = false;
      let reason: string | undefined;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        hasReason = ['reason', 'error', 'errorMessage', 'status'].some((k) => parsed[k] !== undefined && parsed[k] !== '');
        reason = String(parsed.reason ?? parsed.error ?? parsed.errorMessage ?? parsed.status).slice(0, 120);
        // A whole record dead-lettered carries its events: they count as dead-lettered too.
        const inner = messagesInRecordData(parsed.data);
        if (inner) entries.push({ text: inner, hasReason: true });
      } catch {
        hasReason = false;
      }
      entries.push({ text: line, hasReason, reason });
    }
  }
  return entries;
}

export function account(input: {
  prefix: string;
  stream: StreamContents;
  docs: StoredDoc[];
  deadLetters: DeadLetterObject[];
  putTimes: Map<string, number>;
  /** Document id → when it first became searchable. */
  firstSeen: Map<string, number>;
}): Accounting {
  const byId = new Map(input.stream.events.map((e) => [e.id, e]));
  const seen = new Map<string, number>();
  const wrong: Accounting['wrong'] = [];
  const latencies: number[] = [];
  let truncated = 0;
  for (const doc of input.docs) {
    const s = doc.source;
    const id = String(s['@id']);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    const event = byId.get(id);
    if (!event) {
      wrong.push({ id, problem: 'no such event in the stream' });
      continue;
    }
    const isTruncated = s['@truncated'] === true;
    if (isTruncated) truncated++;
    const problems: string[] = [];
    if (doc.id !== id) problems.push(`_id ${doc.id} != @id ${id}`);
    if (doc.index !== dailyIndex(input.prefix, event.timestamp)) problems.push(`in ${doc.index}, expected ${dailyIndex(input.prefix, event.timestamp)}`);
    if (s['@timestamp'] !== new Date(event.timestamp).toISOString()) problems.push(`@timestamp ${String(s['@timestamp'])}`);
    if (s['@log_group'] !== event.logGroup) problems.push(`@log_group ${String(s['@log_group'])}`);
    if (s['@log_stream'] !== event.logStream) problems.push(`@log_stream ${String(s['@log_stream'])}`);
    if (s['@owner'] !== event.owner) problems.push(`@owner ${String(s['@owner'])}`);
    const message = String(s['@message']);
    if (isTruncated ? !event.message.startsWith(message.replace(/…\[truncated\]$/, '')) : message !== event.message)
      problems.push(`@message differs (${message.length} vs ${event.message.length} chars)`);
    if (problems.length) wrong.push({ id, problem: problems.join('; ') });
    const token = tokenOf(event.message);
    const put = token ? input.putTimes.get(token) : undefined;
    const seenAt = input.firstSeen.get(doc.id);
    if (put !== undefined && seenAt !== undefined) latencies.push(seenAt - put);
  }

  const entries = deadLetterEntries(input.deadLetters);
  const deadText = entries.map((e) => e.text).join('\n');
  const deadTokens = new Set<string>();
  for (const m of deadText.matchAll(/tok=[\w.-]+-\d+/g)) deadTokens.add(m[0]);

  const missing: StreamEvent[] = [];
  const both: string[] = [];
  let deadLetteredEvents = 0;
  for (const e of input.stream.events) {
    const token = tokenOf(e.message);
    const dead = token !== undefined && deadTokens.has(token);
    if (dead) deadLetteredEvents++;
    if (seen.has(e.id) && dead) both.push(e.id);
    if (!seen.has(e.id) && !dead) missing.push(e);
  }
  const poisonNotDeadLettered = input.stream.undecodable
    // A replayable dead letter carries the record's data, or at least names its sequence number.
    .filter((p) => !deadText.includes(p.dataBase64) && !deadText.includes(`"${p.sequenceNumber}"`))
    .map((p) => `${p.shardId}:${p.sequenceNumber}`);

  latencies.sort((a, b) => a - b);
  const deadLetterReasons: Record<string, number> = {};
  for (const e of entries) if (e.reason !== undefined) deadLetterReasons[e.reason] = (deadLetterReasons[e.reason] ?? 0) + 1;
  return {
    eventsInStream: input.stream.events.length,
    indexed: seen.size,
    duplicates: input.docs.length - seen.size,
    deadLetteredEvents,
    deadLetteredRecords: input.stream.undecodable.length - poisonNotDeadLettered.length,
    missing,
    indexedAndDeadLettered: both,
    wrong,
    poisonNotDeadLettered,
    deadLettersWithoutReason: entries.filter((e) => !e.hasReason).length,
    deadLetterReasons,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), samples: latencies.length },
    indices: [...new Set(input.docs.map((d) => d.index))].sort(),
    truncated,
  };
}

export function summaryLine(run: string, eventsPut: number, a: Accounting, wallMs: number, extra = ''): string {
  return (
    `[e2e] ${run.padEnd(12)} events_in=${eventsPut} indexed=${a.indexed} duplicates=${a.duplicates} ` +
    `dead_lettered=${a.deadLetteredEvents}+${a.deadLetteredRecords}rec wall=${(wallMs / 1000).toFixed(1)}s ` +
    `p50_latency=${Math.round(a.latencyMs.p50)}ms p95=${Math.round(a.latencyMs.p95)}ms${extra ? ` ${extra}` : ''}`
  );
}
