import { createHash } from 'node:crypto';
import type { BulkItem } from '../../shared/opensearch';
import { inflateRecordData, parsePayloadText, type LogEvent } from '../../shared/cwl-decode';
import { scanPayload, type ScannedPayload } from '../../shared/cwl-scan';
import { renderDocument, recordSuffix, type FieldPlacement } from './document';
import { extractFields } from './extract';
import type { IndexNamer } from './index-name';
import type { Masker } from './mask';

/**
 * Pure batch transform: Kinesis records → bulk items (one per log event, `ref` = the record's
 * position in the batch) plus poison records and counters. No I/O.
 */
export interface TransformOptions {
  namer: IndexNamer;
  masker: Masker;
  placement: FieldPlacement;
  /** `create` with the event id (managed domains, aoss search), or `index` without id (aoss time series). */
  idMode: 'create-with-id' | 'index-without-id';
}

export interface PoisonRecord {
  /** Position in the batch. */
  record: number;
  reason: string;
}

export interface BatchCounts {
  records: number;
  controlMessages: number;
  poisonRecords: number;
  events: number;
  /** Bytes of gzip data received (after base64). */
  compressedBytes: number;
  /** Bytes of decompressed subscription messages. */
  bytesIn: number;
  /** Values masked across all messages. */
  masked: number;
  /** Records whose payload held invalid UTF-8 (shipped with U+FFFD in its place). */
  invalidUtf8Records: number;
  /** Events whose id an earlier event of the batch had, with other content: indexed under a derived id. */
  idCollisions: number;
  /** Events per extraction kind (json, lambda, platform, kv, text). */
  formats: Record<string, number>;
}

export function emptyCounts(records: number): BatchCounts {
  return {
    records, controlMessages: 0, poisonRecords: 0, events: 0, compressedBytes: 0, bytesIn: 0, masked: 0, invalidUtf8Records: 0, idCollisions: 0,
    formats: { json: 0, lambda: 0, platform: 0, kv: 0, text: 0 },
  };
}

/**
 * The event ids of one batch. CloudWatch Logs ids are unique, but anything that can write to the
 * stream can repeat one, and `create` would then answer 409 for the second event: counted as a
 * duplicate, its content lost without a trace. So the first event keeps the id; a later event
 * with that id and the same timestamp and message is a real duplicate (409, as before); one with
 * other content is indexed as `<id>.<16 hex of sha256(timestamp, message)>` (`@id` keeps the id
 * it came with), the same id on every retry. Only positions are kept: the earlier event is
 * decoded again when (rarely) an id repeats. Ids repeated across batches cannot be seen here.
 */
export interface BatchIds {
  readonly seen: Map<string, number>;
  /** Ids in the order first seen, so a record that fails half-way can take its ids back. */
  readonly order: string[];
  /** Event `e` of record `r` of the batch (decoded again), for comparing content. */
  readonly eventAt: (r: number, e: number) => LogEvent | undefined;
}

export function createBatchIds(eventAt: (r: number, e: number) => LogEvent | undefined): BatchIds {
  return { seen: new Map(), order: [], eventAt };
}

const POSITION = 2 ** 32;

/** The bulk id for event `e` of record `r` (see BatchIds). */
function uniqueId(ids: BatchIds, p: ScannedPayload, r: number, e: number, counts: BatchCounts): string {
  const id = p.ids[e]!;
  const at = ids.seen.get(id);
  if (at === undefined) {
    ids.seen.set(id, r * POSITION + e);
    ids.order.push(id);
    return id;
  }
  const firstR = Math.floor(at / POSITION);
  const firstE = at % POSITION;
  const timestamp = p.timestamps[e]!;
  const message = p.messages[e]!;
  if (firstR === r) {
    if (p.timestamps[firstE] === timestamp && p.messages[firstE] === message) return id;
  } else {
    const first = ids.eventAt(firstR, firstE);
    if (first !== undefined && first.timestamp === timestamp && first.message === message) return id;
  }
  counts.idCollisions++;
  return `${id}.${createHash('sha256').update(`${timestamp}\n${message}`).digest('hex').slice(0, 16)}`;
}

