import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { functionArn, invocationContext } from './context';
import { compareSequenceNumbers, toKinesisStreamEvent } from './kinesis-event';
import { buildOnFailureRecord, type OnFailureCondition, type OnFailureRecord } from './on-failure';

/**
 * A local stand-in for Lambda's Kinesis event source mapping, for tests and the demo: one batch in
 * flight per shard, partial batch responses (checkpoint at the lowest failed sequence number),
 * bisect on function error (which, as in Lambda, does not use up retries), finite retries and
 * record age, and on-failure metadata to an SQS queue.
 */
export type KinesisHandler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse | void>;

export interface KinesisEventSourceOptions {
  kinesis: KinesisClient;
  streamName: string;
  handler: KinesisHandler;
  /** @default 100 (Lambda's default for Kinesis) */
  batchSize?: number;
  /** Function timeout; the context's remaining time counts down from it. @default 60000 */
  functionTimeoutMs?: number;
  /** @default true */
  bisectBatchOnFunctionError?: boolean;
  /** -1 retries forever (Lambda's default). @default -1 */
  maximumRetryAttempts?: number;
  /** -1 never expires records. @default -1 */
  maximumRecordAgeSeconds?: number;
  /** Honour `batchItemFailures` (FunctionResponseTypes: ReportBatchItemFailures). @default true */
  reportBatchItemFailures?: boolean;
  /** On-failure destination. Without it, discarded batches are only kept in `onFailureRecords`. */
  onFailure?: { sqs: SQSClient; queueUrl: string };
  /** Delay before retrying a failed batch, by attempt number (1-based). @default 100 ms doubling up to 2 s */
  retryDelayMs?: (attempt: number) => number;
  functionName?: string;
  region?: string;
  accountId?: string;
  /** Sleep between empty polls. @default 100 */
  idlePollMs?: number;
}

export interface EventSourceStats {
  invocations: number;
  recordsRead: number;
  recordsSucceeded: number;
  functionErrors: number;
  partialFailures: number;
  bisections: number;
  retries: number;
  batchesDiscarded: number;
  recordsDiscarded: number;
}

interface Work {
  records: _Record[];
  /** Failed invocations of (a superset of) these records so far. */
  attempts: number;
  /** Invocations that included these records, for approximateInvokeCount. */
  invokes: number;
  lastError?: string;
}

interface ShardState {
  shardId: string;
  iterator: string | undefined;
  work: Work[];
  notBefore: number;
}

type InvokeResult = { kind: 'ok' } | { kind: 'partial'; failedFrom: number } | { kind: 'error'; error: string };

export interface KinesisEventSource {
  readonly stats: EventSourceStats;
  readonly onFailureRecords: OnFailureRecord[];
  /** Processes at most one batch per shard; resolves with the number of records read or invoked. */
  pollOnce(): Promise<number>;
  /** Polls in the background until stop(). */
  start(): void;
  stop(): Promise<void>;
  /** Resolves once nothing was read or pending for `quietMs`; rejects after `timeoutMs`. */
  waitUntilDrained(opts?: { quietMs?: number; timeoutMs?: number }): Promise<void>;
}

