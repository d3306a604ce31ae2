import type { DeadLetterEntry } from '../shared/dead-letter';
import type { ItemFailure } from '../shared/opensearch';
import type { ObjectRef } from './core/events';

/**
 * Pure: documents OpenSearch rejected permanently (mapping conflicts, 400s) as entries of the
 * shared dead-letter schema (functions/shared/dead-letter.ts), pointing back at the object line.
 */
export function rejectedEntries(obj: ObjectRef, rejected: readonly ItemFailure<number>[]): DeadLetterEntry[] {
  return rejected.map((r) => ({
    reason: r.error,
    status: r.status,
    source: { type: 's3', bucket: obj.bucket, key: obj.key, line: r.item.ref },
    index: r.item.index,
    id: r.item.id,
    document: r.item.source,
  }));
}
