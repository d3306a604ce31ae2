import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createKinesisEventSource, localKinesisClient, type KinesisEventSource, type KinesisEventSourceOptions, type KinesisHandler } from '../../tools/local-runner';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../support/moto';
import { startOpenSearch, type OpenSearchNode } from '../support/opensearch';
import { allDocs, installIndexTemplate, startVisibilitySampler, type StoredDoc } from './search';
import type { PutBatch } from './workload';
import { functionDir, loadBundledFunction, loadFunction } from '../support/load-function';
import type { BootstrapReport, DesiredState } from '../../functions/opensearch-bootstrap/contract';
import { lambdaContext } from '../factories/lambda-context';

/**
 * The whole local pipeline for one e2e run: moto CloudWatch Logs → subscription filter → moto Kinesis →
 * local event source mapping → the real shipper handler → SigV4 fault proxy → real OpenSearch, with
 * dead letters in moto S3 and on-failure metadata in moto SQS.
 */
export interface Services {
  moto: MotoServer;
  search: OpenSearchNode;
  proxy: FaultProxy;
  s3: S3Client;
  kinesis: KinesisClient;
  logs: CloudWatchLogsClient;
  sqs: SQSClient;
  deadLetterBucket: string;
  timings: { servicesMs: number };
  /** Where the functions' summary log lines went. */
  functionLogs: string;
  stop(): Promise<void>;
}

/**
 * The shipper writes one JSON summary (EMF) line per invocation to stdout, as Lambda wants; hundreds of
 * them would bury the test report, so they go to a file instead (path printed at start).
 */
export function divertFunctionLogs(file = join(tmpdir(), `e2e-function-logs-${process.pid}.jsonl`)): { file: string; lines: () => number; restore(): void } {
  const original = process.stdout.write.bind(process.stdout);
  let count = 0;
  writeFileSync(file, '');
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"_aws"')) {
      count += text.split('\n').filter(Boolean).length;
      appendFileSync(file, text);
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return { file, lines: () => count, restore: () => void (process.stdout.write = original) };
}

export async function startServices(log: (line: string) => void = () => {}): Promise<Services> {
  const started = Date.now();
  Object.assign(process.env, TEST_AWS_ENV);
  const [moto, search] = await Promise.all([startMoto(), startOpenSearch({ log })]);
  const proxy = await startFaultProxy({
    upstream: search.endpoint,
    credentials: { [TEST_AWS_ENV.AWS_ACCESS_KEY_ID]: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY },
    service: 'es',
    region: TEST_AWS_ENV.AWS_REGION,
  });
  const region = TEST_AWS_ENV.AWS_REGION;
  const s3 = new S3Client({ endpoint: moto.endpoint, region, forcePathStyle: true });
  const deadLetterBucket = 'e2e-dead-letters';
  await s3.send(new CreateBucketCommand({ Bucket: deadLetterBucket, CreateBucketConfiguration: { LocationConstraint: region } }));
  const logs = divertFunctionLogs();
  const services: Services = {
    moto,
    search,
    proxy,
    s3,
    kinesis: localKinesisClient(moto.endpoint, region),
    logs: new CloudWatchLogsClient({ endpoint: moto.endpoint, region }),
    sqs: new SQSClient({ endpoint: moto.endpoint, region }),
    deadLetterBucket,
    timings: { servicesMs: Date.now() - started },
    functionLogs: logs.file,
    async stop() {
      logs.restore();
      for (const c of [services.s3, services.kinesis, services.logs, services.sqs]) c.destroy();
      await proxy.close();
      await Promise.all([moto.stop(), search.stop()]);
    },
  };
  return services;
}

/**
 * Loads the shipper fresh with the given environment: it reads its configuration once per module load
 * (as per Lambda cold start), so each run gets its own "cold start".
 */
export function loadShipper(env: Record<string, string>, moduleDir = functionDir('shipper')): KinesisHandler {
  return loadFunction<KinesisHandler>(moduleDir, env);
}

export { functionDir, loadFunction };

