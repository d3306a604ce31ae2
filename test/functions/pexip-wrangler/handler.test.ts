import { expect } from 'chai';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createDeadLetterWriter } from '../../../functions/shared/dead-letter';
import { createBulkClient } from '../../../functions/shared/opensearch';
import { loadConfig } from '../../../functions/pexip-wrangler/config';
import { RAW_LOG_GROUPS } from '../../../functions/pexip-wrangler/contract';
import { createWranglerHandler, type WranglerHandler } from '../../../functions/pexip-wrangler/handler';
import { handler as lambdaHandler } from '../../../functions/pexip-wrangler/index';
import { resetCwlIds } from '../../factories/cwl';
import { cwlRecord, idOf, kinesisEvent, kinesisRecord, seqOf } from '../../factories/kinesis';
import { lambdaContext } from '../../factories/lambda-context';
import { startBulkServer, type BulkServer } from '../../support/bulk-server';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../../support/moto';
import { fixtureLines } from './fixtures';

const EXPORTS = 'pexip-exports';
const DLQ = 'pexip-dead-letters';
const JSON_GROUPS = ['Pexip_Nodes_Support_Logs_JSON', 'Pexip_Nodes_Audit_Logs_JSON', 'Pexip_Nodes_Web_Server_Logs_JSON'];
const credentials = { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY };

// Yesterday (UTC): recent enough for CloudWatch Logs (14 days back, 2 hours ahead) at any time of day.
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const [Y, MO, D] = DAY.split('-') as [string, string, string];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Fixture support lines 1..6 moved to yesterday. */
const SUPPORT = fixtureLines('support.log').slice(0, 6).map((l) => l.split('2019-05-11').join(DAY));
const epoch = Date.UTC(Number(Y), Number(MO) - 1, Number(D), 8, 29, 33) / 1000;
const AUDIT = `${DAY}T08:29:33.760+00:00 pxpmgmt audispd: node=pxpmgmt.example.com type=USER_ACCT msg=audit(${epoch}.751:1234): pid=2345 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:accounting acct="root" exe="/usr/sbin/sshd" hostname=n/a addr=10.0.0.1 terminal=ssh res=success'`;
const WEB = `${DAY}T08:29:33.900+00:00 pxpmgmt apache2: 10.0.0.1 - admin [${D}/${MONTHS[Number(MO) - 1]}/${Y}:10:29:33 +0200] "GET /admin/ HTTP/1.1" 200 5120 "-" "curl/8"`;
const folder = (kind: string, table: string): string => `pexip/${kind}/${table}/year=${Y}/month=${MO}/day=${D}/`;

