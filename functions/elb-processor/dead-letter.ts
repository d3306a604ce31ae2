import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { ObjectRef } from './core/events';
import type { ElbBulkItem } from './core/documents';
import type { HandlerDeps } from './handler';

/**
 * Items the index rejected permanently (mapping conflicts, 400s) go to
 * `s3://<DEAD_LETTER_BUCKET>/<prefix>YYYY/MM/DD/<requestId>-<n>.jsonl`, one JSON line per item
 * with the target index, id, status, error and the document itself, so they can be fixed and
 * replayed. Without a dead-letter bucket they are logged (count + first reasons) at ERROR.
 */
export async function writeRejected(
  deps: Pick<HandlerDeps, 'config' | 's3'>,
  obj: ObjectRef,
  rejected: { item: ElbBulkItem; status: number; error: string }[],
  requestId: string,
): Promise<void> {
  const { deadLetterBucket, deadLetterPrefix } = deps.config;
  if (!deadLetterBucket) {
    console.error(JSON.stringify({
      level: 'ERROR',
      message: 'documents rejected by OpenSearch and no DEAD_LETTER_BUCKET configured',
      bucket: obj.bucket,
      key: obj.key,
      rejected: rejected.length,
      examples: rejected.slice(0, 5).map((r) => ({ line: r.item.ref, status: r.status, error: r.error })),
    }));
    return;
  }
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const body = rejected
    .map((r) => JSON.stringify({ source_bucket: obj.bucket, source_key: obj.key, line: r.item.ref, index: r.item.index, id: r.item.id, status: r.status, error: r.error, document: r.item.source }))
    .join('\n');
  await deps.s3.send(new PutObjectCommand({
    Bucket: deadLetterBucket,
    Key: `${deadLetterPrefix}${day}/${requestId}-${r6()}.jsonl`,
    Body: `${body}\n`,
    ContentType: 'application/x-ndjson',
  }));
}

function r6(): string {
  return Math.random().toString(36).slice(2, 8);
}
