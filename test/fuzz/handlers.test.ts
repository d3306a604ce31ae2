import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { createDeadLetterWriter } from '../../functions/shared/dead-letter';
import { createBulkClient } from '../../functions/shared/opensearch';
import { loadConfig as loadShipperConfig } from '../../functions/shipper/config';
import { createShipperHandler } from '../../functions/shipper/handler';
import { loadConfig as loadElbConfig } from '../../functions/elb-processor/config';
import { createHandler as createElbHandler, type ObjectSummary } from '../../functions/elb-processor/handler';
import { makeRng } from '../../fixtures/elb/generate';
import { kinesisEvent } from '../factories/kinesis';
import { lambdaContext } from '../factories/lambda-context';
import { s3Event } from '../factories/s3';
import { startBulkServer, type BulkServer } from '../support/bulk-server';
import { cpuMsAsync } from '../support/cpu';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../support/moto';
import { hostileBatch, hostileFile, pick, type GeneratedRecord } from './generators';

/**
 * Fuzz suite: seeded random and adversarial input through both handlers, against the local
 * `_bulk` server and moto S3, with faults injected on the cluster side. For every input:
 * - the handler returns within a CPU-time bound (CPU, not wall: the machine may be loaded);
 * - every event / line is indexed, dead-lettered with a reason, or reported for retry; none is
 *   lost, none indexed twice.
 * FUZZ_ITERATIONS (default 12 per handler) and FUZZ_SEED (default 14) scale and vary it;
 * a failure message names the seed and iteration; FUZZ_DEBUG=1 prints each input's outcome.
 */
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 14);
const DLQ = 'fuzz-dead-letters';
const LOGS = 'fuzz-elb-logs';

/**
 * Generous CPU bound for one invocation: 5 s plus 10 ms per KB of (decompressed) input. Linear
 * code needs well under a tenth of that; one quadratic path on a 256 KB message needs minutes.
 */
const cpuBudgetMs = (inputBytes: number): number => 5_000 + 10 * (inputBytes / 1024);

interface Entry {
  kind: string;
  reason: string;
  id?: string;
  data?: string;
  source: { sequenceNumber?: string; line?: number };
}

