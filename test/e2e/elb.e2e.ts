import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createS3EventSource, type S3Handler } from '../../tools/local-runner';
import { TEST_AWS_ENV } from '../support/moto';
import { functionDir, loadFunction, startServices, type Services } from './pipeline';
import { countDocs, fieldType, refresh, search } from './search';
import { ELB_CORPUS } from '../support/shared';

/**
 * The elb-processor on real services: load-balancer log files (the team's conformance fixtures, real
 * formats under AWS-style keys; see ../shared/conformance/elb/SOURCES.md) in moto S3, delivered as S3
 * notifications by the local runner, through the SigV4 fault proxy into OpenSearch; then delivered again
 * with a throttling proxy, which must add nothing (deterministic ids + create).
 */
const CONFORMANCE = ELB_CORPUS;
const FIXTURES = join(CONFORMANCE, 'files', 's3');
/** A bigger ALB file: the conformance ALB lines repeated to 20,000 lines, gzip'd, under an ALB-style key. */
const BIG_KEY =
  'AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2026/11/23/' +
  '123456789012_elasticloadbalancing_eu-west-1_app.e2e-lb.0123456789abcdef_20261123T0000Z_10.0.0.1_e2e00001.log.gz';

interface FileCounts { lines: number; parsed: number; failed: number; blank: number; control: number; indexed: number; duplicates: number; rejected: number; transient: number }
interface ObjectSummary { key: string; status: string; counts?: FileCounts; deadLettered?: number }

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('e2e: ELB log files in S3 → elb-processor → OpenSearch', function () {
  this.timeout(300_000);
  let services: Services;
  const bucket = 'e2e-elb-logs';
  const prefix = 'e2e-elb';

  before(async () => {
    services = await startServices();
    await services.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: TEST_AWS_ENV.AWS_REGION } }));
    for (const file of filesUnder(FIXTURES))
      await services.s3.send(new PutObjectCommand({ Bucket: bucket, Key: relative(FIXTURES, file), Body: readFileSync(file) }));
    const albLines = readFileSync(join(CONFORMANCE, 'alb.log'), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const big = Array.from({ length: 20_000 }, (_, i) => albLines[i % albLines.length]).join('\n') + '\n';
    await services.s3.send(new PutObjectCommand({ Bucket: bucket, Key: BIG_KEY, Body: gzipSync(big) }));
  });
  after(async () => services?.stop());

  const deliver = async (handler: S3Handler) => {
    const source = createS3EventSource({ s3: services.s3, bucket, prefix: 'AWSLogs/', handler, functionName: 'elb-processor' });
    const invocations = await source.pollOnce();
    expect(invocations.filter((i) => !i.ok).map((i) => `${i.key}: ${i.error}`), 'failed invocations').to.deep.equal([]);
    return invocations.flatMap((i) => i.result as ObjectSummary[]);
  };

  it('indexes every log line of every file once, and a second delivery under 30% throttling adds nothing', async () => {
    // Given the fixture files in S3 and a freshly loaded elb-processor
    const handler = loadFunction<S3Handler>(functionDir('elb-processor'), {
      OPENSEARCH_ENDPOINT: services.proxy.endpoint,
      OPENSEARCH_SERVICE: 'es',
      AWS_REGION: TEST_AWS_ENV.AWS_REGION,
      INDEX_PREFIX: prefix,
      DEAD_LETTER_BUCKET: services.deadLetterBucket,
      DEAD_LETTER_PREFIX: 'dead-letter/elb/',
      AWS_ENDPOINT_URL: services.moto.endpoint,
    });
    // When each object is delivered once
    const started = Date.now();
    const first = await deliver(handler);
    const wallMs = Date.now() - started;
    const processed = first.filter((s) => s.status === 'processed');
    const sum = (k: keyof FileCounts) => processed.reduce((n, s) => n + (s.counts?.[k] ?? 0), 0);
    await refresh(services.search.endpoint, prefix);
    const stored = await countDocs(services.search.endpoint, prefix);
    console.log(
      `      [e2e] elb          objects=${first.length} processed=${processed.length} lines=${sum('lines')} parsed=${sum('parsed')} ` +
        `failed_lines=${sum('failed')} blank=${sum('blank')} indexed=${sum('indexed')} rejected=${sum('rejected')} stored=${stored} wall=${(wallMs / 1000).toFixed(1)}s`,
    );
    // Then every line is accounted for, and OpenSearch holds exactly what was reported indexed
    expect(processed.map((p) => p.key)).to.include(BIG_KEY);
    expect(processed.find((p) => p.key === BIG_KEY)!.counts!.lines).to.equal(20_000);
    expect(sum('lines')).to.equal(sum('parsed') + sum('failed') + sum('blank') + sum('control'));
    expect(sum('indexed') + sum('rejected')).to.equal(sum('parsed') + sum('failed'));
    expect(sum('transient')).to.equal(0);
    expect(stored).to.equal(sum('indexed'));

    // When the same objects are delivered again while 30% of bulk requests are throttled
    services.proxy.setFaults({ wholeRequest: { status: 429, fraction: 0.3, bulkOnly: true } });
    const second = await deliver(handler);
    services.proxy.clearFaults();
    // Then every document answered 409 and nothing was added
    const again = second.filter((s) => s.status === 'processed');
    expect(again.reduce((n, s) => n + (s.counts?.duplicates ?? 0), 0)).to.equal(sum('indexed'));
    expect(again.reduce((n, s) => n + (s.counts?.indexed ?? 0), 0)).to.equal(0);
    await refresh(services.search.endpoint, prefix);
    expect(await countDocs(services.search.endpoint, prefix)).to.equal(stored);
  });

  it('stores typed fields that answer typed queries, and failed lines with their reason', async () => {
    // Given the first delivery above (documents indexed with the default dynamic mappings)
    const alb = `${prefix}-alb`; // search() adds -*: every ALB (and connection-log) daily index
    // When typed queries run
    const errors = await search(services.search.endpoint, alb, { size: 0, track_total_hits: true, query: { range: { elb_status_code: { gte: 500 } } } });
    const byStatus = await search(services.search.endpoint, alb, { size: 0, aggs: { s: { terms: { field: 'elb_status_code', size: 50 } } } });
    const slow = await search(services.search.endpoint, alb, { size: 0, aggs: { max: { max: { field: 'target_processing_time' } } } });
    // Then numbers are numbers (range and terms agree), times are seconds, the timestamp is a date
    const fromAgg = (byStatus.aggregations.s.buckets as { key: number; doc_count: number }[]).filter((b) => b.key >= 500).reduce((a, b) => a + b.doc_count, 0);
    expect(errors.hits.total.value).to.equal(fromAgg).and.to.be.greaterThan(0);
    expect(slow.aggregations.max.value).to.be.a('number').and.to.be.greaterThan(0);
    const byIndex = await search(services.search.endpoint, alb, { size: 0, aggs: { i: { terms: { field: '_index', size: 100 } } } });
    const albIndex = (byIndex.aggregations.i.buckets as { key: string }[]).map((b) => b.key).filter((i) => /-alb-\d{4}\./.test(i)).sort()[0];
    expect(albIndex, 'an ALB daily index').to.be.a('string');
    expect(await fieldType(services.search.endpoint, albIndex!, '@timestamp')).to.equal('date');
    expect(await fieldType(services.search.endpoint, albIndex!, 'client_port')).to.equal('long');
    // And every failed line is a document naming its reason, object and line
    const failed = await search(services.search.endpoint, prefix, { size: 100, query: { term: { _index: `${prefix}-failed` } } });
    const sources = (failed.hits.hits as { _source: { reason: string; raw: string; s3: { key: string; line: number } } }[]).map((h) => h._source);
    expect(sources.length).to.be.greaterThan(0);
    for (const f of sources) {
      expect(f.reason).to.be.a('string').and.not.equal('');
      expect(f.s3.key).to.match(/AWSLogs\//);
      expect(f.s3.line).to.be.a('number');
    }
  });
});
