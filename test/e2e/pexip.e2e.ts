import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateStreamCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { expect } from 'chai';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildFunctionZip } from '../../modules/common/function-build';
import { exportFolder, indexName, jsonLogGroupName, kindOfLogGroup, PEXIP_KINDS, RAW_LOG_GROUPS, UNPARSED_CLASS, type PexipKind } from '../../functions/pexip-wrangler/contract';
import { wrangleLine } from '../../functions/pexip-wrangler/core/wrangle';
import type { DesiredState } from '../../functions/opensearch-bootstrap/contract';
import { resolveState } from '../../functions/opensearch-bootstrap/core/state';
import { buildIndexTemplate, templateName } from '../../functions/opensearch-bootstrap/core/templates';
import { createKinesisEventSource, invocationContext, loadDeployedHandler, type KinesisHandler } from '../../tools/local-runner';
import { fixtureLines } from '../functions/pexip-wrangler/fixtures';
import { TEST_AWS_ENV } from '../support/moto';
import { PROJECT_ROOT } from '../support/shared';
import { readWholeStream, startServices, waitForStreamEvents, type Services } from './pipeline';
import { allDocs, refresh } from './search';

/**
 * The Pexip path end to end, as deployed: the RAW log groups (moto CloudWatch Logs) with
 * subscription filters to a Kinesis stream (moto), the **bundled** pexip-wrangler zip (what the
 * PexipIngest construct uploads) driven by the local Kinesis event source mapping, writing to moto
 * S3 (export), the `_JSON` groups (moto CloudWatch Logs) and a real OpenSearch behind the SigV4
 * fault proxy. Every fixture line put must come out exactly once per destination, under its class,
 * garbage included (with `parse_error`), and a batch delivered again must add no S3 row and no
 * OpenSearch document.
 */
const REGION = TEST_AWS_ENV.AWS_REGION;
const STREAM = 'pexip-raw';
const EXPORT_BUCKET = 'e2e-pexip-export';
const EXPORT_PREFIX = 'pexip/';
const INDEX_PREFIX = 'e2e-pexip';
const DEAD_LETTER_PREFIX = 'dead-letter/pexip/';
const JSON_SUFFIX = '_JSON';
/** Lines per PutLogEvents call (the agent batches lines; moto writes one Kinesis record per call). */
const LINES_PER_PUT = 3;