describe('fuzz: hostile input through both handlers (seeded)', function () {
  this.timeout(600_000);
  let bulk: BulkServer;
  let moto: MotoServer;
  let s3: S3Client;
  const addedEnv = Object.keys(TEST_AWS_ENV).filter((k) => process.env[k] === undefined);

  before(async () => {
    [bulk, moto] = await Promise.all([startBulkServer({ service: 'es', region: TEST_AWS_ENV.AWS_REGION }), startMoto()]);
    Object.assign(process.env, TEST_AWS_ENV); // the bulk client signs with the process credentials, as in Lambda
    s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: TEST_AWS_ENV.AWS_REGION, credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY } });
  });
  after(async () => {
    for (const k of addedEnv) delete process.env[k];
    s3?.destroy();
    await Promise.all([bulk?.close(), moto?.stop()]);
  });

  /** Empty dead-letter and log buckets for each input. */
  async function resetBuckets(): Promise<void> {
    await moto.reset();
    for (const Bucket of [DLQ, LOGS]) await s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: TEST_AWS_ENV.AWS_REGION } }));
  }

  async function deadLetters(): Promise<Entry[]> {
    const out: Entry[] = [];
    const list = await s3.send(new ListObjectsV2Command({ Bucket: DLQ }));
    for (const o of list.Contents ?? []) {
      const body = await (await s3.send(new GetObjectCommand({ Bucket: DLQ, Key: o.Key! }))).Body!.transformToString();
      for (const line of body.trim().split('\n')) out.push(JSON.parse(line) as Entry);
    }
    return out;
  }

  /** Faults the cluster shows for one iteration: none, item rejections, throttling, 503s, a small body limit. */
  function injectFaults(rng: () => number): string {
    bulk.clear();
    const fault = pick(rng, ['none', 'none', 'reject', 'throttle', 'unavailable', 'small-bodies']);
    if (fault === 'reject') bulk.rejectItems((item) => /[05]$/.test(item.id ?? ''), 400, Infinity, 'failed to parse field [x]', 'mapper_parsing_exception');
    if (fault === 'throttle') bulk.rejectItems((item) => /7$/.test(item.id ?? ''), 429, Infinity);
    if (fault === 'unavailable') bulk.failRequests(503, 2);
    if (fault === 'small-bodies') bulk.setMaxBodyBytes(80 * 1024);
    return fault;
  }

  it(`ships or accounts for every event of ${ITERATIONS} hostile Kinesis batches (shipper)`, async () => {
    const rng = makeRng(SEED);
    for (let it = 0; it < ITERATIONS; it++) {
      const label = `shipper seed ${SEED} iteration ${it}`;
      await resetBuckets();
      // Given a hostile batch, a random configuration and cluster faults
      const generated = hostileBatch(rng, 1 + Math.floor(rng() * 8));
      const fault = injectFaults(rng);
      const config = loadShipperConfig({
        ...TEST_AWS_ENV, OPENSEARCH_ENDPOINT: bulk.endpoint, DEAD_LETTER_BUCKET: DLQ,
        MAX_BULK_BYTES: String(pick(rng, [64 * 1024, 256 * 1024, 5 * 1024 * 1024])), FIELD_PLACEMENT: pick(rng, ['nested', 'top']),
      });
      const client = createBulkClient({
        endpoint: config.endpoint, service: 'es', region: config.region, maxBulkBytes: config.maxBulkBytes,
        retry: { baseDelayMs: 2, maxDelayMs: 10, minAttemptMs: 20, maxAttempts: 3 },
      });
      const summaries: string[] = [];
      const handler = createShipperHandler({
        config, bulk: client, writeLine: (l) => summaries.push(l),
        deadLetters: createDeadLetterWriter({ bucket: DLQ, prefix: 'dlq/', functionName: 'fuzz-shipper', s3 }),
      });
      const event = kinesisEvent(generated.map((g) => g.record));
      const inputBytes = generated.reduce((sum, g) => sum + inflatedBytes(g.record.kinesis.data), 0);
      // When the shipper handles it
      let run: { ms: number; value: KinesisStreamBatchResponse };
      try {
        run = await cpuMsAsync(() => handler(event, lambdaContext({ remainingMs: 120_000 })));
      } finally {
        client.close();
      }
      // Then it returned within the CPU bound, with one summary line
      expect(run.ms, `${label}: CPU ms for ${inputBytes} bytes`).to.be.below(cpuBudgetMs(inputBytes));
      expect(summaries, label).to.have.length(1);
      // And every event is accounted for
      if (process.env.FUZZ_DEBUG) console.log(label, fault, summaries[0], JSON.stringify(run.value), bulk.documents().map((d) => d.id));
      accountShipper(label, fault, generated, run.value, await deadLetters(), bulk.documents().map((d) => d.id));
    }
  });

  it(`indexes or accounts for every line of ${ITERATIONS} hostile ELB files (elb-processor)`, async () => {
    const rng = makeRng(SEED + 1);
    for (let it = 0; it < ITERATIONS; it++) {
      const label = `elb seed ${SEED + 1} iteration ${it}`;
      // Given a hostile file (mixed line ends, glued and broken records, escapes, bad dates, invalid UTF-8),
      // stored gzip, plain or cut short, and cluster faults
      const { bytes, lineCount } = hostileFile(rng, Math.floor(rng() * 120));
      const storage = pick(rng, ['gzip', 'gzip', 'plain', 'cut']);
      const gz = gzipSync(bytes);
      const body = storage === 'plain' ? bytes : storage === 'cut' ? gz.subarray(0, Math.max(10, gz.length - 1 - Math.floor(rng() * 40))) : gz;
      const key = `AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2024/05/28/123456789012_elasticloadbalancing_eu-west-1_app.shop.50dc6c495c0c9188_20240528T1340Z_10.0.0.1_fuzz${it}.log${storage === 'plain' ? '' : '.gz'}`;
      await resetBuckets();
      await s3.send(new PutObjectCommand({ Bucket: LOGS, Key: key, Body: body }));
      const fault = injectFaults(rng);
      const config = loadElbConfig({
        ...TEST_AWS_ENV, OPENSEARCH_ENDPOINT: bulk.endpoint, AWS_LAMBDA_FUNCTION_NAME: 'fuzz-elb', DEAD_LETTER_BUCKET: DLQ,
        MAX_LINE_BYTES: String(16 * 1024),
      });
      const client = createBulkClient({
        endpoint: config.endpoint, service: 'es', region: config.region, maxBulkBytes: pick(rng, [64 * 1024, 2 * 1024 * 1024]),
        retry: { baseDelayMs: 2, maxDelayMs: 10, minAttemptMs: 20, maxAttempts: 3 },
      });
      const summaries: string[] = [];
      const handler = createElbHandler({
        config, s3, bulk: client, write: (l) => summaries.push(l),
        deadLetters: createDeadLetterWriter({ bucket: DLQ, prefix: 'dlq/', functionName: 'fuzz-elb', s3 }),
      });
      // When the processor handles the notification
      const started = process.cpuUsage();
      let result: ObjectSummary[] | Error;
      try {
        result = await handler(s3Event({ bucket: LOGS, key }), { getRemainingTimeInMillis: () => 120_000, awsRequestId: `fuzz-${it}` });
      } catch (err) {
        result = err as Error;
      } finally {
        client.close();
      }
      const cpu = process.cpuUsage(started);
      // Then it returned within the CPU bound
      expect((cpu.user + cpu.system) / 1000, `${label}: CPU ms for ${bytes.length} bytes`).to.be.below(cpuBudgetMs(bytes.length));
      // And every line is accounted for (or the object is handed back for retry)
      accountElb(label, fault, storage, lineCount, result, await deadLetters(), bulk.documents().map((d) => d.id));
    }
  });
});

