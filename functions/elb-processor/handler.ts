import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import type { DeadLetterWriter } from '../shared/dead-letter';
import type { LineWriter } from '../shared/metrics';
import type { BulkClient } from '../shared/opensearch';
import type { ElbProcessorConfig } from './config';
import { ELB_DEAD_LETTER_KINDS } from './contract';
import { objectsFromEvent, type ObjectRef } from './core/events';
import { classifyKey } from './core/s3-key';
import { rejectedEntries } from './dead-letter';
import { fetchObject, indexObjectStream, type FileCounts } from './process-object';
import { logObjectSummary } from './report';

export interface HandlerDeps {
  config: ElbProcessorConfig;
  s3: Pick<S3Client, 'send'>;
  bulk: Pick<BulkClient, 'open'>;
  deadLetters: DeadLetterWriter;
  /** Where summary lines go (stdout by default). */
  write?: LineWriter;
}

export interface ObjectSummary {
  bucket: string;
  key: string;
  /** `processed`, or why the object was skipped, or `failed` (then `reason` says why). */
  status: 'processed' | 'skipped-test-file' | 'skipped-not-a-log' | 'skipped-missing' | 'failed';
  reason?: string;
  counts?: FileCounts;
  deadLettered?: number;
  durationMs: number;
}

export type ElbHandler = (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>) => Promise<ObjectSummary[]>;

/**
 * Processes every object of the event in turn. Skips AWS's ELBAccessLogTestFile and keys that
 * are not load-balancer logs. Unparsable lines are indexed into `<prefix>-failed`; documents
 * the index rejects permanently are dead-lettered to S3 and counted. Documents still failing
 * transiently at the deadline make the invocation throw, so Lambda's asynchronous retry
 * reprocesses the object: deterministic ids + `create` turn the re-sent documents into 409
 * duplicates, never copies.
 */
export function createHandler(deps: HandlerDeps): ElbHandler {
  return async function handler(event, context) {
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

async function processObject(deps: HandlerDeps, obj: ObjectRef, deadlineMs: number, requestId: string): Promise<ObjectSummary> {
  const started = Date.now();
  const done = (status: ObjectSummary['status'], extra: Partial<ObjectSummary> = {}): ObjectSummary => ({
    bucket: obj.bucket, key: obj.key, status, ...extra, durationMs: Date.now() - started,
  });
  if (obj.problem !== undefined) return done('failed', { reason: obj.problem });
  const kind = classifyKey(obj.key);
  if (kind.kind !== 'log') return done(kind.kind === 'test-file' ? 'skipped-test-file' : 'skipped-not-a-log');
  const fetched = await fetchObject(deps.s3, obj);
  if (!fetched.found) return done('skipped-missing');
  const outcome = await indexObjectStream(
    fetched.body,
    { bucket: obj.bucket, key: obj.key, revision: fetched.revision, keyType: kind.type, gzip: kind.gzip },
    deps.config,
    deps.bulk,
    deadlineMs,
  );
  // A failed dead-letter write throws: the invocation fails and the object is retried, nothing is lost.
  await deps.deadLetters.write(ELB_DEAD_LETTER_KINDS.rejected, requestId, rejectedEntries(obj, outcome.rejected));
  return done('processed', { counts: outcome.counts, deadLettered: outcome.rejected.length });
}
