import { gzipSync } from 'node:zlib';

/**
 * CloudWatch Logs subscription messages as CloudWatch Logs writes them to Kinesis (shape from
 * the AWS CloudWatch Logs documentation, "Using subscription filters"): gzip'd JSON with
 * `messageType`, `owner`, `logGroup`, `logStream`, `subscriptionFilters`, `logEvents`.
 * Ids and timestamps are deterministic (a counter), so tests and benchmarks are repeatable.
 */
export interface CwlEvent {
  id: string;
  timestamp: number;
  message: string;
}

export interface CwlPayload {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: CwlEvent[];
}

export interface CwlOptions {
  owner?: string;
  logGroup?: string;
  logStream?: string;
  /** Timestamp of the first event; later ones are 1 ms apart. @default 2024-01-02T03:04:05.678Z */
  timestamp?: number;
  messageType?: CwlPayload['messageType'];
}

export const BASE_TIMESTAMP = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
let eventCounter = 0;

/** Restart ids at 1 (call in `beforeEach` when a test asserts exact ids). */
export function resetCwlIds(): void {
  eventCounter = 0;
}

/** A 56-digit id like CloudWatch's, unique per factory call. */
export function nextEventId(): string {
  return `3${String(++eventCounter).padStart(55, '0')}`;
}

/**
 * `events`: a count (messages `event <n>`), or messages / partial events.
 */
export function cwlPayload(events: number | (string | Partial<CwlEvent>)[], opts: CwlOptions = {}): CwlPayload {
  const list = typeof events === 'number' ? Array.from({ length: events }, (_, i) => `event ${i}`) : events;
  const t0 = opts.timestamp ?? BASE_TIMESTAMP;
  const messageType = opts.messageType ?? 'DATA_MESSAGE';
  return {
    messageType,
    owner: opts.owner ?? '123456789012',
    logGroup: opts.logGroup ?? (messageType === 'CONTROL_MESSAGE' ? '' : '/aws/lambda/orders'),
    logStream: opts.logStream ?? (messageType === 'CONTROL_MESSAGE' ? '' : '2024/01/02/[$LATEST]abcdef0123456789'),
    subscriptionFilters: messageType === 'CONTROL_MESSAGE' ? [] : ['to-opensearch'],
    logEvents: messageType === 'CONTROL_MESSAGE'
      ? [{ id: '', timestamp: t0, message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' }]
      : list.map((e, i) => {
          const partial = typeof e === 'string' ? { message: e } : e;
          return { id: partial.id ?? nextEventId(), timestamp: partial.timestamp ?? t0 + i, message: partial.message ?? `event ${i}` };
        }),
  };
}

/** base64(gzip(JSON)) of a payload, as the Kinesis record's data. */
export function encodePayload(payload: unknown): string {
  return gzipSync(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload))).toString('base64');
}