/** The bulk id the shipper gives each event: its id, or `<id>.<content hash>` when an earlier event of the batch had the id with other content. */
function expectedShipperIds(generated: GeneratedRecord[], skip: (r: number) => boolean): Map<number, string[]> {
  const first = new Map<string, { timestamp: number; message: string }>();
  const out = new Map<number, string[]>();
  generated.forEach((g, r) => {
    if (skip(r)) return;
    const payload = decodeEvents(g.record.kinesis.data);
    if (payload === undefined) return;
    out.set(r, payload.map((e) => {
      const id = String(e.id);
      const seen = first.get(id);
      if (seen === undefined) {
        first.set(id, e);
        return id;
      }
      if (seen.timestamp === e.timestamp && seen.message === e.message) return id;
      return `${id}.${createHash('sha256').update(`${e.timestamp}\n${e.message}`).digest('hex').slice(0, 16)}`;
    }));
  });
  return out;
}

/** Bytes a record's data stands for (gunzipped when it is gzip, else as received). */
function inflatedBytes(data: string): number {
  try {
    return gunzipSync(Buffer.from(data, 'base64')).length;
  } catch {
    return data.length;
  }
}

/** The events of a record decoded independently of the shipper (undefined when it carries none: control). */
function decodeEvents(data: string): { id: string | number; timestamp: number; message: string }[] | undefined {
  const m = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as { messageType: string; logEvents: { id: string | number; timestamp: number; message: string }[] };
  return m.messageType === 'DATA_MESSAGE' ? m.logEvents : undefined;
}

