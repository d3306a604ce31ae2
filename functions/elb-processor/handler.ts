import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import type { Readable } from 'node:stream';
import type { DeadLetterWriter } from '../shared/dead-letter';
import type { LineWriter } from '../shared/metrics';
import type { ElbProcessorConfig } from './config';
import { objectsFromEvent, type ObjectRef } from './core/events';
import { classifyKey } from './core/s3-key';
import { deadLetterRejected } from './dead-letter';
import { processStream, type BulkSender, type FileCounts } from './pipeline';
import { logObjectSummary } from './report';

export interface HandlerDeps {
  config: ElbProcessorConfig;
  s3: Pick<S3Client, 'send'>;
  sender: BulkSender;
  deadLetters?: DeadLetterWriter;
  /** Where summary lines go (stdout by default). */
  write?: LineWriter;
}

export interface ObjectSummary {
  bucket: string;
  key: string;
  /** `processed`, or why the object was skipped. */
  status: 'processed' | 'skipped-test-file' | 'skipped-not-a-log' | 'skipped-missing';
  counts?: FileCounts;
  deadLettered?: number;
  durationMs: number;
}

/**
 * Processes every object of the event in turn. Skips AWS's ELBAccessLogTestFile and keys that
 * are not load-balancer logs. Unparsable lines are indexed into `<prefix>-failed`; documents
 * the index rejects permanently are dead-lettered to S3 (when configured) and counted.
 * Documents still failing transiently at the deadline make the invocation throw, so Lambda's
 * asynchronous retry reprocesses the object: deterministic ids + `create` turn the re-sent
 * documents into 409 duplicates, never copies.
 */
export function createHandler(deps: HandlerDeps) {
  return async function handler(event: unknown, context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>): Promise<ObjectSummary[]> {
    const objects = objectsFromEvent(event);
    const summaries: ObjectSummary[] = [];
    const retry: string[] = [];
    for (const obj of objects) {
      const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - deps.config.safetyMarginMs;
      const summary = await processObject(deps, obj, deadlineMs, context.awsRequestId);
      summaries.push(summary);
      logObjectSummary(deps.config.functionName, summary, deps.write);
      if (summary.counts && summary.counts.transient > 0) retry.push(`s3://${obj.bucket}/${obj.key} (${summary.counts.transient} documents)`);
    }
    if (retry.length) throw new Error(`transient indexing failures, the event will be retried: ${retry.join(', ')}`);
    return summaries;
  };
}

export async function processObject(deps: HandlerDeps, obj: ObjectRef, deadlineMs: number, requestId: string): Promise<ObjectSummary> {
  const started = Date.now();
  const kind = classifyKey(obj.key);
  if (kind.kind !== 'log') {
    return { bucket: obj.bucket, key: obj.key, status: kind.kind === 'test-file' ? 'skipped-test-file' : 'skipped-not-a-log', durationMs: Date.now() - started };
  }
  let res;
  try {
    res = await deps.s3.send(new GetObjectCommand({ Bucket: obj.bucket, Key: obj.key, VersionId: obj.versionId }));
  } catch (err) {
    // Gone before we read it (deleted, or expired by the lifecycle rule): retrying cannot bring it back.
    if ((err as { name?: string }).name === 'NoSuchKey' || (err as { name?: string }).name === 'NoSuchVersion') {
      return { bucket: obj.bucket, key: obj.key, status: 'skipped-missing', durationMs: Date.now() - started };
    }
    throw err;
  }
  const revision = obj.versionId ?? res.VersionId ?? stripQuotes(obj.eTag ?? res.ETag ?? '');
  const body = res.Body as Readable | undefined;
  if (!body) throw new Error(`s3://${obj.bucket}/${obj.key}: GetObject returned no body`);
  const { config } = deps;
  const outcome = await processStream(
    body,
    kind.gzip,
    { bucket: obj.bucket, key: obj.key, revision, indexPrefix: config.indexPrefix, keyType: kind.type, metadata: config.metadata },
    deps.sender,
    { chunkBytes: config.chunkBytes, maxChunksInFlight: config.maxChunksInFlight, maxLineBytes: config.maxLineBytes, deadlineMs },
  );
  const deadLettered = await deadLetterRejected(deps.deadLetters, obj, outcome.rejectedItems, requestId);
  return { bucket: obj.bucket, key: obj.key, status: 'processed', counts: outcome.counts, deadLettered, durationMs: Date.now() - started };
}

function stripQuotes(s: string): string {
  return s.replace(/^"|"$/g, '');
}
