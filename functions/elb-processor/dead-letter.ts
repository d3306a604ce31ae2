import type { DeadLetterWriter } from '../shared/dead-letter';
import type { ElbBulkItem } from './core/documents';
import type { ObjectRef } from './core/events';

/**
 * Documents OpenSearch rejected permanently (mapping conflicts, 400s) go to the shared S3
 * dead-letter writer (kind `rejected-document`: target index, id, status, error, the source
 * object and line, and the document) so they can be fixed and replayed. Without a dead-letter
 * bucket they are logged at ERROR (count and first reasons); either way they are counted.
 * Returns how many were dead-lettered.
 */
export async function deadLetterRejected(
  writer: DeadLetterWriter | undefined,
  obj: ObjectRef,
  rejected: { item: ElbBulkItem; status: number; error: string }[],
  requestId: string,
): Promise<number> {
  if (rejected.length === 0) return 0;
  if (!writer) {
    process.stdout.write(`${JSON.stringify({
      level: 'ERROR',
      message: 'documents rejected by OpenSearch and no DEAD_LETTER_BUCKET configured',
      bucket: obj.bucket,
      key: obj.key,
      rejected: rejected.length,
      examples: rejected.slice(0, 5).map((r) => ({ line: r.item.ref, status: r.status, error: r.error })),
    })}\n`);
    return 0;
  }
  await writer.write('rejected-document', requestId, rejected.map((r) => ({
    reason: `${r.status}: ${r.error}`,
    sourceBucket: obj.bucket,
    sourceKey: obj.key,
    line: r.item.ref,
    index: r.item.index,
    id: r.item.id,
    document: r.item.source,
  })));
  return rejected.length;
}
