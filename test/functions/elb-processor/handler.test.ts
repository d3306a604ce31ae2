import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createDeadLetterWriter } from '../../../functions/shared/dead-letter';
import { createBulkClient } from '../../../functions/shared/opensearch';
import { loadConfig } from '../../../functions/elb-processor/config';
import { createHandler, type HandlerDeps, type ObjectSummary } from '../../../functions/elb-processor/handler';
import { albLine, makeRng } from '../../../fixtures/elb/generate';
import { ALB_FULL_FIELDS } from '../../../fixtures/elb/lines';
import { startBulkServer, type BulkServer } from '../../support/bulk-server';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../../support/moto';
import { s3Event, type S3ObjectSpec } from '../../factories/s3';
import { ELB_CORPUS, itWithShared } from '../../support/shared';

/**
 * The handler end to end on a real S3 (moto) and the local `_bulk` server (SigV4 checked):
 * whole files from the conformance corpus under AWS's key layout, gzip and plain, the test
 * file, blank lines, an empty object, malformed lines, idempotent reprocessing, transient and
 * permanent indexing failures, and backpressure on a large file.
 */
const FILES = join(ELB_CORPUS, 'files');
const BUCKET = 'elb-logs';
const DLQ = 'elb-dead-letters';
const DAY = 'AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2024/05/28';
const KEYS = {
  alb: 'AWSLogs/123456789012/elasticloadbalancing/us-east-2/2016/05/01/123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz',
  classic: 'AWSLogs/123456789012/elasticloadbalancing/us-west-2/2014/02/15/123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20140215T2340Z_172.160.001.192_20sg8hgm.log',
  nlb: 'AWSLogs/123456789012/elasticloadbalancing/us-east-2/2020/05/01/123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_20200501T0000Z_20sg8hgm.log.gz',
  conn: 'AWSLogs/123456789012/elasticloadbalancing/us-east-2/2022/05/01/conn_log_123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20220215T2340Z_172.160.001.192_20sg8hgm.log.gz',
  testFile: 'AWSLogs/123456789012/ELBAccessLogTestFile',
};
const albKey = (name: string) => `${DAY}/123456789012_elasticloadbalancing_eu-west-1_app.shop.50dc6c495c0c9188_20240528T1340Z_10.0.0.1_${name}.log.gz`;

const context = (remainingMs = 60_000) => ({ getRemainingTimeInMillis: () => remainingMs, awsRequestId: 'req-1' });

