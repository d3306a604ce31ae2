import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { createDeadLetterWriter } from '../../../functions/shared/dead-letter';
import { createBulkClient } from '../../../functions/shared/opensearch';
import { loadConfig } from '../../../functions/shipper/config';
import { createShipperHandler, TRANSFORM_SHARE, type ShipperDeps, type ShipperHandler } from '../../../functions/shipper/handler';
import { functionDir, loadFunction } from '../../support/load-function';
import { cwlPayload, encodePayload, resetCwlIds } from '../../factories/cwl';
import { cwlRecord, idOf, kinesisEvent, kinesisRecord, seqOf } from '../../factories/kinesis';
import { lambdaContext } from '../../factories/lambda-context';
import { deepJsonMessage } from '../../factories/messages';
import { startBulkServer, type BulkServer } from '../../support/bulk-server';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../../support/moto';

const BUCKET = 'shipper-dead-letters';
const credentials = async () => ({ accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY });

describe('shipper handler (local _bulk server + moto S3)', function () {
  this.timeout(60_000);
  let bulk: BulkServer;
  let moto: MotoServer;
  let s3: S3Client;
  let summaries: Record<string, unknown>[];
  const closers: (() => void)[] = [];

  const env = (over: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...TEST_AWS_ENV,
    OPENSEARCH_ENDPOINT: bulk.endpoint,
    OPENSEARCH_SERVICE: 'es',
    DEAD_LETTER_BUCKET: BUCKET,
    DEAD_LETTER_PREFIX: 'dlq/',
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    ...over,
  });

  /** The handler as index.ts wires it, with fast retries and the summary line captured. */
  function shipper(over: Record<string, string> = {}, clientOver: { maxBulkBytes?: number } = {}, depsOver: Partial<ShipperDeps> = {}): ShipperHandler {
    const config = loadConfig(env(over));
    const client = createBulkClient({
      endpoint: config.endpoint, service: config.service, region: config.region, concurrency: config.concurrency, gzip: config.gzip,
      maxBulkBytes: clientOver.maxBulkBytes ?? config.maxBulkBytes,
      retry: { baseDelayMs: 5, maxDelayMs: 50, minAttemptMs: 30 },
      credentials,
    });
    const deadLetters = createDeadLetterWriter({ bucket: BUCKET, prefix: config.deadLetterPrefix, functionName: 'logs-shipper', s3 });
    closers.push(() => client.close());
    return createShipperHandler({ config, bulk: client, deadLetters, writeLine: (l) => summaries.push(JSON.parse(l) as Record<string, unknown>), ...depsOver });
  }

  async function deadLetters(): Promise<{ key: string; lines: Record<string, unknown>[] }[]> {
    const list = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const out = [];
    for (const o of list.Contents ?? []) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }))).Body!.transformToString();
      out.push({ key: o.Key!, lines: body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) });
    }
    return out;
  }

  const lastSummary = (): Record<string, unknown> => summaries[summaries.length - 1]!;

  before(async () => {
    [bulk, moto] = await Promise.all([startBulkServer({ service: 'es', region: TEST_AWS_ENV.AWS_REGION }), startMoto()]);
    s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: TEST_AWS_ENV.AWS_REGION, credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY } });
  });
  beforeEach(async () => {
    bulk.clear();
    await moto.reset();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: TEST_AWS_ENV.AWS_REGION } }));
    summaries = [];
    resetCwlIds();
  });
  afterEach(() => closers.splice(0).forEach((c) => c()));
  after(async () => {
    s3.destroy();
    await Promise.all([bulk.close(), moto.stop()]);
  });

  it('indexes every event with its id, blueprint fields and daily index, in signed requests', async () => {
    // Given two records from two log groups, one matching an index rule
    const event = kinesisEvent([
      cwlRecord(['{"level":"info","orderId":7}', 'plain text'], { logGroup: '/aws/lambda/orders' }),
      cwlRecord(['level=warn msg="slow"'], { logGroup: '/ecs/web', timestamp: Date.UTC(2024, 0, 3, 0, 0, 0, 1) }),
    ]);
    const handle = shipper({ INDEX_RULES: '[{"logGroupPattern":"/aws/lambda/*","indexPrefix":"lambda"}]' });
    // When handled
    const res = await handle(event, lambdaContext());
    // Then nothing fails and the documents are stored as expected
    expect(res).to.deep.equal({ batchItemFailures: [] });
    expect(bulk.indices()).to.deep.equal(['cwl-2024.01.03', 'lambda-2024.01.02']);
    const docs = bulk.documents();
    expect(docs.map((d) => [d.index, d.id])).to.deep.equal([
      ['lambda-2024.01.02', idOf(event, 0, 0)], ['lambda-2024.01.02', idOf(event, 0, 1)], ['cwl-2024.01.03', idOf(event, 1, 0)],
    ]);
    expect(docs[0]!.source).to.deep.equal({
      '@id': idOf(event, 0, 0), '@timestamp': '2024-01-02T03:04:05.678Z', '@message': '{"level":"info","orderId":7}',
      '@owner': '123456789012', '@log_group': '/aws/lambda/orders', '@log_stream': '2024/01/02/[$LATEST]abcdef0123456789',
      fields: { level: 'info', orderId: 7 },
    });
    expect(docs[1]!.source).to.not.have.property('fields');
    expect(docs[2]!.source.fields).to.deep.equal({ level: 'warn', msg: 'slow' });
    expect(bulk.requests.every((r) => r.signature?.ok === true)).to.equal(true);
    // And one summary line carries the counters as EMF metrics
    expect(summaries).to.have.length(1);
    expect(lastSummary()).to.include({ Records: 2, Events: 3, Indexed: 3, Duplicates: 0, DeadLettered: 0, BatchItemFailures: 0, FunctionName: 'logs-shipper', level: 'INFO' });
    expect((lastSummary()._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]!.Namespace).to.equal('LogsToOpenSearch');
  });

  it('counts a redelivered batch as duplicates (create + 409), not failures', async () => {
    // Given a batch already shipped once
    const event = kinesisEvent([cwlRecord(3)]);
    const handle = shipper();
    await handle(event, lambdaContext());
    // When Kinesis delivers it again
    const res = await handle(event, lambdaContext());
    // Then nothing is stored twice and the summary counts three duplicates
    expect(res.batchItemFailures).to.deep.equal([]);
    expect(bulk.documents()).to.have.length(3);
    expect(lastSummary()).to.include({ Indexed: 0, Duplicates: 3 });
  });

  it('reports only the record whose item stays throttled (per-item 429)', async () => {
    // Given three records and one event throttled forever
    const event = kinesisEvent([cwlRecord(2), cwlRecord(2), cwlRecord(2)]);
    bulk.rejectItems([idOf(event, 1, 1)], 429);
    // When handled with 1.5 s left
    const res = await shipper()(event, lambdaContext({ remainingMs: 1_500 }));
    // Then only record 1 is reported, its other event and the other records are indexed, nothing dead-lettered
    expect(res.batchItemFailures).to.deep.equal([{ itemIdentifier: seqOf(event, 1) }]);
    expect(bulk.documents()).to.have.length(5);
    expect(await deadLetters()).to.deep.equal([]);
    expect(lastSummary()).to.include({ TransientFailures: 1, BatchItemFailures: 1, level: 'WARN' });
    expect(lastSummary().Retries as number).to.be.greaterThan(0);
  });

  it('recovers from a per-item 429 that clears within the invocation', async () => {
    const event = kinesisEvent([cwlRecord(3)]);
    bulk.rejectItems([idOf(event, 0, 2)], 429, 2);
    const res = await shipper()(event, lambdaContext());
    expect(res.batchItemFailures).to.deep.equal([]);
    expect(bulk.documents()).to.have.length(3);
    expect(bulk.requests.map((r) => r.items)).to.deep.equal([3, 1, 1]);
  });

  it('dead-letters documents rejected with 400, with the OpenSearch error, without failing the record', async () => {
    // Given a mapping error on one event
    const event = kinesisEvent([cwlRecord(['{"status":"ok"}', '{"status":200}'])]);
    bulk.rejectItems([idOf(event, 0, 1)], 400, Infinity, 'failed to parse field [fields.status] of type [long]');
    // When handled
    const res = await shipper()(event, lambdaContext({ requestId: 'req-400' }));
    // Then the record is not retried and the document is in the dead-letter bucket with the reason
    expect(res.batchItemFailures).to.deep.equal([]);
    const dl = await deadLetters();
    expect(dl).to.have.length(1);
    expect(dl[0]!.key).to.match(/^dlq\/\d{4}\/\d{2}\/\d{2}\/logs-shipper\/req-400-rejected-document-\d+\.jsonl$/);
    expect(dl[0]!.lines).to.have.length(1);
    expect(dl[0]!.lines[0]).to.include({
      kind: 'rejected-document', status: 400, index: 'cwl-2024.01.02', id: idOf(event, 0, 1),
      reason: 'mapper_parsing_exception: failed to parse field [fields.status] of type [long]', function: 'logs-shipper', requestId: 'req-400',
    });
    expect((dl[0]!.lines[0]!.source as { sequenceNumber: string }).sequenceNumber).to.equal(seqOf(event, 0));
    expect(dl[0]!.lines[0]!.source).to.include({ type: 'kinesis', eventSourceArn: event.Records[0]!.eventSourceARN });
    expect(JSON.parse(dl[0]!.lines[0]!.document as string)['@message']).to.equal('{"status":200}');
    expect(lastSummary()).to.include({ Rejected: 1, DeadLettered: 1, Indexed: 1 });
  });

  it('dead-letters poison records whole, with the reason and sequence number, and ships the rest', async () => {
    // Given a good record between a non-gzip record and a wrong-shape record
    const event = kinesisEvent([
      kinesisRecord(Buffer.from('not gzip').toString('base64')),
      cwlRecord(2),
      kinesisRecord(encodePayload({ messageType: 'DATA_MESSAGE', owner: '1' })),
    ]);
    // When handled
    const res = await shipper()(event, lambdaContext({ requestId: 'req-poison' }));
    // Then the poison records are dead-lettered (not retried) and the good one indexed
    expect(res.batchItemFailures).to.deep.equal([]);
    expect(bulk.documents()).to.have.length(2);
    const [dl] = await deadLetters();
    expect(dl!.key).to.contain('req-poison-poison-record');
    expect(dl!.lines.map((l) => [l.kind, (l.source as { sequenceNumber: string }).sequenceNumber, l.data])).to.deep.equal([
      ['poison-record', seqOf(event, 0), event.Records[0]!.kinesis.data],
      ['poison-record', seqOf(event, 2), event.Records[2]!.kinesis.data],
    ]);
    expect(dl!.lines[0]!.reason).to.match(/^data is not gzip/);
    expect(dl!.lines[1]!.reason).to.equal('payload is not a CloudWatch Logs subscription message: logGroup is missing or not a string');
    expect(lastSummary()).to.include({ PoisonRecords: 2, DeadLettered: 2, Events: 2 });
  });

  it('returns poison records to Kinesis when the dead-letter bucket cannot be written', async () => {
    // Given a dead-letter bucket that does not exist
    const event = kinesisEvent([kinesisRecord('@@@@'), cwlRecord(1)]);
    const config = env({ DEAD_LETTER_BUCKET: 'missing-bucket' });
    const client = createBulkClient({ endpoint: bulk.endpoint, service: 'es', region: 'eu-west-1', credentials });
    closers.push(() => client.close());
    const handle = createShipperHandler({
      config: loadConfig(config),
      bulk: client,
      deadLetters: createDeadLetterWriter({ bucket: 'missing-bucket', functionName: 'f', s3 }),
      writeLine: (l) => summaries.push(JSON.parse(l) as Record<string, unknown>),
    });
    // When handled
    const res = await handle(event, lambdaContext());
    // Then the poison record is reported for retry instead of being lost
    expect(res.batchItemFailures).to.deep.equal([{ itemIdentifier: seqOf(event, 0) }]);
    expect(lastSummary()).to.include({ DeadLetterWriteFailures: 1, DeadLettered: 0, level: 'ERROR' });
    expect(String((lastSummary().reasons as string[]).at(-1))).to.match(/^dead-letter poison-record: /);
  });

  for (const status of [429, 503]) {
    it(`retries a whole request answered ${status}`, async () => {
      const event = kinesisEvent([cwlRecord(4)]);
      bulk.failRequests(status, 2);
      const res = await shipper()(event, lambdaContext());
      expect(res.batchItemFailures).to.deep.equal([]);
      expect(bulk.documents()).to.have.length(4);
      expect(bulk.requests.map((r) => r.status)).to.deep.equal([status, status, 200]);
      expect(lastSummary()).to.include({ Retries: 2, BulkRequests: 3 });
    });
  }

  it('reports every record when the cluster keeps answering 503', async () => {
    const event = kinesisEvent([cwlRecord(1), cwlRecord(1), cwlRecord(1)]);
    bulk.failRequests(503, 1_000);
    const res = await shipper()(event, lambdaContext({ remainingMs: 1_000 }));
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal([seqOf(event, 0), seqOf(event, 1), seqOf(event, 2)]);
    expect(bulk.documents()).to.have.length(0);
    expect(await deadLetters()).to.deep.equal([]);
  });

  it('splits requests answered 413 and indexes everything', async () => {
    // Given a cluster accepting 8 KiB per request and a batch of ~40 KiB
    bulk.setMaxBodyBytes(8 * 1024);
    const event = kinesisEvent([cwlRecord(Array.from({ length: 60 }, (_, i) => `message ${i} ${'x'.repeat(300)}`))]);
    // When handled
    const res = await shipper()(event, lambdaContext());
    // Then all 60 events are indexed after splits
    expect(res.batchItemFailures).to.deep.equal([]);
    expect(bulk.documents()).to.have.length(60);
    expect(bulk.requests.some((r) => r.status === 413)).to.equal(true);
  });

  it('truncates an oversized event with a marker instead of dropping it', async () => {
    // Given a 300 KiB message and MAX_BULK_BYTES of 64 KiB
    const event = kinesisEvent([cwlRecord([`start ${'y'.repeat(300 * 1024)} end`, 'small'])]);
    const res = await shipper({ MAX_BULK_BYTES: String(64 * 1024) })(event, lambdaContext());
    // Then both are indexed; the big one is marked and shortened
    expect(res.batchItemFailures).to.deep.equal([]);
    const big = bulk.documents().find((d) => d.id === idOf(event, 0, 0))!.source;
    expect(big).to.include({ '@truncated': true, '@log_group': '/aws/lambda/orders' });
    expect(String(big['@message'])).to.match(/^start y+…\[truncated\]$/);
    expect(big['@original_bytes'] as number).to.be.greaterThan(300 * 1024);
    expect(lastSummary()).to.include({ Truncated: 1, Indexed: 2 });
  });

  it('indexes a 120 KB event nested 4,000 deep that needs truncating, without a stack overflow', async () => {
    // Given a JSON message nested 4,000 objects deep, 120 KB, and MAX_BULK_BYTES of 64 KiB
    const event = kinesisEvent([cwlRecord([deepJsonMessage(4_000, 'd'.repeat(110_000)), 'small'])]);
    // When handled
    const res = await shipper({ MAX_BULK_BYTES: String(64 * 1024) })(event, lambdaContext());
    // Then both events are indexed, the deep one truncated and marked; nothing fails or is dead-lettered
    expect(res.batchItemFailures).to.deep.equal([]);
    const deep = bulk.documents().find((d) => d.id === idOf(event, 0, 0))!.source;
    expect(deep).to.include({ '@truncated': true, '@log_group': '/aws/lambda/orders' });
    expect(await deadLetters()).to.deep.equal([]);
    expect(lastSummary()).to.include({ Truncated: 1, Indexed: 2, PoisonRecords: 0 });
  });

  it('reports the records of a request whose answer is too slow for the invocation', async () => {
    bulk.delayResponses(3_000);
    const event = kinesisEvent([cwlRecord(1), cwlRecord(1)]);
    const started = Date.now();
    const res = await shipper()(event, lambdaContext({ remainingMs: 1_200 }));
    expect(Date.now() - started).to.be.lessThan(1_200);
    expect(res.batchItemFailures).to.have.length(2);
    expect(String((lastSummary().reasons as string[])[0])).to.contain('no complete answer');
  });

  it('reports the records it had no time to transform instead of running into the timeout', async () => {
    // Given five records, 10 s left (3 s safety margin, so the send deadline is at 7 s and the
    // transform may run until 7 s × TRANSFORM_SHARE = 5.6 s) and a clock on which each record takes 1.5 s
    expect(TRANSFORM_SHARE).to.equal(0.8);
    const event = kinesisEvent([cwlRecord(2), cwlRecord(2), cwlRecord(2), cwlRecord(2), cwlRecord(2)]);
    let t = Date.now();
    const now = (): number => (t += 1_500) - 1_500;
    // When handled
    const res = await shipper({}, {}, { now })(event, lambdaContext({ remainingMs: 10_000 }));
    // Then records 0-2 (started at 1.5, 3 and 4.5 s) are shipped; 3 and 4 (6 s) are reported for retry
    expect(res.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal([seqOf(event, 3), seqOf(event, 4)]);
    expect(bulk.documents().map((d) => d.id).sort()).to.deep.equal([0, 1, 2].flatMap((r) => [idOf(event, r, 0), idOf(event, r, 1)]).sort());
    expect(await deadLetters()).to.deep.equal([]);
    expect(lastSummary()).to.include({ Indexed: 6, DeferredRecords: 2, BatchItemFailures: 2, level: 'WARN' });
    expect((lastSummary().reasons as string[])).to.include('deadline: 2 records not transformed, reported for retry');
  });

  it('indexes an event whose id an earlier event of the batch had with other content under a derived id', async () => {
    // Given three records: ids A, B; then A again with other content, B again with the same content
    const event = kinesisEvent([
      cwlRecord([{ id: 'A', timestamp: 1_000, message: 'first' }, { id: 'B', timestamp: 1_000, message: 'same' }]),
      cwlRecord([{ id: 'A', timestamp: 2_000, message: 'second' }]),
      cwlRecord([{ id: 'B', timestamp: 1_000, message: 'same' }, { id: 'A', timestamp: 2_000, message: 'second' }]),
    ]);
    // When handled
    const res = await shipper()(event, lambdaContext());
    // Then both A events are indexed (the second under A.<content hash>, @id still A), the repeated B and the
    // repeated second A are duplicates (409), and nothing is lost or reported
    expect(res.batchItemFailures).to.deep.equal([]);
    const docs = bulk.documents().map((d) => [d.id, d.source['@id'], d.source['@message']]);
    expect(docs).to.have.length(3);
    expect(docs).to.deep.include.members([['A', 'A', 'first'], ['B', 'B', 'same']]);
    const derived = docs.find((d) => d[2] === 'second')!;
    expect(derived[0]).to.match(/^A\.[0-9a-f]{16}$/);
    expect(derived[1]).to.equal('A');
    expect(lastSummary()).to.include({ Indexed: 3, Duplicates: 2, IdCollisions: 2 });
  });

  it('counts records whose payload holds invalid UTF-8', async () => {
    // Given a record whose event text holds the byte 0xFF, and a clean one
    const json = Buffer.from(JSON.stringify(cwlPayload(['bad XX'])));
    json[json.indexOf('XX')] = 0xff;
    const event = kinesisEvent([kinesisRecord(gzipSync(json).toString('base64')), cwlRecord(['good'])]);
    // When handled
    await shipper()(event, lambdaContext());
    // Then both events are indexed and the summary counts the record
    expect(bulk.documents().map((d) => d.source['@message'])).to.deep.equal(['bad \uFFFDX', 'good']);
    expect(lastSummary()).to.include({ Indexed: 2, InvalidUtf8Records: 1 });
  });

  it('retries after a connection reset', async () => {
    bulk.resetConnections(1);
    const event = kinesisEvent([cwlRecord(2)]);
    const res = await shipper()(event, lambdaContext());
    expect(res.batchItemFailures).to.deep.equal([]);
    expect(bulk.documents()).to.have.length(2);
    expect(lastSummary()).to.include({ Retries: 1 });
  });

  it('masks secrets before indexing and counts them', async () => {
    const event = kinesisEvent([cwlRecord(['{"user":"bob","password":"hunter2"}', 'key AKIAIOSFODNN7EXAMPLE card 4111-1111-1111-1111'])]);
    const res = await shipper({ MASK_PATTERNS: '["\\\\b\\\\d{4}(-\\\\d{4}){3}\\\\b"]' })(event, lambdaContext());
    expect(res.batchItemFailures).to.deep.equal([]);
    const [a, b] = bulk.documents();
    expect(a!.source.fields).to.deep.equal({ user: 'bob', password: '[MASKED]' });
    expect(a!.source['@message']).to.equal('{"user":"bob","password":"[MASKED]"}');
    expect(b!.source['@message']).to.equal('key [MASKED] card [MASKED]');
    expect(lastSummary()).to.include({ Masked: 3 });
  });

  it('places fields at the top level with FIELD_PLACEMENT=top', async () => {
    const event = kinesisEvent([cwlRecord(['{"level":"info","_type":"x"}'])]);
    await shipper({ FIELD_PLACEMENT: 'top' })(event, lambdaContext());
    expect(bulk.documents()[0]!.source).to.include({ level: 'info', field_type: 'x' });
  });

  it('ships to OpenSearch Serverless time-series collections with index and no id', async () => {
    // Given an aoss configuration (the server checks the aoss signature and content hash)
    const aoss = await startBulkServer({ service: 'aoss' });
    try {
      const config = loadConfig(env({ OPENSEARCH_ENDPOINT: aoss.endpoint, OPENSEARCH_SERVICE: 'aoss' }));
      const client = createBulkClient({ endpoint: aoss.endpoint, service: 'aoss', region: config.region, credentials });
      closers.push(() => client.close());
      const handle = createShipperHandler({ config, bulk: client, deadLetters: createDeadLetterWriter({ bucket: BUCKET, functionName: 'f', s3 }), writeLine: () => undefined });
      const event = kinesisEvent([cwlRecord(2)]);
      // When handled
      const res = await handle(event, lambdaContext());
      // Then documents get server ids and keep the event id in @id
      expect(res.batchItemFailures).to.deep.equal([]);
      expect(aoss.requests[0]!.signature).to.deep.include({ ok: true, service: 'aoss' });
      expect(aoss.documents().map((d) => [d.id.startsWith('auto-'), d.source['@id']])).to.deep.equal([[true, idOf(event, 0, 0)], [true, idOf(event, 0, 1)]]);
    } finally {
      await aoss.close();
    }
  });

  it('honours INDEX_PREFIX and BULK_GZIP', async () => {
    // Given a custom prefix and gzip request bodies
    const event = kinesisEvent([cwlRecord(['{"a":1}', 'b'], { logGroup: '/app/x' })]);
    // When handled
    const res = await shipper({ INDEX_PREFIX: 'app-logs', BULK_GZIP: 'true' })(event, lambdaContext());
    // Then the server received a signed gzip body and stored both under the custom prefix
    expect(res.batchItemFailures).to.deep.equal([]);
    expect(bulk.indices()).to.deep.equal(['app-logs-2024.01.02']);
    expect(bulk.requests[0]!.headers['content-encoding']).to.equal('gzip');
    expect(bulk.requests[0]!.signature?.ok).to.equal(true);
  });

  it('keeps create with event ids for OpenSearch Serverless search collections', async () => {
    const aoss = await startBulkServer({ service: 'aoss' });
    try {
      const config = loadConfig(env({ OPENSEARCH_ENDPOINT: aoss.endpoint, OPENSEARCH_SERVICE: 'aoss', AOSS_COLLECTION_TYPE: 'search' }));
      const client = createBulkClient({ endpoint: aoss.endpoint, service: 'aoss', region: config.region, credentials });
      closers.push(() => client.close());
      const handle = createShipperHandler({ config, bulk: client, deadLetters: createDeadLetterWriter({ bucket: BUCKET, functionName: 'f', s3 }), writeLine: () => undefined });
      const event = kinesisEvent([cwlRecord(1)]);
      await handle(event, lambdaContext());
      await handle(event, lambdaContext());
      expect(aoss.documents().map((d) => d.id)).to.deep.equal([idOf(event, 0, 0)]);
    } finally {
      await aoss.close();
    }
  });

  it('skips control messages', async () => {
    const event = kinesisEvent([cwlRecord(1, { messageType: 'CONTROL_MESSAGE' })]);
    const res = await shipper()(event, lambdaContext());
    expect(res.batchItemFailures).to.deep.equal([]);
    expect(bulk.requests).to.have.length(0);
    expect(lastSummary()).to.include({ ControlMessages: 1, Events: 0 });
  });

  describe('the deployed entry point (index.ts)', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });
    // A fresh module per case: the entry point keeps its configuration for the container's life.
    const lambdaHandler: ShipperEntry = (event, context) => loadFunction<ShipperEntry>(functionDir('shipper'), {})(event, context);

    it('fails every invocation with one error naming each bad variable', async () => {
      process.env = { ...saved, OPENSEARCH_ENDPOINT: 'ftp://x', OPENSEARCH_SERVICE: 'solr', MAX_BULK_BYTES: '12', DEAD_LETTER_BUCKET: '', INDEX_RULES: '[{"logGroupPattern":""}]', AWS_REGION: 'eu-west-1' };
      const entry = loadFunction<ShipperEntry>(functionDir('shipper'), {});
      for (let i = 0; i < 2; i++) {
        try {
          await entry(kinesisEvent([]), lambdaContext());
          expect.fail('should throw');
        } catch (err) {
          const msg = (err as Error).message;
          expect(msg).to.match(/^shipper configuration: /);
          for (const name of ['OPENSEARCH_ENDPOINT', 'OPENSEARCH_SERVICE', 'MAX_BULK_BYTES', 'DEAD_LETTER_BUCKET', 'INDEX_RULES']) expect(msg).to.contain(name);
          expect(msg).to.not.contain('AWS_REGION');
        }
      }
    });

    it('ships with the environment alone (credentials, endpoints, dead letters via AWS_ENDPOINT_URL_S3)', async () => {
      // Given only environment variables, as Lambda provides them
      process.env = { ...saved, ...env(), AWS_LAMBDA_FUNCTION_NAME: 'env-shipper' };
      const event = kinesisEvent([cwlRecord(1), kinesisRecord('%%%%')]);
      const written: string[] = [];
      const original = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
      let res;
      try {
        // When the exported handler runs
        res = await lambdaHandler(event, lambdaContext({ requestId: 'env-req' }));
      } finally {
        process.stdout.write = original;
      }
      // Then the event is indexed, the poison record dead-lettered in moto, and one EMF line printed to stdout
      expect(res.batchItemFailures).to.deep.equal([]);
      expect(bulk.documents()).to.have.length(1);
      const dl = await deadLetters();
      expect(dl.map((d) => d.key)).to.deep.equal([dl[0]!.key]);
      expect(dl[0]!.key).to.match(/^dlq\/.*\/env-shipper\/env-req-poison-record-\d+\.jsonl$/);
      const emf = written.map((w) => JSON.parse(w) as Record<string, unknown>).filter((o) => o._aws);
      expect(emf).to.have.length(1);
      expect(emf[0]).to.include({ DeadLettered: 1, Indexed: 1, PoisonRecords: 1 });
    });
  });
});

// Keep the payload factory honest about the subscription message shape used above.
type ShipperEntry = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

describe('factories', () => {
  it('build CloudWatch Logs payloads and Kinesis events that round-trip', () => {
    resetCwlIds();
    const p = cwlPayload(['m'], { logGroup: '/g', timestamp: 5 });
    expect(p).to.deep.equal({
      messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/g', logStream: '2024/01/02/[$LATEST]abcdef0123456789',
      subscriptionFilters: ['to-opensearch'], logEvents: [{ id: `3${'1'.padStart(55, '0')}`, timestamp: 5, message: 'm' }],
    });
    const e: KinesisStreamEvent = kinesisEvent([cwlRecord(['x']), cwlRecord(['y'])]);
    expect(BigInt(seqOf(e, 1)) > BigInt(seqOf(e, 0))).to.equal(true);
    expect(lambdaContext({ remainingMs: 1000 }).getRemainingTimeInMillis()).to.be.within(900, 1000);
  });
});
