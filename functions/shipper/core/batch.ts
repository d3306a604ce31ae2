import type { BulkItem } from '../../shared/opensearch';
import { decodeRecordData } from '../../shared/cwl-decode';
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
  /** Events per extraction kind (json, lambda, platform, kv, text). */
  formats: Record<string, number>;
}

export function emptyCounts(records: number): BatchCounts {
  return {
    records, controlMessages: 0, poisonRecords: 0, events: 0, compressedBytes: 0, bytesIn: 0, masked: 0,
    formats: { json: 0, lambda: 0, platform: 0, kv: 0, text: 0 },
  };
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
  const m = decoded.message;
  const suffix = recordSuffix(m.owner, m.logGroup, m.logStream);
  const prefix = namer.prefixFor(m.logGroup);
  const withId = options.idMode === 'create-with-id';
  const formats = counts.formats;
  const first = items.length;
  try {
    for (const event of m.logEvents) {
      const text = masker.mask(event.message);
      const extraction = extractFields(text);
      formats[extraction.kind]!++;
      const source = renderDocument(event.id, event.timestamp, text, suffix, extraction, placement);
      const index = namer.indexFor(prefix, event.timestamp);
      items.push(withId ? { index, id: event.id, action: 'create', source, ref: r } : { index, action: 'index', source, ref: r });
    }
  } catch (err) {
    // Nothing a message contains may block the shard (e.g. JSON nested deeper than the stack):
    // the record becomes poison, whole, with the reason.
    items.length = first;
    counts.poisonRecords++;
    return `transform failed: ${(err as Error).message}`;
  }
  counts.events += m.logEvents.length;
  return undefined;
}