export async function createKinesisEventSource(opts: KinesisEventSourceOptions): Promise<KinesisEventSource> {
  const region = opts.region ?? (await opts.kinesis.config.region());
  const accountId = opts.accountId ?? '123456789012';
  const functionName = opts.functionName ?? 'local-function';
  const fnArn = functionArn({ functionName, region, accountId });
  const batchSize = opts.batchSize ?? 100;
  const timeoutMs = opts.functionTimeoutMs ?? 60_000;
  const bisect = opts.bisectBatchOnFunctionError ?? true;
  const maxRetries = opts.maximumRetryAttempts ?? -1;
  const maxAgeMs = (opts.maximumRecordAgeSeconds ?? -1) * 1000;
  const reportItemFailures = opts.reportBatchItemFailures ?? true;
  const retryDelay = opts.retryDelayMs ?? ((attempt: number) => Math.min(100 * 2 ** (attempt - 1), 2000));
  const idlePollMs = opts.idlePollMs ?? 100;

  const summary = await opts.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: opts.streamName }));
  const streamArn = summary.StreamDescriptionSummary!.StreamARN!;
  const listed = await opts.kinesis.send(new ListShardsCommand({ StreamName: opts.streamName }));
  const shards: ShardState[] = [];
  for (const shard of listed.Shards ?? []) {
    const it = await opts.kinesis.send(
      new GetShardIteratorCommand({ StreamName: opts.streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    shards.push({ shardId: shard.ShardId!, iterator: it.ShardIterator, work: [], notBefore: 0 });
  }

  const stats: EventSourceStats = {
    invocations: 0,
    recordsRead: 0,
    recordsSucceeded: 0,
    functionErrors: 0,
    partialFailures: 0,
    bisections: 0,
    retries: 0,
    batchesDiscarded: 0,
    recordsDiscarded: 0,
  };
  const onFailureRecords: OnFailureRecord[] = [];
  let lastActivity = Date.now();

  const invoke = async (shard: ShardState, records: _Record[]): Promise<InvokeResult> => {
    stats.invocations++;
    const event = toKinesisStreamEvent(records, {
      shardId: shard.shardId,
      streamArn,
      region,
      invokeIdentityArn: `arn:aws:iam::${accountId}:role/${functionName}`,
    });
    const context = invocationContext({ functionName, region, accountId, timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)), timeoutMs);
      });
      const response = await Promise.race([opts.handler(event, context), timeout]);
      const failures = reportItemFailures && response ? response.batchItemFailures ?? [] : [];
      if (failures.length === 0) return { kind: 'ok' };
      // Lambda treats an identifier that is missing or not in the batch as a failure of the whole batch.
      let lowest = -1;
      for (const f of failures) {
        const idx = records.findIndex((r) => r.SequenceNumber === f.itemIdentifier);
        if (idx < 0) return { kind: 'error', error: `batchItemFailures names ${JSON.stringify(f.itemIdentifier)}, not in the batch` };
        if (lowest < 0 || compareSequenceNumbers(records[idx]!.SequenceNumber!, records[lowest]!.SequenceNumber!) < 0) lowest = idx;
      }
      return { kind: 'partial', failedFrom: lowest };
    } catch (err) {
      return { kind: 'error', error: (err as Error).message ?? String(err) };
    } finally {
      clearTimeout(timer);
    }
  };

  const discard = async (shard: ShardState, work: Work, condition: OnFailureCondition) => {
    const record = buildOnFailureRecord({
      requestId: invocationContext({ functionName, region, accountId, timeoutMs: 0 }).awsRequestId,
      functionArn: fnArn,
      condition,
      invokeCount: work.invokes,
      functionError: work.lastError ? 'Unhandled' : undefined,
      shardId: shard.shardId,
      streamArn,
      records: work.records,
      now: new Date(),
    });
    onFailureRecords.push(record);
    stats.batchesDiscarded++;
    stats.recordsDiscarded += work.records.length;
    if (opts.onFailure)
      await opts.onFailure.sqs.send(new SendMessageCommand({ QueueUrl: opts.onFailure.queueUrl, MessageBody: JSON.stringify(record) }));
  };

  const expired = (work: Work): boolean => {
    if (maxAgeMs < 0) return false;
    const oldest = work.records[0]?.ApproximateArrivalTimestamp;
    return !!oldest && Date.now() - oldest.getTime() > maxAgeMs;
  };

  const exhausted = (work: Work): boolean => maxRetries >= 0 && work.attempts > maxRetries;

  const processHead = async (shard: ShardState): Promise<void> => {
    const work = shard.work[0]!;
    if (expired(work)) {
      shard.work.shift();
      return discard(shard, work, 'RecordAgeExceeded');
    }
    work.invokes++;
    const result = await invoke(shard, work.records);
    if (result.kind === 'ok') {
      stats.recordsSucceeded += work.records.length;
      shard.work.shift();
      return;
    }
    if (result.kind === 'partial') {
      stats.partialFailures++;
      // Everything before the lowest failed record is checkpointed; the rest is delivered again.
      stats.recordsSucceeded += result.failedFrom;
      work.records = work.records.slice(result.failedFrom);
      work.lastError = undefined;
    } else {
      stats.functionErrors++;
      work.lastError = result.error;
      if (bisect && work.records.length > 1) {
        stats.bisections++;
        const half = Math.ceil(work.records.length / 2);
        shard.work.splice(
          0,
          1,
          { records: work.records.slice(0, half), attempts: work.attempts, invokes: work.invokes, lastError: work.lastError },
          { records: work.records.slice(half), attempts: work.attempts, invokes: work.invokes, lastError: work.lastError },
        );
        return;
      }
    }
    work.attempts++;
    if (exhausted(work)) {
      shard.work.shift();
      return discard(shard, work, 'RetryAttemptsExhausted');
    }
    stats.retries++;
    shard.notBefore = Date.now() + retryDelay(work.attempts);
  };

  const pollShard = async (shard: ShardState): Promise<number> => {
    if (Date.now() < shard.notBefore) return 0;
    if (shard.work.length === 0) {
      if (!shard.iterator) return 0; // closed shard, fully read
      const got = await opts.kinesis.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: batchSize }));
      shard.iterator = got.NextShardIterator ?? undefined;
      const records = got.Records ?? [];
      if (records.length === 0) return 0;
      stats.recordsRead += records.length;
      shard.work.push({ records, attempts: 0, invokes: 0 });
    }
    const size = shard.work[0]!.records.length;
    await processHead(shard);
    return size;
  };

  const pollOnce = async (): Promise<number> => {
    const counts = await Promise.all(shards.map(pollShard));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > 0 || shards.some((s) => s.work.length > 0)) lastActivity = Date.now();
    return total;
  };

  let running: Promise<void> | undefined;
  let stopping = false;
  let loopError: Error | undefined;

  return {
    stats,
    onFailureRecords,
    pollOnce,
    start() {
      if (running) return;
      stopping = false;
      running = (async () => {
        while (!stopping) {
          try {
            const n = await pollOnce();
            if (n === 0) await new Promise((r) => setTimeout(r, idlePollMs));
          } catch (err) {
            loopError = err as Error;
            return;
          }
        }
      })();
    },
    async stop() {
      stopping = true;
      await running;
      running = undefined;
    },
    async waitUntilDrained({ quietMs = 1500, timeoutMs = 300_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      lastActivity = Date.now();
      for (;;) {
        if (loopError) throw loopError;
        if (!running && (await pollOnce()) > 0) continue;
        const pending = shards.some((s) => s.work.length > 0);
        if (!pending && Date.now() - lastActivity >= quietMs) return;
        if (Date.now() > deadline) throw new Error(`event source not drained within ${timeoutMs} ms: ${JSON.stringify(stats)}`);
        await new Promise((r) => setTimeout(r, running ? 100 : idlePollMs));
      }
    },
  };
}
