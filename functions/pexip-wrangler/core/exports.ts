import { exportFolder, EXPORT_OBJECT_SUFFIX } from '../contract';
import type { BatchLine } from './batch';

/**
 * Pure S3 export plan: one gzip NDJSON object per kind, class and event day, keyed by the batch's
 * shard and first sequence number. A batch the event source delivers again starts at the same
 * record (the handler reports the first record when anything must be retried), so its objects
 * get the same keys and are overwritten instead of adding rows twice.
 */
export interface ExportObject {
  key: string;
  /** Positions in the batch's lines, in order. */
  lines: number[];
}

export function exportObjectName(shardId: string, firstSequenceNumber: string): string {
  return `${shardId.replace(/[^A-Za-z0-9_-]/g, '_')}-${firstSequenceNumber}${EXPORT_OBJECT_SUFFIX}`;
}

export function planExportObjects(lines: readonly BatchLine[], prefix: string, shardId: string, firstSequenceNumber: string): ExportObject[] {
  const name = exportObjectName(shardId, firstSequenceNumber);
  const byKey = new Map<string, ExportObject>();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const key = `${exportFolder(prefix, l.kind, l.cls, l.epochMs)}${name}`;
    let o = byKey.get(key);
    if (!o) byKey.set(key, (o = { key, lines: [] }));
    o.lines.push(i);
  }
  return [...byKey.values()];
}

/** `shardId-000000000000` from an eventID `shardId-000000000000:4959…`. */
export function shardOf(eventId: string | undefined): string {
  const colon = eventId?.indexOf(':') ?? -1;
  return colon > 0 ? eventId!.slice(0, colon) : 'shard';
}