function accountShipper(label: string, fault: string, generated: GeneratedRecord[], res: KinesisStreamBatchResponse, letters: Entry[], docIds: string[]): void {
  const seqs = generated.map((g) => g.record.kinesis.sequenceNumber);
  const retried = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
  const poison = new Map(letters.filter((l) => l.kind === 'poison-record').map((l) => [l.source.sequenceNumber!, l]));
  const rejected = new Set(letters.filter((l) => l.kind === 'rejected-document').map((l) => l.id!));
  for (const l of letters) expect(l.reason, `${label}: a dead letter without a reason`).to.be.a('string').and.not.equal('');
  for (const s of retried) expect(seqs, `${label}: reported an unknown record`).to.include(s);
  if (fault === 'none' || fault === 'reject') expect([...retried], `${label}: nothing transient, nothing to retry`).to.deep.equal([]);
  const ids = expectedShipperIds(generated, (r) => poison.has(seqs[r]!));
  const indexed = new Set(docIds);
  const allExpected = new Set([...ids.values()].flat());
  generated.forEach((g, r) => {
    const seq = seqs[r]!;
    if (retried.has(seq)) return; // handed back to Kinesis: every event comes again
    const p = poison.get(seq);
    if (p) {
      expect(p.data, `${label}: record ${r} dead-lettered without its data`).to.equal(g.record.kinesis.data);
      return;
    }
    let events: unknown[] | undefined;
    try {
      events = decodeEvents(g.record.kinesis.data);
    } catch {
      expect.fail(`${label}: record ${r} (${g.intent}) is neither reported, dead-lettered nor decodable: lost`);
    }
    if (events === undefined) return; // control message
    for (const [e, id] of (ids.get(r) ?? []).entries()) {
      expect(indexed.has(id) || rejected.has(id), `${label}: record ${r} event ${e} (id ${id}) neither indexed nor dead-lettered: lost`).to.equal(true);
    }
  });
  // Nothing indexed that was not an event, and no event indexed under two ids.
  for (const id of docIds) expect(allExpected.has(id), `${label}: document ${id} matches no event`).to.equal(true);
  expect(new Set(docIds).size, `${label}: an id indexed twice`).to.equal(docIds.length);
}

function accountElb(label: string, fault: string, storage: string, lineCount: number, result: ObjectSummary[] | Error, letters: Entry[], docIds: string[]): void {
  for (const l of letters) expect(l.reason, `${label}: a dead letter without a reason`).to.be.a('string').and.not.equal('');
  const lines = docIds.map((id) => Number(id.slice(id.lastIndexOf('.') + 1)));
  expect(new Set(lines).size, `${label}: a line indexed twice`).to.equal(lines.length);
  if (result instanceof Error) {
    // Handed back for retry (Lambda's asynchronous retry reprocesses the object; ids make that idempotent).
    expect(result.message, label).to.match(/transient indexing failures, the event will be retried/);
    expect(fault, `${label}: a retry without a transient fault`).to.be.oneOf(['throttle', 'unavailable', 'small-bodies']);
    return;
  }
  const c = result[0]!.counts!;
  if (process.env.FUZZ_DEBUG) console.log(label, fault, storage, lineCount, JSON.stringify(c), docIds.length, letters.length);
  expect(result[0]!.status, label).to.equal('processed');
  const corruptLine = c.corrupt ? 1 : 0;
  if (storage !== 'cut') expect(c.lines, `${label}: lines counted`).to.equal(lineCount);
  else expect(c.lines, `${label}: lines counted before the damage`).to.be.at.most(lineCount);
  expect(c.parsed + c.failed - corruptLine + c.blank + c.control, `${label}: every line classified`).to.equal(c.lines);
  // Every parsed or failed line is indexed (or was already: 409) or dead-lettered with its reason.
  const deadLines = letters.map((l) => l.source.line!);
  const accounted = new Set([...lines, ...deadLines]);
  expect(accounted.size, `${label}: indexed + dead-lettered lines`).to.equal(c.parsed + c.failed);
  expect(c.indexed + c.duplicates + c.rejected, `${label}: outcomes`).to.equal(c.parsed + c.failed);
  for (const n of accounted) expect(n, `${label}: line number`).to.be.within(1, c.lines + corruptLine);
}