describe('pexip-wrangler handler (moto S3 + CloudWatch Logs, local _bulk server)', function () {
  this.timeout(90_000);
  let bulk: BulkServer;
  let moto: MotoServer;
  let s3: S3Client;
  let logs: CloudWatchLogsClient;
  let summaries: Record<string, unknown>[];
  const closers: (() => void)[] = [];

  const env = (over: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => ({
    ...TEST_AWS_ENV,
    EXPORT_BUCKET: EXPORTS,
    JSON_LOG_GROUP_SUFFIX: '_JSON',
    OPENSEARCH_ENDPOINT: bulk.endpoint,
    DEAD_LETTER_BUCKET: DLQ,
    AWS_ENDPOINT_URL: moto.endpoint,
    ...over,
  });

  function wrangler(over: Record<string, string | undefined> = {}): WranglerHandler {
    const config = loadConfig(env(over));
    const os = config.opensearch;
    const client = os && createBulkClient({ endpoint: os.endpoint, service: os.service, region: os.region, credentials: async () => credentials, retry: { baseDelayMs: 5, maxDelayMs: 20, minAttemptMs: 30, maxAttempts: 3 } });
    if (client) closers.push(() => client.close());
    return createWranglerHandler({
      config, s3, logs, bulk: client,
      deadLetters: createDeadLetterWriter({ bucket: DLQ, prefix: config.deadLetterPrefix, functionName: 'pexip-wrangler', s3 }),
      writeLine: (l) => summaries.push(JSON.parse(l) as Record<string, unknown>),
    });
  }

  async function objects(bucket: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const o of list.Contents ?? []) {
      const bytes = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }))).Body!.transformToByteArray();
      out.set(o.Key!, bucket === EXPORTS ? gunzipSync(bytes).toString('utf8') : Buffer.from(bytes).toString('utf8'));
    }
    return out;
  }
  const rows = (text: string): Record<string, unknown>[] => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  async function deadLetters(): Promise<Record<string, unknown>[]> {
    return [...(await objects(DLQ)).values()].flatMap(rows);
  }
  async function jsonEvents(group: string): Promise<Record<string, { timestamp: number; message: string }[]>> {
    const out: Record<string, { timestamp: number; message: string }[]> = {};
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    for (const s of streams.logStreams ?? []) {
      const ev = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: s.logStreamName!, startFromHead: true }));
      out[s.logStreamName!] = (ev.events ?? []).map((e) => ({ timestamp: e.timestamp!, message: e.message! }));
    }
    return out;
  }
  const last = (): Record<string, unknown> => summaries[summaries.length - 1]!;

  /** Support lines from the conferencing node stream, one audit and one web line. */
  const batch = () => kinesisEvent([
    cwlRecord(SUPPORT, { logGroup: RAW_LOG_GROUPS.support, logStream: 'Pexip_Conferencing_Nodes' }),
    cwlRecord([AUDIT], { logGroup: RAW_LOG_GROUPS.audit, logStream: 'Pexip_Management_Node' }),
    cwlRecord([WEB], { logGroup: RAW_LOG_GROUPS.web, logStream: 'Pexip_Management_Node' }),
  ]);

  before(async () => {
    [bulk, moto] = await Promise.all([startBulkServer({ service: 'es', region: TEST_AWS_ENV.AWS_REGION }), startMoto()]);
    const common = { endpoint: moto.endpoint, region: TEST_AWS_ENV.AWS_REGION, credentials };
    s3 = new S3Client({ ...common, forcePathStyle: true });
    logs = new CloudWatchLogsClient(common);
  });
  beforeEach(async () => {
    bulk.clear();
    await moto.reset();
    for (const b of [EXPORTS, DLQ]) await s3.send(new CreateBucketCommand({ Bucket: b, CreateBucketConfiguration: { LocationConstraint: TEST_AWS_ENV.AWS_REGION } }));
    for (const g of JSON_GROUPS) await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
    summaries = [];
    resetCwlIds();
  });
  afterEach(() => closers.splice(0).forEach((c) => c()));
  after(async () => {
    s3.destroy();
    logs.destroy();
    await Promise.all([bulk.close(), moto.stop()]);
  });

  it('exports every line to S3 by class and event day, to the _JSON groups by node and day, and to daily OpenSearch indices', async () => {
    // Given support, audit and web lines from three RAW groups
    const event = batch();
    // When the wrangler handles them
    const res = await wrangler()(event, lambdaContext({ functionName: 'pexip-wrangler' }));
    // Then nothing is retried or dead-lettered
    expect(res).to.deep.equal({ batchItemFailures: [] });
    expect(await deadLetters()).to.deep.equal([]);
    // and S3 holds one gzip NDJSON object per class, named by shard and first sequence number
    const name = `shardId-000000000000-${seqOf(event, 0)}.json.gz`;
    const exported = await objects(EXPORTS);
    expect([...exported.keys()].sort()).to.deep.equal([
      `${folder('audit', 'user_acct')}${name}`,
      `${folder('support', 'administrator_conference')}${name}`,
      `${folder('support', 'support_rest_received')}${name}`,
      `${folder('support', 'support_rest_sending')}${name}`,
      `${folder('support', 'support_sip_other')}${name}`,
      `${folder('support', 'support_sip_received')}${name}`,
      `${folder('support', 'support_sip_sending')}${name}`,
      `${folder('web', 'web')}${name}`,
    ]);
    const [conference] = rows(exported.get(`${folder('support', 'administrator_conference')}${name}`)!);
    expect(conference).to.include({ '@timestamp': `${DAY}T08:29:33.751Z`, class: 'administrator.conference', level: 'INFO', name: 'administrator.conference', raw: SUPPORT[0] });
    expect((conference!.log_message as Record<string, unknown>).Conference_ID).to.equal('6e3a1a5e-0d3c-4ba1-9a0c-3b2f0a1c9d11');
    const [acct] = rows(exported.get(`${folder('audit', 'user_acct')}${name}`)!);
    expect(acct).to.include({ '@timestamp': `${DAY}T08:29:33.751Z`, audit_serial: 1234, type: 'USER_ACCT' });
    expect((acct!.log_message as Record<string, Record<string, unknown>>).submsg!.hostname).to.equal(null);
    // and the JSON copy is in one stream per node and day, in time order, each event the record
    const support = await jsonEvents('Pexip_Nodes_Support_Logs_JSON');
    expect(Object.keys(support)).to.deep.equal([`${Y}/${MO}/${D}/pxpconf01`]);
    const events = support[`${Y}/${MO}/${D}/pxpconf01`]!;
    expect(events.map((e) => (JSON.parse(e.message) as { raw: string }).raw)).to.deep.equal(SUPPORT);
    expect(events.map((e) => e.timestamp)).to.deep.equal([...events.map((e) => e.timestamp)].sort((a, b) => a - b));
    expect(events[0]!.timestamp).to.equal(Date.parse(`${DAY}T08:29:33.751Z`));
    expect(Object.keys(await jsonEvents('Pexip_Nodes_Audit_Logs_JSON'))).to.deep.equal([`${Y}/${MO}/${D}/pxpmgmt`]);
    expect(Object.keys(await jsonEvents('Pexip_Nodes_Web_Server_Logs_JSON'))).to.deep.equal([`${Y}/${MO}/${D}/pxpmgmt`]);
    // and OpenSearch has every line under its event id, with the REST dict moved out of the lines column
    expect(bulk.indices().sort()).to.deep.equal([`pexip-audit-${Y}.${MO}.${D}`, `pexip-support-${Y}.${MO}.${D}`, `pexip-web-${Y}.${MO}.${D}`]);
    const docs = bulk.documents(`pexip-support-${Y}.${MO}.${D}`);
    expect(docs.map((d) => d.id)).to.deep.equal(SUPPORT.map((_, i) => idOf(event, 0, i)));
    const rest = docs[4]!.source;
    expect((rest.log_message as Record<string, unknown>).Detail).to.equal(undefined);
    expect((rest.detail_object as Record<string, unknown>).display_name).to.equal("Bob O'Neil");
    // and one summary line counts it all
    expect(summaries).to.have.length(1);
    expect(last()).to.include({ Records: 3, Lines: 8, ParseErrors: 0, ExportedObjects: 8, JsonEvents: 8, Indexed: 8, DeadLettered: 0, BatchItemFailures: 0 });
    expect(last().classes).to.deep.equal({
      'administrator.conference': 1, 'support.sip.received': 1, 'support.sip.sending': 1, 'support.sip.other': 1,
      'support.rest.received': 1, 'support.rest.sending': 1, USER_ACCT: 1, web: 1,
    });
  });

  it('overwrites its own S3 objects and adds nothing to OpenSearch when a batch comes again', async () => {
    const event = batch();
    const handle = wrangler({ JSON_LOG_GROUP_SUFFIX: undefined });
    await handle(event, lambdaContext());
    const first = await objects(EXPORTS);
    await handle(event, lambdaContext());
    expect(await objects(EXPORTS)).to.deep.equal(first);
    expect(bulk.documents()).to.have.length(8);
    expect(last()).to.include({ Indexed: 0, Duplicates: 8 });
  });

  it('exports an unreadable line with parse_error and dead-letters a record that is not a subscription message', async () => {
    // Given a garbage line and a poison record
    const event = kinesisEvent([
      cwlRecord(['%%%% not a pexip line'], { logGroup: RAW_LOG_GROUPS.support, logStream: 'Pexip_Conferencing_Nodes', timestamp: Date.parse(`${DAY}T12:00:00Z`) }),
      kinesisRecord('bm90IGd6aXA='),
    ]);
    const res = await wrangler()(event, lambdaContext());
    expect(res.batchItemFailures).to.deep.equal([]);
    // Then the line is exported as an `unparsed` record at the CloudWatch time, named by its stream
    const exported = await objects(EXPORTS);
    const key = `${folder('support', 'unparsed')}shardId-000000000000-${seqOf(event, 0)}.json.gz`;
    expect([...exported.keys()]).to.deep.equal([key]);
    expect(rows(exported.get(key)!)).to.deep.equal([{
      '@timestamp': `${DAY}T12:00:00.000Z`, kind: 'support', class: 'unparsed', syslog_time: null, system: 'Pexip_Conferencing_Nodes',
      parse_error: 'not a support line', raw: '%%%% not a pexip line',
    }]);
    // and the poison record is dead-lettered whole, with the failing step
    const dl = await deadLetters();
    expect(dl.map((d) => [d.kind, d.reason, d.data])).to.deep.equal([['poison-record', 'data is not gzip: incorrect header check', 'bm90IGd6aXA=']]);
    expect(last()).to.include({ PoisonRecords: 1, ParseErrors: 1, DeadLettered: 1 });
  });

  it('reports the first record and skips the JSON copy when OpenSearch keeps failing, so the batch comes again whole', async () => {
    bulk.failRequests(503, 1000);
    const event = batch();
    const res = await wrangler()(event, lambdaContext({ remainingMs: 4_000 }));
    expect(res).to.deep.equal({ batchItemFailures: [{ itemIdentifier: seqOf(event, 0) }] });
    expect((await objects(EXPORTS)).size).to.equal(8);
    expect(await jsonEvents('Pexip_Nodes_Support_Logs_JSON')).to.deep.equal({});
    expect(last()).to.include({ BatchItemFailures: 1, JsonEvents: 0, jsonCopySkipped: true });
  });

  it('dead-letters a document OpenSearch refuses for good, with its reason, and retries nothing', async () => {
    const event = batch();
    bulk.rejectItems([idOf(event, 0, 0)], 400, undefined, 'failed to parse field [log_message.Licenses]');
    const res = await wrangler()(event, lambdaContext());
    expect(res.batchItemFailures).to.deep.equal([]);
    const dl = await deadLetters();
    expect(dl).to.have.length(1);
    expect(dl[0]).to.include({ kind: 'rejected-document', status: 400, index: `pexip-support-${Y}.${MO}.${D}`, id: idOf(event, 0, 0) });
    expect(dl[0]!.reason).to.contain('failed to parse field [log_message.Licenses]');
    expect((JSON.parse(dl[0]!.document as string) as { raw: string }).raw).to.equal(SUPPORT[0]);
    expect((dl[0]!.source as Record<string, unknown>).sequenceNumber).to.equal(seqOf(event, 0));
  });

  it('dead-letters every line of an export the bucket refuses, and JSON events whose group does not exist', async () => {
    const event = kinesisEvent([cwlRecord(SUPPORT.slice(0, 2), { logGroup: 'Pexip_Other_RAW', logStream: 'n' })]);
    const res = await wrangler({ EXPORT_BUCKET: 'no-such-bucket', OPENSEARCH_ENDPOINT: undefined })(event, lambdaContext());
    expect(res.batchItemFailures).to.deep.equal([]);
    const dl = await deadLetters();
    expect(dl.map((d) => [d.kind, d.id]).sort()).to.deep.equal([
      ['export-failed', idOf(event, 0, 0)], ['export-failed', idOf(event, 0, 1)],
      ['json-copy-rejected', idOf(event, 0, 0)], ['json-copy-rejected', idOf(event, 0, 1)],
    ]);
    expect(dl.find((d) => d.kind === 'export-failed')!.reason).to.match(/^S3 export to s3:\/\/no-such-bucket\/pexip\/support\/(administrator_conference|support_sip_received)\/year=.* failed: NoSuchBucket/);
    expect(dl.find((d) => d.kind === 'json-copy-rejected')!.reason).to.match(/^PutLogEvents to Pexip_Other_JSON\/.* failed: ResourceNotFoundException/);
  });

  it('dead-letters the JSON copy of events CloudWatch Logs refuses as too old, and still exports them to S3', async () => {
    const old = fixtureLines('support.log')[0]!; // 2019: older than 14 days
    const event = kinesisEvent([cwlRecord([old, SUPPORT[1]!], { logGroup: RAW_LOG_GROUPS.support, logStream: 'n' })]);
    const res = await wrangler({ OPENSEARCH_ENDPOINT: undefined })(event, lambdaContext());
    expect(res.batchItemFailures).to.deep.equal([]);
    const dl = await deadLetters();
    expect(dl.map((d) => [d.kind, d.id, d.reason])).to.deep.equal([['json-copy-rejected', idOf(event, 0, 0), 'CloudWatch Logs refused the event: older than 14 days or than the group retention']]);
    const copied = await jsonEvents('Pexip_Nodes_Support_Logs_JSON');
    expect(Object.values(copied).flat().map((e) => (JSON.parse(e.message) as { raw: string }).raw)).to.deep.equal([SUPPORT[1]]);
    expect([...(await objects(EXPORTS)).keys()].some((k) => k.includes('/year=2019/month=05/day=11/'))).to.equal(true);
  });

  it('reports the first record when S3 or CloudWatch Logs fail transiently, and dead-letters nothing', async () => {
    // Given S3 and CloudWatch Logs clients that answer 503 and throttle
    const config = loadConfig(env({ OPENSEARCH_ENDPOINT: undefined }));
    const unavailable = Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const failing = (err: Error) => ({ send: async () => { throw err; }, destroy: () => undefined });
    const writer = createDeadLetterWriter({ bucket: DLQ, functionName: 'pexip-wrangler', s3 });
    const event = batch();
    // When S3 fails, the JSON copy is not even tried; when only the copy is throttled, S3 is written
    const s3Down = createWranglerHandler({ config, s3: failing(unavailable) as never, logs, deadLetters: writer, writeLine: (l) => summaries.push(JSON.parse(l) as Record<string, unknown>) });
    expect(await s3Down(event, lambdaContext())).to.deep.equal({ batchItemFailures: [{ itemIdentifier: seqOf(event, 0) }] });
    expect(last()).to.include({ ExportedObjects: 0, JsonEvents: 0, jsonCopySkipped: true });
    const logsDown = createWranglerHandler({ config, s3, logs: failing(throttled) as never, deadLetters: writer, writeLine: (l) => summaries.push(JSON.parse(l) as Record<string, unknown>) });
    expect(await logsDown(event, lambdaContext())).to.deep.equal({ batchItemFailures: [{ itemIdentifier: seqOf(event, 0) }] });
    expect(last()).to.include({ ExportedObjects: 8, JsonEvents: 0, BatchItemFailures: 1 });
    expect((last().errors as string[])[0]).to.match(/^PutLogEvents to Pexip_Nodes_\w+_JSON\/.* failed: ThrottlingException \(400\): Rate exceeded$/);
    // Then nothing was dead-lettered: the batch comes again
    expect(await deadLetters()).to.deep.equal([]);
  });

  it('gives each further line of one CloudWatch event its own record and id', async () => {
    const event = kinesisEvent([cwlRecord([`${SUPPORT[0]}\r\n${SUPPORT[3]}\n`], { logGroup: RAW_LOG_GROUPS.support, logStream: 'n' })]);
    await wrangler({ EXPORT_BUCKET: undefined, JSON_LOG_GROUP_SUFFIX: undefined })(event, lambdaContext());
    const docs = bulk.documents();
    expect(docs.map((d) => [d.id, (d.source as { raw: string }).raw])).to.deep.equal([[idOf(event, 0, 0), SUPPORT[0]], [`${idOf(event, 0, 0)}-1`, SUPPORT[3]]]);
  });

  it('fails every invocation with one error naming each bad variable', async () => {
    const saved = { ...process.env };
    try {
      process.env = { ...TEST_AWS_ENV, EXPORT_PREFIX: '/abs', INDEX_PREFIX: 'UPPER', OPENSEARCH_ENDPOINT: 'http://example.com' };
      const err = await lambdaHandler(batch(), lambdaContext()).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.equal(
        'pexip-wrangler configuration: OPENSEARCH_ENDPOINT must be an https:// URL (http:// only to 127.0.0.1, localhost or [::1]), got "http://example.com"; ' +
        'INDEX_PREFIX must be a lower-case index name prefix (a-z, 0-9, ".", "_", "-", starting with a letter or digit, at most 101 characters), got "UPPER"; ' +
        'EXPORT_PREFIX must be a relative S3 key prefix ending with "/", got "/abs"; DEAD_LETTER_BUCKET is required (an S3 bucket name (3..63 of a-z, 0-9, ".", "-"))',
      );
    } finally {
      process.env = saved;
    }
  });
});