/**
 * moto writes CloudWatch Logs event ids as small JSON numbers (a counter global to the moto process, so
 * unique within it); real CloudWatch Logs writes them as long decimal strings. Runs hand the function
 * moto's records unchanged by default; with `eventIds: 'as-real-cloudwatch'` the ids are turned into
 * strings first, nothing else changed, to test the format met in AWS as well. Records that are not
 * CloudWatch Logs payloads (poison) pass through untouched.
 */
export type EventIdFidelity = 'as-real-cloudwatch' | 'as-moto-writes';

export function withStringEventIds(handler: KinesisHandler): KinesisHandler {
  return (event, context) =>
    handler({ Records: event.Records.map((r) => ({ ...r, kinesis: { ...r.kinesis, data: stringifyIds(r.kinesis.data) } })) }, context);
}

function stringifyIds(base64: string): string {
  let doc: { logEvents?: { id?: unknown }[] };
  try {
    doc = JSON.parse(gunzipSync(Buffer.from(base64, 'base64')).toString('utf8'));
  } catch {
    return base64;
  }
  if (!Array.isArray(doc.logEvents) || !doc.logEvents.some((e) => typeof e?.id === 'number')) return base64;
  for (const e of doc.logEvents) if (typeof e?.id === 'number') e.id = String(e.id);
  return gzipSync(JSON.stringify(doc)).toString('base64');
}

export interface StreamEvent {
  id: string;
  timestamp: number;
  message: string;
  logGroup: string;
  logStream: string;
  owner: string;
}

export interface StreamContents {
  events: StreamEvent[];
  /** Records that are not gzip'd CloudWatch Logs JSON (poison), by sequence number. */
  undecodable: { shardId: string; sequenceNumber: string; bytes: number; dataBase64: string }[];
  controlMessages: number;
  records: number;
}

export interface DeadLetterObject {
  key: string;
  body: string;
}

export interface PipelineRun {
  readonly name: string;
  readonly prefix: string;
  readonly streamName: string;
  readonly deadLetterPrefix: string;
  readonly source: KinesisEventSource;
  readonly putTimes: Map<string, number>;
  /** Document id → first time a search returned it. */
  readonly firstSeen: Map<string, number>;
  /** What the bootstrap reported (template `bootstrap` only). */
  readonly bootstrapReport?: BootstrapReport;
  /**
   * PutLogEvents for every batch, then waits (by condition, generous limit) until the stream holds
   * every event put. Throws with the reason when CloudWatch Logs rejected events
   * (`rejectedLogEventsInfo`) or the stream still lacks some at the limit, so a harness or moto
   * loss is never mistaken for a shipper loss. One PutLogEvents at a time: moto numbers a Kinesis
   * record as the shard's highest sequence number + 1 without a lock, so two subscription deliveries
   * into one shard at once can overwrite each other (a moto race that lost 50 events in CI).
   */
  put(batches: PutBatch[], opts?: { onBatch?: (done: number) => void | Promise<void>; streamTimeoutMs?: number }): Promise<void>;
  putRaw(data: Buffer, partitionKey?: string): Promise<string>;
  /** What the stream holds, read independently of the runner and the shipper. */
  readStream(): Promise<StreamContents>;
  docs(): Promise<StoredDoc[]>;
  deadLetters(): Promise<DeadLetterObject[]>;
  finish(): Promise<void>;
}

export interface RunOptions {
  name: string;
  groups: string[];
  streamsPerGroup: number;
  shards?: number;
  shipperEnv?: Record<string, string>;
  /** @default 'as-moto-writes' (see EventIdFidelity) */
  eventIds?: EventIdFidelity;
  /** Folder of the handler module. @default functions/shipper */
  shipperModule?: string;
  runner?: Partial<Omit<KinesisEventSourceOptions, 'kinesis' | 'streamName' | 'handler'>>;
  /**
   * `bootstrap`: what the example app deploys: the opensearch-bootstrap function, run from its
   * deployable zip through the SigV4 proxy before the shipper starts, installs the cwl template for
   * the run's prefix (typed `@` fields, parsed JSON as one flat_object), so no first write can race.
   * `none`: a LogPipeline pointed at a domain nobody prepared (OpenSearch's dynamic mapping decides,
   * and concurrent first writes to a fresh daily index can race).
   * `recommended`: the template functions/shipper/README.md tells users to install by hand.
   * @default 'bootstrap'
   */
  indexTemplate?: IndexTemplateMode;
}

