import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createBulkClient, type BulkClient } from '../shared/opensearch';
import { emptySummary, planObject, reasonGroup, type ItemRef, type ReplayOptions, type ReplaySummary } from './core';

const add = (m: Record<string, number>, k: string, n = 1): void => {
  m[k] = (m[k] ?? 0) + n;
};

/**
 * Replays every dead-letter object under the prefix, one object at a time: its documents go out
 * through the shared bulk client as `create` with their `_id`, so a second replay (or a document
 * that made it in meanwhile) answers 409 and counts as already indexed. An object is deleted only
 * when every one of its lines is in; otherwise it stays whole for the next attempt.
 */
export async function replay(opts: ReplayOptions, s3: S3Client, progress: (line: string) => void, bulk?: BulkClient): Promise<ReplaySummary> {
  const client = bulk ?? createBulkClient({ endpoint: opts.endpoint, service: opts.service, region: opts.region, sign: opts.sign });
  const summary = emptySummary();
  let token: string | undefined;
  try {
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: opts.bucket, Prefix: opts.prefix, ContinuationToken: token }));
      token = page.NextContinuationToken;
      for (const obj of page.Contents ?? []) {
        if (!obj.Key || (opts.since && obj.LastModified && obj.LastModified < opts.since)) continue;
        await replayObject(obj.Key, opts, s3, client, summary);
        progress(`${obj.Key}: replayed ${summary.replayed}, already indexed ${summary.alreadyIndexed}, still refused ${summary.stillRefused} so far`);
      }
    } while (token);
  } finally {
    if (!bulk) client.close();
  }
  return summary;
}

async function replayObject(key: string, opts: ReplayOptions, s3: S3Client, client: BulkClient, summary: ReplaySummary): Promise<void> {
  summary.objects++;
  const got = await s3.send(new GetObjectCommand({ Bucket: opts.bucket, Key: key }));
  const plan = planObject(key, (await got.Body?.transformToString('utf8')) ?? '', opts);
  for (const s of plan.skipped) add(summary.skippedReasons, s.reason);
  summary.skipped += plan.skipped.length;
  if (opts.dryRun) {
    summary.replayed += plan.items.length;
    return;
  }
  let pending = plan.items.length;
  if (plan.items.length) {
    const outcome = await client.send<ItemRef>(plan.items, { deadlineMs: Date.now() + 120_000 });
    summary.replayed += outcome.indexed;
    summary.alreadyIndexed += outcome.duplicates;
    for (const f of [...outcome.permanentFailures, ...outcome.transientFailures]) add(summary.refusedReasons, `${f.status} ${reasonGroup(f.error)}`);
    pending = outcome.permanentFailures.length + outcome.transientFailures.length;
    summary.stillRefused += pending;
  }
  // Deleted only when every line is in: nothing skipped, nothing filtered out, nothing refused.
  if (pending === 0 && plan.skipped.length === 0 && plan.filteredOut === 0) {
    await s3.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: key }));
    summary.deletedObjects++;
  } else summary.keptObjects++;
}