// The fixtures are dated 2019-05-11; CloudWatch Logs refuses events older than 14 days, so every
// date in them moves to yesterday (UTC), in each notation the lines use.
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const [Y, MO, D] = DAY.split('-') as [string, string, string];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SHIFT_S = (Date.UTC(Number(Y), Number(MO) - 1, Number(D)) - Date.UTC(2019, 4, 11)) / 1000;
const moveToYesterday = (line: string): string =>
  line
    .split('2019-05-11').join(DAY)
    .split('11/May/2019').join(`${D}/${MONTHS[Number(MO) - 1]}/${Y}`)
    .replace(/audit\((\d+)\./g, (_, s: string) => `audit(${Number(s) + SHIFT_S}.`);

interface InputLine {
  line: string;
  group: string;
  stream: string;
  source: string;
  garbage: boolean;
}

/** Fixture lines into the RAW group of their kind (garbage into the support group), one stream per node role as the agent config names them. */
function inputLines(): InputLine[] {
  const out: InputLine[] = [];
  const files: [string, PexipKind][] = [['support.log', 'support'], ['audit.log', 'audit'], ['web.log', 'web'], ['garbage.log', 'support']];
  for (const [file, kind] of files) {
    fixtureLines(file).forEach((raw, i) => {
      // CloudWatch Logs has no empty events (PutLogEvents: message length ≥ 1): garbage.log's blank line cannot reach the pipeline.
      if (raw === '') return;
      const line = moveToYesterday(raw);
      const node = line.split(' ')[1];
      out.push({
        line,
        group: RAW_LOG_GROUPS[kind],
        stream: node === 'pxpmgmt' ? 'Pexip_Management_Node' : 'Pexip_Conferencing_Nodes',
        source: `${file}:${i + 1}`,
        garbage: file === 'garbage.log',
      });
    });
  }
  return out;
}

interface ExportRow {
  key: string;
  row: Record<string, unknown>;
}

const countBy = <T>(items: T[], key: (t: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};
/** Log lines in a Lambda Kinesis event (one per CloudWatch Logs event here: the harness puts one line per event). */
const linesIn = (event: KinesisStreamEvent): number =>
  event.Records.reduce((n, r) => {
    const doc = JSON.parse(gunzipSync(Buffer.from(r.kinesis.data, 'base64')).toString('utf8')) as { messageType: string; logEvents?: unknown[] };
    return n + (doc.messageType === 'DATA_MESSAGE' ? doc.logEvents?.length ?? 0 : 0);
  }, 0);
const sortedRaws = (rows: { raw?: unknown }[]): string[] => rows.map((r) => String(r.raw)).sort();

describe('e2e: Pexip RAW log groups → Kinesis → bundled pexip-wrangler → S3 + _JSON groups + OpenSearch', function () {
  this.timeout(600_000);
  let services: Services;
  let zip: Buffer;
  const lines = inputLines();
  /** Every event the runner delivered, in order (a redelivery replays these). */
  const delivered: KinesisStreamEvent[] = [];
  const summaries: string[] = [];
  /** Each line's expected class, kind and index, from the pure parser on the line as put (the bundle under test is a separate build). */
  let expected: { kind: string; cls: string; index: string; parseError: boolean; raw: string }[];

  const env = (): Record<string, string> => ({
    ...TEST_AWS_ENV,
    AWS_LAMBDA_FUNCTION_NAME: 'pexip-wrangler',
    AWS_ENDPOINT_URL: services.moto.endpoint,
    EXPORT_BUCKET,
    EXPORT_PREFIX,
    JSON_LOG_GROUP_SUFFIX: JSON_SUFFIX,
    OPENSEARCH_ENDPOINT: services.proxy.endpoint,
    OPENSEARCH_SERVICE: 'es',
    INDEX_PREFIX,
    DEAD_LETTER_BUCKET: services.deadLetterBucket,
    DEAD_LETTER_PREFIX,
  });
  /** A cold start of the bundle, unpacked where Node finds the AWS SDK the Lambda runtime provides. */
  const loadWrangler = (): KinesisHandler =>
    loadDeployedHandler<KinesisHandler>(zip, 'index.handler', join(PROJECT_ROOT, '.build', 'e2e', 'pexip-wrangler'), env());

  async function exportRows(): Promise<ExportRow[]> {
    const out: ExportRow[] = [];
    let token: string | undefined;
    do {
      const page = await services.s3.send(new ListObjectsV2Command({ Bucket: EXPORT_BUCKET, Prefix: EXPORT_PREFIX, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const body = await (await services.s3.send(new GetObjectCommand({ Bucket: EXPORT_BUCKET, Key: o.Key! }))).Body!.transformToByteArray();
        for (const l of gunzipSync(body).toString('utf8').split('\n')) if (l !== '') out.push({ key: o.Key!, row: JSON.parse(l) as Record<string, unknown> });
      }
      token = page.NextContinuationToken;
    } while (token);
    return out;
  }

  async function jsonEvents(): Promise<{ group: string; stream: string; record: Record<string, unknown> }[]> {
    const out: { group: string; stream: string; record: Record<string, unknown> }[] = [];
    for (const kind of PEXIP_KINDS) {
      const group = jsonLogGroupName(RAW_LOG_GROUPS[kind], JSON_SUFFIX);
      const streams = await services.logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
      for (const s of streams.logStreams ?? []) {
        let token: string | undefined;
        for (;;) {
          const page = await services.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: s.logStreamName!, startFromHead: true, nextToken: token }));
          for (const e of page.events ?? []) out.push({ group, stream: s.logStreamName!, record: JSON.parse(e.message!) as Record<string, unknown> });
          if (!page.nextForwardToken || page.nextForwardToken === token || (page.events ?? []).length === 0) break;
          token = page.nextForwardToken;
        }
      }
    }
    return out;
  }

  async function deadLetters(): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    const page = await services.s3.send(new ListObjectsV2Command({ Bucket: services.deadLetterBucket, Prefix: DEAD_LETTER_PREFIX }));
    for (const o of page.Contents ?? []) {
      const body = await (await services.s3.send(new GetObjectCommand({ Bucket: services.deadLetterBucket, Key: o.Key! }))).Body!.transformToString();
      for (const l of body.split('\n')) if (l !== '') out.push(JSON.parse(l) as Record<string, unknown>);
    }
    return out;
  }

  before(async () => {
    services = await startServices((line) => console.log(`      ${line}`));
    console.log(`      services up in ${services.timings.servicesMs} ms; function logs → ${services.functionLogs}`);
    // The zip the construct deploys: one esbuild bundle, the AWS SDK left to the runtime
    zip = Buffer.from(buildFunctionZip('pexip-wrangler', false));
    await services.s3.send(new CreateBucketCommand({ Bucket: EXPORT_BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  });
  after(async () => {
    for (const s of summaries) console.log(s);
    await services?.stop();
  });

  it('puts every line into S3, the _JSON groups and OpenSearch exactly once under its class, garbage with parse_error, through a retried batch', async () => {
    // Given the RAW groups (streams named by node role) subscribed to a 2-shard stream, the _JSON groups the construct creates, and an on-failure queue
    const { logs, kinesis, sqs } = services;
    await kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 2 }));
    const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }))).StreamDescriptionSummary!.StreamARN!;
    for (const kind of PEXIP_KINDS) {
      const group = RAW_LOG_GROUPS[kind];
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      for (const s of ['Pexip_Management_Node', 'Pexip_Conferencing_Nodes']) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
      // moto ignores filter patterns; the wrangler parses the raw message whatever the pattern
      await logs.send(new PutSubscriptionFilterCommand({ logGroupName: group, filterName: 'to-kinesis', filterPattern: '', destinationArn: streamArn, roleArn: 'arn:aws:iam::123456789012:role/cwl-to-kinesis' }));
      await logs.send(new CreateLogGroupCommand({ logGroupName: jsonLogGroupName(group, JSON_SUFFIX) }));
    }
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'pexip-on-failure' }))).QueueUrl!;
    // And the index template the OpenSearch construct's bootstrap installs for Pexip (pairs as flat_object: a key
    // that is a number on one line and text on another cannot be refused)
    const state: DesiredState = { sources: { pexip: { indexPrefix: INDEX_PREFIX, retentionDays: 30 } } };
    const template = await fetch(`${services.search.endpoint}/_index_template/${templateName('pexip')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(buildIndexTemplate('pexip', state.sources.pexip!, resolveState(state))),
    });
    expect(template.status, await template.text()).to.equal(200);

    // And every fixture line put as the agent would: a few lines per PutLogEvents call, in order, per group and stream
    const base = Date.now() - 60_000;
    const timestamps = new Map<InputLine, number>();
    lines.forEach((l, i) => timestamps.set(l, base + i * 10));
    const byStream = new Map<string, InputLine[]>();
    for (const l of lines) byStream.set(`${l.group}\t${l.stream}`, [...(byStream.get(`${l.group}\t${l.stream}`) ?? []), l]);
    let puts = 0;
    for (const [key, ls] of byStream) {
      const [group, stream] = key.split('\t') as [string, string];
      for (let i = 0; i < ls.length; i += LINES_PER_PUT) {
        const res = await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: ls.slice(i, i + LINES_PER_PUT).map((l) => ({ timestamp: timestamps.get(l)!, message: l.line })) }));
        expect(res.rejectedLogEventsInfo, `${group}/${stream}: CloudWatch Logs refused events (the harness, not the wrangler)`).to.equal(undefined);
        puts++;
      }
    }
    await waitForStreamEvents(() => readWholeStream(kinesis, STREAM), lines.length, 180_000);
    const inStream = await readWholeStream(kinesis, STREAM);
    expected = inStream.events.map((e) => {
      const w = wrangleLine(e.message, { kind: kindOfLogGroup(e.logGroup), fallbackEpochMs: e.timestamp, fallbackNode: e.logStream });
      return { kind: w.kind, cls: w.cls, index: indexName(INDEX_PREFIX, w.kind, w.epochMs), parseError: w.parseError !== undefined, raw: e.message };
    });

    // And one document (the support.ice line) answered 429 for 6 s from its first try: longer than the first invocation's
    // deadline (8 s timeout − 4 s kept free), so its batch is reported and delivered again
    let stuckSince: number | undefined;
    services.proxy.setFaults({
      item: (doc) => {
        if (!doc.source.includes('"class":"support.ice"')) return undefined;
        stuckSince ??= Date.now();
        return Date.now() - stuckSince < 6_000 ? 429 : undefined;
      },
    });
    services.proxy.resetStats();

    // When the bundled wrangler reads the stream through the local event source mapping
    const wrangler = loadWrangler();
    const source = await createKinesisEventSource({
      kinesis,
      streamName: STREAM,
      functionName: 'pexip-wrangler',
      handler: async (event: KinesisStreamEvent, context: Context) => {
        delivered.push(event);
        return (await wrangler(event, context)) as KinesisStreamBatchResponse;
      },
      batchSize: 2,
      functionTimeoutMs: 8_000,
      maximumRetryAttempts: 20,
      onFailure: { sqs, queueUrl },
    });
    const started = Date.now();
    source.start();
    await source.waitUntilDrained({ quietMs: 2_000, timeoutMs: 420_000 });
    await source.stop();
    const wallMs = Date.now() - started;
    services.proxy.clearFaults();

    const rows = await exportRows();
    const json = await jsonEvents();
    const docs = await allDocs(services.search.endpoint, INDEX_PREFIX);
    const dead = await deadLetters();
    const rejected = dead.filter((d) => d.kind === 'rejected-document');
    const onFailure = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    summaries.push(
      `      [e2e] pexip        lines=${lines.length} puts=${puts} kinesis_records=${inStream.records} invocations=${source.stats.invocations} ` +
        `redelivered_batches=${source.stats.partialFailures + source.stats.functionErrors} s3_rows=${rows.length} s3_objects=${new Set(rows.map((r) => r.key)).size} ` +
        `json_events=${json.length} documents=${docs.length} rejected=${rejected.length} dead_letters=${dead.length} 409s=${services.proxy.stats.conflicts} ` +
        `item429=${services.proxy.stats.itemFaults[429]} parse_errors=${rows.filter((r) => r.row.parse_error !== undefined).length} wall=${(wallMs / 1000).toFixed(1)}s`,
    );
    console.log(summaries[summaries.length - 1]);

    // Then the stream held every line, each once (harness check)
    expect(sortedRaws(expected)).to.deep.equal(lines.map((l) => l.line).sort());
    // And the stuck document made the event source deliver its batch again; no batch was given up
    expect(services.proxy.stats.itemFaults[429], '429s injected').to.be.greaterThan(0);
    expect(source.stats.partialFailures, 'batches reported and delivered again').to.be.greaterThan(0);
    expect(source.stats.batchesDiscarded).to.equal(0);
    expect(onFailure.Attributes?.ApproximateNumberOfMessages).to.equal('0');

    // And S3 holds every line exactly once, in its class's folder of its event day, garbage with parse_error
    expect(sortedRaws(rows.map((r) => r.row)), 'S3 rows = lines put').to.deep.equal(sortedRaws(expected));
    expect(countBy(rows, (r) => `${r.row.kind}/${r.row.class}`)).to.deep.equal(countBy(expected, (e) => `${e.kind}/${e.cls}`));
    for (const { key, row } of rows) expect(key.startsWith(exportFolder(EXPORT_PREFIX, String(row.kind), String(row.class), Date.parse(String(row['@timestamp'])))), key).to.equal(true);
    // (garbage.log: four lines that match no shape are unparsed with parse_error; its line with an impossible date has
    // readable pairs, so it is class `x` with the CloudWatch event time and a parse_error saying so, as the parser's tests pin)
    const garbage = lines.filter((l) => l.garbage);
    const garbageRows = garbage.map((l) => rows.find((r) => r.row.raw === l.line)?.row);
    expect(garbageRows.map((r) => [r?.class, typeof r?.parse_error])).to.deep.equal([
      ...garbage.slice(0, -1).map(() => [UNPARSED_CLASS, 'string']),
      ['x', 'string'],
    ]);
    const badClock = inStream.events.find((e) => e.message === garbage[garbage.length - 1]!.line)!;
    expect(garbageRows[garbageRows.length - 1]!['@timestamp']).to.equal(new Date(badClock.timestamp).toISOString());
    const parseErrors = rows.filter((r) => r.row.parse_error !== undefined);
    expect(parseErrors.length).to.equal(expected.filter((e) => e.parseError).length).and.to.be.at.least(garbage.length);

    // And each _JSON group holds its kind's lines exactly once, per class, in one stream per node and day
    expect(sortedRaws(json.map((j) => j.record)), '_JSON events = lines put').to.deep.equal(sortedRaws(expected));
    expect(countBy(json, (j) => `${j.group}/${j.record.class}`)).to.deep.equal(
      countBy(expected, (e) => `${jsonLogGroupName(RAW_LOG_GROUPS[e.kind as PexipKind], JSON_SUFFIX)}/${e.cls}`),
    );
    for (const j of json) expect(j.stream).to.match(/^\d{4}\/\d{2}\/\d{2}\/.+/);

    // And OpenSearch holds every line once in its kind's daily index (ids unique), or dead-lettered as rejected with the reason
    expect(new Set(docs.map((d) => `${d.index}/${d.id}`)).size, 'no duplicate documents').to.equal(docs.length);
    const searched = [...docs.map((d) => ({ raw: d.source.raw, index: d.index, cls: d.source.class })), ...rejected.map((r) => ({ raw: JSON.parse(String(r.document)).raw, index: r.index, cls: JSON.parse(String(r.document)).class }))];
    expect(sortedRaws(searched), 'documents + rejected = lines put').to.deep.equal(sortedRaws(expected));
    expect(countBy(searched, (s) => `${s.index}/${s.cls}`)).to.deep.equal(countBy(expected, (e) => `${e.index}/${e.cls}`));
    expect(rejected.map((r) => `${r.reason}: ${String(r.document).slice(0, 200)}`), 'rejected by OpenSearch (none with the bootstrap template)').to.deep.equal([]);
    expect(dead, 'dead letters').to.deep.equal([]);
    // And the retried batch's other documents answered 409 instead of being stored twice
    expect(services.proxy.stats.conflicts, 'batch-mates of the stuck document answered 409 on redelivery').to.be.greaterThan(0);
  });

  it('a batch delivered again adds no S3 row and no OpenSearch document (keys overwritten, create with the same id → 409); the _JSON copy repeats it', async () => {
    // Given what the first delivery stored
    expect(delivered.length, 'batches delivered above').to.be.greaterThan(0);
    const rowsBefore = await exportRows();
    const keysBefore = [...new Set(rowsBefore.map((r) => r.key))].sort();
    await refresh(services.search.endpoint, INDEX_PREFIX);
    const docsBefore = await allDocs(services.search.endpoint, INDEX_PREFIX);
    const jsonBefore = (await jsonEvents()).length;
    const deadBefore = (await deadLetters()).length;
    services.proxy.resetStats();
    // When a cold-started wrangler gets every batch again, as Lambda retries a batch whose invocation timed out after writing
    const wrangler = loadWrangler();
    const responses: KinesisStreamBatchResponse[] = [];
    for (const event of delivered)
      responses.push((await wrangler(event, invocationContext({ functionName: 'pexip-wrangler', region: REGION, accountId: '123456789012', timeoutMs: 60_000 }))) as KinesisStreamBatchResponse);
    // Then nothing was reported for retry
    expect(responses.flatMap((r) => r.batchItemFailures)).to.deep.equal([]);
    // And S3 has the same objects and rows (the same keys were overwritten)
    const rowsAfter = await exportRows();
    expect([...new Set(rowsAfter.map((r) => r.key))].sort()).to.deep.equal(keysBefore);
    expect(sortedRaws(rowsAfter.map((r) => r.row))).to.deep.equal(sortedRaws(rowsBefore.map((r) => r.row)));
    // And OpenSearch has the same documents: every create answered 409
    const docsAfter = await allDocs(services.search.endpoint, INDEX_PREFIX);
    expect(docsAfter.length).to.equal(docsBefore.length);
    const linesDelivered = delivered.reduce((n, e) => n + linesIn(e), 0);
    expect(services.proxy.stats.conflicts, 'every line delivered again answered 409').to.equal(linesDelivered);
    // And nothing was dead-lettered
    const deadAfter = (await deadLetters()).length;
    expect(deadAfter).to.equal(deadBefore);
    // But the _JSON groups got every line delivered again once more: CloudWatch Logs cannot recognise a repeated
    // event (the wrangler only avoids the repeats it causes itself, by copying last and only when nothing must be retried)
    const jsonAfter = (await jsonEvents()).length;
    expect(jsonAfter).to.equal(jsonBefore + linesDelivered);
    summaries.push(
      `      [e2e] pexip-again  batches=${delivered.length} s3_rows=${rowsBefore.length}→${rowsAfter.length} documents=${docsBefore.length}→${docsAfter.length} ` +
        `409s=${services.proxy.stats.conflicts} json_events=${jsonBefore}→${jsonAfter} dead_letters=${deadBefore}→${deadAfter}`,
    );
    console.log(summaries[summaries.length - 1]);
  });
});