export type IndexTemplateMode = 'bootstrap' | 'none' | 'recommended';

/**
 * Runs the bundled opensearch-bootstrap (the zip `OpenSearchBootstrap` deploys) against the node
 * through the SigV4 proxy, as `aws_lambda_invocation` does during apply. Each call is a cold start.
 */
export async function runBootstrap(services: Services, desired: DesiredState): Promise<BootstrapReport> {
  const handler = loadBundledFunction<(event: unknown, context: unknown) => Promise<BootstrapReport>>('opensearch-bootstrap', {
    OPENSEARCH_ENDPOINT: services.proxy.endpoint,
    OPENSEARCH_SERVICE: 'es',
    AWS_REGION: TEST_AWS_ENV.AWS_REGION,
  });
  return handler(desired, lambdaContext({ remainingMs: 300_000 }));
}

/** The desired state of a run: its cwl prefix, what the example app gives the cwl source otherwise. */
export const runDesiredState = (prefix: string): DesiredState => ({ sources: { cwl: { indexPrefix: prefix, retentionDays: 30 } } });

export async function openRun(services: Services, opts: RunOptions): Promise<PipelineRun> {
  const { logs, kinesis, s3, sqs } = services;
  const prefix = `e2e-${opts.name}`;
  const streamName = `cwl-${opts.name}`;
  const deadLetterPrefix = `dead-letter/${opts.name}/`;
  const template = opts.indexTemplate ?? 'bootstrap';
  if (template === 'recommended') await installIndexTemplate(services.search.endpoint, prefix);
  const bootstrapReport = template === 'bootstrap' ? await runBootstrap(services, runDesiredState(prefix)) : undefined;

  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: opts.shards ?? 2 }));
  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const streamArn = summary.StreamDescriptionSummary!.StreamARN!;
  for (const group of opts.groups) {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (let s = 0; s < opts.streamsPerGroup; s++)
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: `stream-${s}` }));
    await logs.send(
      new PutSubscriptionFilterCommand({
        logGroupName: group,
        filterName: 'to-opensearch',
        filterPattern: '',
        destinationArn: streamArn,
        roleArn: 'arn:aws:iam::123456789012:role/cwl-to-kinesis',
      }),
    );
  }
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: `on-failure-${opts.name}` }));

  const shipper = loadShipper({
    OPENSEARCH_ENDPOINT: services.proxy.endpoint,
    OPENSEARCH_SERVICE: 'es',
    AWS_REGION: TEST_AWS_ENV.AWS_REGION,
    INDEX_PREFIX: prefix,
    DEAD_LETTER_BUCKET: services.deadLetterBucket,
    DEAD_LETTER_PREFIX: deadLetterPrefix,
    AWS_ENDPOINT_URL: services.moto.endpoint,
    ...opts.shipperEnv,
  }, opts.shipperModule);
  const handler = opts.eventIds === 'as-real-cloudwatch' ? withStringEventIds(shipper) : shipper;
  const source = await createKinesisEventSource({
    kinesis,
    streamName,
    handler,
    functionName: 'shipper',
    batchSize: 5,
    functionTimeoutMs: 15_000,
    maximumRetryAttempts: 50,
    onFailure: { sqs, queueUrl: queue.QueueUrl! },
    ...opts.runner,
  });
  source.start();
  const sampler = startVisibilitySampler(services.search.endpoint, prefix);

  const putTimes = new Map<string, number>();
  const tokenRe = /tok=[\w.-]+-\d+/;

  return {
    name: opts.name,
    prefix,
    streamName,
    deadLetterPrefix,
    source,
    putTimes,
    firstSeen: sampler.firstSeen,
    bootstrapReport,
    async put(batches, putOpts = {}) {
      let done = 0;
      let expected = 0;
      const rejected: string[] = [];
      for (const batch of batches) {
        const at = Date.now();
        const res = await logs.send(
          new PutLogEventsCommand({
            logGroupName: batch.group,
            logStreamName: batch.stream,
            logEvents: batch.events.map((e) => ({ timestamp: e.timestamp, message: e.message })),
          }),
        );
        const info = res.rejectedLogEventsInfo;
        if (info) rejected.push(`${batch.group}/${batch.stream}: ${JSON.stringify(info)} (of ${batch.events.length} events)`);
        expected += batch.events.length;
        for (const e of batch.events) putTimes.set(tokenRe.exec(e.message)?.[0] ?? e.token, at);
        await putOpts.onBatch?.(++done);
      }
      if (rejected.length > 0) throw new Error(`PutLogEvents rejected events (the harness, not the shipper): ${rejected.slice(0, 5).join('; ')}`);
      await waitForStreamEvents(() => readWholeStream(kinesis, streamName), expected, putOpts.streamTimeoutMs ?? 180_000);
    },
    async putRaw(data, partitionKey = 'poison') {
      const res = await kinesis.send(new PutRecordCommand({ StreamName: streamName, Data: data, PartitionKey: partitionKey }));
      return res.SequenceNumber!;
    },
    readStream: () => readWholeStream(kinesis, streamName),
    docs: () => allDocs(services.search.endpoint, prefix),
    async deadLetters() {
      const out: DeadLetterObject[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: services.deadLetterBucket, Prefix: deadLetterPrefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const got = await s3.send(new GetObjectCommand({ Bucket: services.deadLetterBucket, Key: o.Key! }));
          let bytes = Buffer.from(await got.Body!.transformToByteArray());
          if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
          out.push({ key: o.Key!, body: bytes.toString('utf8') });
        }
        token = page.NextContinuationToken;
      } while (token);
      return out;
    },
    async finish() {
      await source.stop();
      await sampler.stop();
    },
  };
}