describe('elb-processor handler: whole files through moto S3 and the _bulk server', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let bulk: BulkServer;
  let s3: S3Client;
  const addedEnv = Object.keys(TEST_AWS_ENV).filter((k) => process.env[k] === undefined);
  const summaryLines: string[] = [];

  function handlerWith(env: Record<string, string> = {}) {
    const config = loadConfig({ ...TEST_AWS_ENV, OPENSEARCH_ENDPOINT: bulk.endpoint, AWS_LAMBDA_FUNCTION_NAME: 'elb-processor', ENVIRONMENT: 'test', APPLICATION: 'shop', DEAD_LETTER_BUCKET: DLQ, ...env });
    const deps: HandlerDeps = {
      config,
      s3,
      bulk: createBulkClient({ endpoint: config.endpoint, service: 'es', region: config.region, maxBulkBytes: config.maxBulkBytes, concurrency: config.concurrency, retry: { baseDelayMs: 5, maxDelayMs: 20 } }),
      deadLetters: createDeadLetterWriter({ bucket: DLQ, prefix: config.deadLetterPrefix, functionName: config.functionName, s3 }),
      write: (l) => summaryLines.push(l),
    };
    return createHandler(deps);
  }

  async function put(key: string, body: Buffer | string): Promise<S3ObjectSpec> {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    return { bucket: BUCKET, key };
  }

  before(async () => {
    moto = await startMoto();
    bulk = await startBulkServer({ service: 'es', region: 'eu-west-1' });
    // The shared bulk client signs with the process credentials, as it does in Lambda.
    Object.assign(process.env, TEST_AWS_ENV);
    s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: TEST_AWS_ENV.AWS_REGION, credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY } });
  });
  beforeEach(async () => {
    await moto.reset();
    bulk.clear();
    summaryLines.length = 0;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await s3.send(new CreateBucketCommand({ Bucket: DLQ, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  });
  after(async () => {
    for (const k of addedEnv) delete process.env[k];
    await bulk?.close();
    await moto?.stop();
  });

  itWithShared(ELB_CORPUS, 'indexes every line of the AWS doc files of each type into daily per-type indices, skipping the test file', async () => {
    // Given the corpus' whole files under AWS's key layout (gzip, plain Classic) and the ELBAccessLogTestFile
    const objects = await Promise.all([
      put(KEYS.alb, readFileSync(resolve(FILES, 's3', KEYS.alb))),
      put(KEYS.classic, readFileSync(resolve(FILES, 's3', KEYS.classic))),
      put(KEYS.nlb, readFileSync(resolve(FILES, 's3', KEYS.nlb))),
      put(KEYS.conn, readFileSync(resolve(FILES, 's3', KEYS.conn))),
      put(KEYS.testFile, readFileSync(resolve(FILES, 's3', KEYS.testFile))),
    ]);
    // When the handler gets one notification for all of them
    const summaries = await handlerWith()(s3Event(...objects), context());
    // Then every line became a typed document in the index of its type and request day
    expect(summaries.map((s) => [s.status, s.counts?.lines, s.counts?.parsed, s.counts?.failed, s.counts?.indexed])).to.deep.equal([
      ['processed', 5, 5, 0, 5], ['processed', 4, 4, 0, 4], ['processed', 2, 2, 0, 2], ['processed', 2, 2, 0, 2], ['skipped-test-file', undefined, undefined, undefined, undefined],
    ]);
    const indices = bulk.indices().sort();
    expect(indices.every((i) => /^elb-(alb|classic|nlb|alb-connection)-\d{4}\.\d{2}\.\d{2}$/.test(i)), indices.join()).to.equal(true);
    expect(bulk.documents().filter((d) => d.index.startsWith('elb-classic-')).length).to.equal(4);
    const nlb = bulk.documents().find((d) => d.index.startsWith('elb-nlb-'))!;
    expect(nlb.source).to.deep.include({ log_type: 'nlb', type: 'tls', environment: 'test', application: 'shop' });
    expect(nlb.source.s3).to.deep.equal({ bucket: BUCKET, key: KEYS.nlb, line: 1 });
    // And one EMF summary line per object
    expect(summaryLines).to.have.length(5);
    expect(JSON.parse(summaryLines[0]!)).to.deep.include({ FunctionName: 'elb-processor', Lines: 5, ParsedLines: 5, FailedLines: 0, IndexedDocuments: 5, key: KEYS.alb });
  });

  it('skips an object deleted before it was read, without failing the invocation', async () => {
    const [summary] = await handlerWith()(s3Event({ bucket: BUCKET, key: albKey('gone') }), context());
    expect(summary).to.deep.include({ status: 'skipped-missing' });
    expect(JSON.parse(summaryLines[0]!)).to.deep.include({ level: 'WARN', status: 'skipped-missing', SkippedObjects: 1 });
  });

  itWithShared(ELB_CORPUS, 'reprocessing the same object creates no duplicates (same ids, create → 409)', async () => {
    const obj = await put(KEYS.alb, readFileSync(resolve(FILES, 's3', KEYS.alb)));
    const handler = handlerWith();
    await handler(s3Event(obj), context());
    const ids = bulk.documents().map((d) => `${d.index}/${d.id}`).sort();
    // When the same event is delivered again
    const [again] = await handler(s3Event(obj), context());
    // Then nothing new is stored and every document is reported as a duplicate
    expect(again!.counts).to.deep.include({ indexed: 0, duplicates: 5 });
    expect(bulk.documents().map((d) => `${d.index}/${d.id}`).sort()).to.deep.equal(ids);
    expect(new Set(ids).size).to.equal(5);
  });

  itWithShared(ELB_CORPUS, 'indexes unparsable lines into elb-failed with raw line, key, line number and reason; skips blank lines and empty objects', async () => {
    // Given a file with a blank line, a truncated line and a good line, the OTel blank-line fixture, and an empty gzip object
    const bad = [ALB_FULL_FIELDS.join(' '), '', 'h2 2024-05-28T13:34:14.804475Z', ALB_FULL_FIELDS.join(' ')].join('\n');
    const objects = [
      await put(albKey('mixed'), gzipSync(bad)),
      await put(albKey('otelblank').replace('.log.gz', '.log'), readFileSync(resolve(FILES, 'otel-elb_empty_line.log'))),
      await put(albKey('empty'), readFileSync(resolve(FILES, 'empty.log.gz'))),
    ];
    const summaries: ObjectSummary[] = await handlerWith()(s3Event(...objects), context());
    expect(summaries.map((s) => [s.counts!.lines, s.counts!.parsed, s.counts!.failed, s.counts!.blank])).to.deep.equal([[4, 2, 1, 1], [3, 2, 0, 1], [0, 0, 0, 0]]);
    const failed = bulk.documents('elb-failed');
    expect(failed).to.have.length(1);
    expect(failed[0]!.source).to.deep.include({ log_type: 'alb', reason: 'alb: expected at least 18 fields, got 2', raw: 'h2 2024-05-28T13:34:14.804475Z' });
    expect(failed[0]!.source.s3).to.deep.equal({ bucket: BUCKET, key: albKey('mixed'), line: 3 });
  });

  it('reads gzip files made of several members and CRLF line ends', async () => {
    // Given a gzip object written as two concatenated members, with CRLF line ends
    const line = ALB_FULL_FIELDS.join(' ');
    const obj = await put(albKey('members'), Buffer.concat([gzipSync(`${line}\r\n${line}\r\n`), gzipSync(`${line}\r\n`)]));
    const [summary] = await handlerWith()(s3Event(obj), context());
    // Then all three lines of both members are parsed, none failed
    expect(summary!.counts).to.deep.include({ lines: 3, parsed: 3, failed: 0, indexed: 3 });
    expect(bulk.documents().map((d) => (d.source.s3 as { line: number }).line)).to.deep.equal([1, 2, 3]);
  });

  it('reads every record of a file with lone-CR line ends, and fails a line holding two records with the reason', async () => {
    // Given a file whose records end in lone CRs, one of them glued to the next (missing line break)
    const line = ALB_FULL_FIELDS.join(' ');
    const obj = await put(albKey('cr'), gzipSync(`${line}\r${line}\r${line} ${line}\r${line}`));
    const [summary] = await handlerWith()(s3Event(obj), context());
    // Then the four lines are four items: three documents and one failed line naming the other record
    expect(summary!.counts).to.deep.include({ lines: 4, parsed: 3, failed: 1, indexed: 4 });
    const failed = bulk.documents('elb-failed');
    expect(failed.map((d) => [(d.source.s3 as { line: number }).line, d.source.raw])).to.deep.equal([[3, `${line} ${line}`]]);
    expect(String(failed[0]!.source.reason)).to.match(/field 35 is the timestamp of another record/);
  });

  it('counts lines holding invalid UTF-8 (indexed with U+FFFD) in the summary', async () => {
    // Given two lines, the second with a raw 0xFF byte in its user agent
    const line = ALB_FULL_FIELDS.join(' ');
    const bytes = Buffer.from(`${line}\n${line.replace('curl/7.46.0', 'curl/7.46.X')}`);
    bytes[bytes.lastIndexOf('X')] = 0xff;
    const [summary] = await handlerWith()(s3Event(await put(albKey('utf8'), gzipSync(bytes))), context());
    // Then both are indexed and the invalid one is counted
    expect(summary!.counts).to.deep.include({ parsed: 2, indexed: 2, invalidUtf8Lines: 1 });
    expect(JSON.parse(summaryLines[0]!)).to.deep.include({ InvalidUtf8Lines: 1 });
    expect(bulk.documents().map((d) => d.source.user_agent)).to.deep.equal(['curl/7.46.0', 'curl/7.46.\uFFFD']);
  });

  it('reports an object whose key is not valid URL encoding as failed with the reason, and processes the rest', async () => {
    // Given a notification for an object with a malformed %-encoding and a good object
    const line = ALB_FULL_FIELDS.join(' ');
    const good = await put(albKey('good'), gzipSync(line));
    const event = s3Event({ bucket: BUCKET, key: 'placeholder' }, good);
    event.Records[0]!.s3.object.key = `${DAY}/bad%E0%A4%A.log.gz`;
    // When handled
    const summaries = await handlerWith()(event, context());
    // Then the bad object is failed with the reason (an alarmed SkippedObjects metric), the good one indexed
    expect(summaries.map((s) => [s.status, s.reason, s.counts?.indexed])).to.deep.equal([
      ['failed', 'object key is not valid URL encoding (URI malformed)', undefined], ['processed', undefined, 1],
    ]);
    expect(JSON.parse(summaryLines[0]!)).to.deep.include({ level: 'WARN', status: 'failed', SkippedObjects: 1, reason: 'object key is not valid URL encoding (URI malformed)' });
  });

  itWithShared(ELB_CORPUS, 'keeps what a truncated gzip object held and records the damage as a failed line, without failing the invocation', async () => {
    // Given a gzip object cut short (its last 40 bytes missing) and a good object after it
    const rng = makeRng(5);
    const whole = gzipSync(Array.from({ length: 2000 }, (_, i) => albLine(rng, i)).join('\n'));
    const cut = await put(albKey('truncated'), whole.subarray(0, whole.length - 40));
    const good = await put(KEYS.alb, readFileSync(resolve(FILES, 's3', KEYS.alb)));
    // When both are processed in one invocation
    const [damaged, next] = await handlerWith()(s3Event(cut, good), context());
    // Then the lines before the damage are indexed, the damage is a failed-line document, and the next object is processed
    expect(damaged!.counts!.corrupt).to.equal(true);
    expect(damaged!.counts!.parsed).to.be.greaterThan(1900);
    const gz = bulk.documents('elb-failed').map((d) => d.source.reason as string).filter((r) => r.startsWith('gzip:'));
    expect(gz).to.deep.equal([`gzip: unexpected end of file (object cut after ${damaged!.counts!.lines} lines)`]);
    expect(next!.counts).to.deep.include({ indexed: 5, corrupt: false });
  });

  it('throws when documents still fail transiently at the deadline, and a retry completes without duplicates', async () => {
    const rng = makeRng(7);
    const obj = await put(albKey('flaky'), gzipSync(Array.from({ length: 50 }, (_, i) => albLine(rng, i)).join('\n')));
    // Given a cluster that answers 429 for two documents of the file until it recovers
    let overloaded = true;
    bulk.rejectItems((item) => overloaded && (item.source.s3 as { line: number }).line % 25 === 0, 429, Infinity);
    let error: Error | undefined;
    try {
      await handlerWith({ SAFETY_MARGIN_MS: '0' })(s3Event(obj), context(1_500));
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.match(/transient indexing failures, the event will be retried: s3:\/\/elb-logs\/.*flaky.* \(2 documents\)/);
    expect(bulk.documents().length).to.equal(48);
    // When the cluster recovers and Lambda retries the event
    overloaded = false;
    const [retried] = await handlerWith()(s3Event(obj), context());
    // Then the two missing documents are indexed; the other 48 were already there (409)
    expect(retried!.counts).to.deep.include({ indexed: 2, duplicates: 48, transient: 0 });
    expect(bulk.documents().length).to.equal(50);
  });

  it('dead-letters documents the cluster rejects permanently, with the reason', async () => {
    const obj = await put(albKey('mapping'), gzipSync([ALB_FULL_FIELDS.join(' '), ALB_FULL_FIELDS.join(' ')].join('\n')));
    bulk.rejectItems((item) => (item.source.s3 as { line: number }).line === 2, 400, Infinity, 'mapper_parsing_exception: failed to parse field [client_ip]');
    const [summary] = await handlerWith()(s3Event(obj), context());
    expect(summary!.counts).to.deep.include({ indexed: 1, rejected: 1 });
    expect(summary!.deadLettered).to.equal(1);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: DLQ }));
    expect(listed.Contents).to.have.length(1);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: DLQ, Key: listed.Contents![0]!.Key! }))).Body!.transformToString();
    const entry = JSON.parse(body.trim());
    expect(entry).to.deep.include({ kind: 'rejected-document', status: 400, source: { type: 's3', bucket: BUCKET, key: albKey('mapping'), line: 2 } });
    expect(entry.reason).to.match(/^mapper_parsing_exception/);
    expect(JSON.parse(entry.document).client_ip).to.equal('192.168.131.39');
  });

  it('streams a large file with at most BULK_CONCURRENCY bulk requests in flight (backpressure)', async () => {
    // Given 20 000 lines and a slow cluster
    const rng = makeRng(3);
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(albLine(rng, i));
    const obj = await put(albKey('large'), gzipSync(lines.join('\n')));
    bulk.delayResponses(20, 1_000);
    // When it is processed in 256 KiB requests, two in flight
    const [summary] = await handlerWith({ MAX_BULK_BYTES: String(256 * 1024), BULK_CONCURRENCY: '2' })(s3Event(obj), context());
    // Then every line is indexed and never more than two requests were in flight
    expect(summary!.counts).to.deep.include({ lines: 20_000, parsed: 20_000, indexed: 20_000 });
    expect(bulk.peakInFlight()).to.be.at.most(2);
    expect(bulk.requests.length).to.be.greaterThan(20);
  });
});