/** A payload JSON.parse read (the scanner's fallback) in the scanner's shape, without escaped texts. */
function fromEvents(owner: string, logGroup: string, logStream: string, events: readonly LogEvent[]): ScannedPayload {
  const p: ScannedPayload = { owner, logGroup, logStream, ids: [], timestamps: [], messages: [], raws: [] };
  for (const e of events) {
    p.ids.push(e.id);
    p.timestamps.push(e.timestamp);
    p.messages.push(e.message);
    p.raws.push(undefined);
  }
  return p;
}

/**
 * One record → its bulk items (`ref` = `r`, the record's position), or the reason it is poison
 * (undefined for control messages and empty records). Counters accumulate into `counts`.
 * Callers hand the items on at once, so a record's strings never outlive it for long.
 * The payload is read by the linear scanner (shared/cwl-scan.ts) when it has CloudWatch Logs'
 * compact form, which also hands over each message's escaped text for `@message`; otherwise by
 * JSON.parse, with the same result.
 */
export function transformRecord(
  data: string,
  r: number,
  options: TransformOptions,
  counts: BatchCounts,
  items: BulkItem<number>[],
  /** Ids seen earlier in the batch (see BatchIds); without it, ids are taken as they come. */
  ids?: BatchIds,
): string | undefined {
  const { namer, masker, placement } = options;
  const inflated = inflateRecordData(data);
  counts.compressedBytes += inflated.compressedBytes;
  if (inflated.kind === 'poison') {
    counts.poisonRecords++;
    return inflated.reason;
  }
  const text = inflated.text;
  let p = scanPayload(text);
  if (p === undefined) {
    const decoded = parsePayloadText(text, inflated.compressedBytes, inflated.invalidUtf8);
    if (decoded.kind === 'poison') {
      counts.poisonRecords++;
      return decoded.reason;
    }
    counts.bytesIn += decoded.bytes;
    if (decoded.kind === 'control') {
      counts.controlMessages++;
      return undefined;
    }
    const m = decoded.message;
    p = fromEvents(m.owner, m.logGroup, m.logStream, m.logEvents);
  } else {
    counts.bytesIn += text.length;
  }
  if (inflated.invalidUtf8) counts.invalidUtf8Records++;
  const suffix = recordSuffix(p.owner, p.logGroup, p.logStream);
  const prefix = namer.prefixFor(p.logGroup);
  const withId = options.idMode === 'create-with-id';
  const formats = counts.formats;
  const first = items.length;
  const firstId = ids ? ids.order.length : 0;
  const n = p.ids.length;
  try {
    for (let e = 0; e < n; e++) {
      const message = p.messages[e]!;
      const timestamp = p.timestamps[e]!;
      const masked = masker.mask(message);
      const extraction = extractFields(masked);
      formats[extraction.kind]!++;
      // Unmasked: the payload's own escaping of the message is what JSON.stringify would write.
      const raw = masked === message ? p.raws[e] : undefined;
      const source = renderDocument(p.ids[e]!, timestamp, masked, suffix, extraction, placement, raw);
      const index = namer.indexFor(prefix, timestamp);
      if (withId) items.push({ index, id: ids ? uniqueId(ids, p, r, e, counts) : p.ids[e]!, action: 'create', source, ref: r });
      else items.push({ index, action: 'index', source, ref: r });
    }
  } catch (err) {
    // Nothing a message contains may block the shard (e.g. JSON nested deeper than the stack):
    // the record becomes poison, whole, with the reason.
    items.length = first;
    if (ids) {
      // Its events are dead-lettered with the record: their ids were never used.
      for (let i = firstId; i < ids.order.length; i++) ids.seen.delete(ids.order[i]!);
      ids.order.length = firstId;
    }
    counts.poisonRecords++;
    return `transform failed: ${(err as Error).message}`;
  }
  counts.events += n;
  return undefined;
}