/** Polls until the stream holds `expected` events; fails naming how many are there (a loaded machine slows this, never fails it). */
export async function waitForStreamEvents(read: () => Promise<StreamContents>, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let held = 0;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    held = (await read()).events.length;
    if (held >= expected) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, wait));
  }
  throw new Error(`the stream holds ${held} of the ${expected} events PutLogEvents accepted after ${timeoutMs} ms: lost between CloudWatch Logs (moto) and Kinesis, before the shipper`);
}

export async function readWholeStream(kinesis: KinesisClient, streamName: string): Promise<StreamContents> {
  const out: StreamContents = { events: [], undecodable: [], controlMessages: 0, records: 0 };
  const shards = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  for (const shard of shards.Shards ?? []) {
    let iterator = (
      await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))
    ).ShardIterator;
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = page.Records ?? [];
      for (const r of records) {
        out.records++;
        const data = Buffer.from(r.Data ?? new Uint8Array());
        let doc: { messageType?: string; logGroup: string; logStream: string; owner: string; logEvents: { id: string | number; timestamp: number; message: string }[] };
        try {
          doc = JSON.parse(gunzipSync(data).toString('utf8'));
          if (doc.messageType !== 'DATA_MESSAGE' && doc.messageType !== 'CONTROL_MESSAGE') throw new Error('not CloudWatch Logs');
          if (doc.messageType === 'DATA_MESSAGE' && !Array.isArray(doc.logEvents)) throw new Error('logEvents is not an array');
        } catch {
          out.undecodable.push({ shardId: shard.ShardId!, sequenceNumber: r.SequenceNumber!, bytes: data.length, dataBase64: data.toString('base64') });
          continue;
        }
        if (doc.messageType === 'CONTROL_MESSAGE') {
          out.controlMessages++;
          continue;
        }
        for (const e of doc.logEvents)
          out.events.push({ id: String(e.id), timestamp: e.timestamp, message: e.message, logGroup: doc.logGroup, logStream: doc.logStream, owner: doc.owner });
      }
      // An empty page is the end only when the reader is not behind (Kinesis may return empty pages mid-shard).
      if (records.length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}
