import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';

/**
 * Pure decoding of one Kinesis record carrying a CloudWatch Logs subscription message:
 * base64 → gunzip → JSON → shape check. Anything that fails is a poison record, described by
 * a reason naming the step, so it can be dead-lettered whole instead of blocking the shard.
 */
export interface LogEvent {
  id: string;
  timestamp: number;
  message: string;
}

export interface DataMessage {
  messageType: 'DATA_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: LogEvent[];
}

export type Decoded =
  /** `invalidUtf8`: the payload held bytes that are not UTF-8; they were decoded as U+FFFD (and counted). */
  | { kind: 'data'; message: DataMessage; compressedBytes: number; bytes: number; invalidUtf8: boolean }
  | { kind: 'control'; compressedBytes: number; bytes: number }
  | { kind: 'poison'; reason: string; compressedBytes: number };

const MAX_TIMESTAMP = 253_402_300_800_000;

/** Bytes that `data.length` base64 characters encode (Node's decoder skips invalid characters, so fewer bytes means bad input). */
function expectedBytes(data: string): number {
  const pad = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - pad;
}

export function decodeRecordData(data: string): Decoded {
  const compressed = data.length % 4 === 0 ? Buffer.from(data, 'base64') : undefined;
  if (compressed === undefined || compressed.length !== expectedBytes(data) || data.indexOf('-') >= 0 || data.indexOf('_') >= 0)
    return { kind: 'poison', reason: 'data is not valid base64', compressedBytes: data.length };
  const compressedBytes = compressed.length;
  let text: string;
  let invalidUtf8 = false;
  try {
    const raw = gunzipSync(compressed);
    text = raw.toString('utf8');
    // Decoding replaces invalid bytes with U+FFFD without a word: look closer only when one shows.
    if (text.indexOf('\uFFFD') !== -1) invalidUtf8 = !isUtf8(raw);
  } catch (err) {
    return { kind: 'poison', reason: `data is not gzip: ${(err as Error).message}`, compressedBytes };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { kind: 'poison', reason: `payload is not JSON: ${(err as Error).message}`, compressedBytes };
  }
  const bytes = text.length;
  const problem = shapeProblem(parsed);
  if (problem === 'control') return { kind: 'control', compressedBytes, bytes };
  if (problem) return { kind: 'poison', reason: `payload is not a CloudWatch Logs subscription message: ${problem}`, compressedBytes };
  return { kind: 'data', message: parsed as DataMessage, compressedBytes, bytes, invalidUtf8 };
}

/** Undefined when `value` is a well-formed DATA_MESSAGE, 'control' for a CONTROL_MESSAGE, else what is wrong. */
export function shapeProblem(value: unknown): string | 'control' | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const m = value as Record<string, unknown>;
  if (m.messageType === 'CONTROL_MESSAGE') return 'control';
  if (m.messageType !== 'DATA_MESSAGE') return `messageType is ${JSON.stringify(m.messageType)}`;
  for (const field of ['owner', 'logGroup', 'logStream'] as const) {
    if (typeof m[field] !== 'string' || m[field] === '') return `${field} is missing or not a string`;
  }
  if (!Array.isArray(m.logEvents)) return 'logEvents is not an array';
  const events = m.logEvents as unknown[];
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object') return `logEvents[${i}] is not an object`;
    // CloudWatch Logs writes ids as decimal strings; other producers (moto) write small numbers.
    // A number is accepted only when exact: a rounded id could collide with another event's.
    if (typeof e.id === 'number' && Number.isSafeInteger(e.id) && e.id >= 0) e.id = String(e.id);
    else if (typeof e.id !== 'string' || e.id === '') return `logEvents[${i}].id is missing, not a string or not an exact integer`;
    if (typeof e.timestamp !== 'number' || !Number.isFinite(e.timestamp)) return `logEvents[${i}].timestamp is not a number`;
    // Outside years 1970..9999 neither an ISO timestamp nor a daily index name can be made.
    if (e.timestamp < 0 || e.timestamp >= MAX_TIMESTAMP) return `logEvents[${i}].timestamp ${e.timestamp} is outside 1970..9999`;
    if (typeof e.message !== 'string') return `logEvents[${i}].message is not a string`;
  }
  return undefined;
}
