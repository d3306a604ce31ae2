import { createHash } from 'node:crypto';
import type { BulkItem } from '../../shared/opensearch';
import { decodeRecordData, type LogEvent } from '../../shared/cwl-decode';
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
function uniqueId(ids: BatchIds, event: LogEvent, r: number, e: number, events: readonly LogEvent[], counts: BatchCounts): string {
  const at = ids.seen.get(event.id);
  if (at === undefined) {
    ids.seen.set(event.id, r * POSITION + e);
    ids.order.push(event.id);
    return event.id;
  }
  const firstR = Math.floor(at / POSITION);
  const first = firstR === r ? events[at % POSITION] : ids.eventAt(firstR, at % POSITION);
  if (first !== undefined && first.timestamp === event.timestamp && first.message === event.message) return event.id;
  counts.idCollisions++;
  return `${event.id}.${createHash('sha256').update(`${event.timestamp}\n${event.message}`).digest('hex').slice(0, 16)}`;
}

/**
 * One record → its bulk items (`ref` = `r`, the record's position), or the reason it is poison
 * (undefined for control messages and empty records). Counters accumulate into `counts`.
 * Callers hand the items on at once, so a record's strings never outlive it for long.
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
  const decoded = decodeRecordData(data);
  counts.compressedBytes += decoded.compressedBytes;
  if (decoded.kind === 'poison') {
    counts.poisonRecords++;
    return decoded.reason;
  }
  counts.bytesIn += decoded.bytes;
  if (decoded.kind === 'control') {
    counts.controlMessages++;
    return undefined;
  }
  if (decoded.invalidUtf8) counts.invalidUtf8Records++;
  const m = decoded.message;
  const suffix = recordSuffix(m.owner, m.logGroup, m.logStream);
  const prefix = namer.prefixFor(m.logGroup);
  const withId = options.idMode === 'create-with-id';
  const formats = counts.formats;
  const first = items.length;
  const firstId = ids ? ids.order.length : 0;
  try {
    const events = m.logEvents;
    for (let e = 0; e < events.length; e++) {
      const event = events[e]!;
      const text = masker.mask(event.message);
      const extraction = extractFields(text);
      formats[extraction.kind]!++;
      const source = renderDocument(event.id, event.timestamp, text, suffix, extraction, placement);
      const index = namer.indexFor(prefix, event.timestamp);
      if (withId) items.push({ index, id: ids ? uniqueId(ids, event, r, e, events, counts) : event.id, action: 'create', source, ref: r });
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
  counts.events += m.logEvents.length;
  return undefined;
}
