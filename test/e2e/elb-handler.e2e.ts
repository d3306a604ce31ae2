import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createBulkClient } from '../../functions/shared/opensearch';
import { loadConfig } from '../../functions/elb-processor/config';
import { createHandler } from '../../functions/elb-processor/handler';
import { albLine, makeRng } from '../../fixtures/elb/generate';
import { CLASSIC_TCP, NLB_V2 } from '../../fixtures/elb/lines';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../support/moto';
import { startOpenSearch, type OpenSearchNode } from '../support/opensearch';
import { s3Event } from '../factories/s3';
import { ELB_CORPUS } from '../support/shared';

/**
 * End to end on a real OpenSearch 2.19 node and moto S3: the corpus' AWS doc files and a
 * generated 5,000-line ALB file go through the handler; the documents are then searched the way
 * a user would (typed range and term queries, per-type daily indices), and reprocessing leaves
 * every count unchanged. Picked up by `npm run test:e2e` once .mocharc.e2e.json includes
 * the ELB e2e file (glob `test/elb/*.e2e.ts`); alone: `npx mocha --no-config --require tsx/cjs --extension ts --timeout 600000 --spec test/elb/elb.e2e.ts`.
 */
const FILES = join(ELB_CORPUS, 'files', 's3');
const BUCKET = 'elb-e2e';
const ALB_DOC = 'AWSLogs/123456789012/elasticloadbalancing/us-east-2/2016/05/01/123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz';
const CLASSIC_DOC = 'AWSLogs/123456789012/elasticloadbalancing/us-west-2/2014/02/15/123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20140215T2340Z_172.160.001.192_20sg8hgm.log';
const DAY = 'AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2024/05/28';
const GENERATED = `${DAY}/123456789012_elasticloadbalancing_eu-west-1_app.shop.50dc6c495c0c9188_20240528T1340Z_10.0.0.1_gen5000x.log.gz`;
const MIXED = `${DAY}/123456789012_elasticloadbalancing_eu-west-1_net.edge.1234567890abcdef_20240528T1340Z_mixedxxx.log.gz`;

async function os(endpoint: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${endpoint}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

describe('elb-processor e2e: real OpenSearch + moto S3', function () {
  this.timeout(300_000);
  let moto: MotoServer;
  let node: OpenSearchNode;
  let s3: S3Client;
  const savedKeys = Object.keys(TEST_AWS_ENV).filter((k) => process.env[k] === undefined);

  before(async () => {
    [moto, node] = await Promise.all([startMoto(), startOpenSearch()]);
    Object.assign(process.env, TEST_AWS_ENV);
    s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: TEST_AWS_ENV.AWS_REGION, credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY } });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await os(node.endpoint, 'PUT', '/_index_template/elb-e2e', { index_patterns: ['elbe2e-*'], template: { settings: { number_of_shards: 1, number_of_replicas: 0 } } });
  });
  after(async () => {
    for (const k of savedKeys) delete process.env[k];
    await node?.stop();
    await moto?.stop();
  });

  it('indexes every line searchable with typed fields, and reprocessing adds nothing', async () => {
    // Given AWS doc files, 5,000 generated ALB lines, and an NLB file with a Classic line and a malformed line in it
    const rng = makeRng(11);
    const bodies: [string, Buffer][] = [
      [ALB_DOC, readFileSync(resolve(FILES, ALB_DOC))],
      [CLASSIC_DOC, readFileSync(resolve(FILES, CLASSIC_DOC))],
      [GENERATED, gzipSync(Array.from({ length: 5000 }, (_, i) => albLine(rng, i)).join('\n'))],
      [MIXED, gzipSync([NLB_V2, CLASSIC_TCP, 'tls 2.0 2018-12-20T02:59:40'].join('\r\n'))],
    ];
    for (const [key, body] of bodies) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    const config = loadConfig({ ...TEST_AWS_ENV, OPENSEARCH_ENDPOINT: node.endpoint, INDEX_PREFIX: 'elbe2e', ENVIRONMENT: 'e2e' });
    const handler = createHandler({ config, s3, sender: createBulkClient({ endpoint: config.endpoint, service: 'es', region: config.region }), write: () => undefined });
    const event = s3Event(...bodies.map(([key]) => ({ bucket: BUCKET, key })));

    // When the handler processes them
    const first = await handler(event, { getRemainingTimeInMillis: () => 600_000, awsRequestId: 'e2e-1' });
    await os(node.endpoint, 'POST', '/elbe2e-*/_refresh');

    // Then OpenSearch holds one document per line, in per-type daily indices
    expect(first.map((s) => s.counts!.indexed)).to.deep.equal([5, 4, 5000, 3]);
    const cat = (await os(node.endpoint, 'GET', '/_cat/indices/elbe2e-*?format=json&h=index,docs.count')) as { index: string; 'docs.count': string }[];
    const counts = Object.fromEntries(cat.map((r) => [r.index, Number(r['docs.count'])]));
    expect(counts['elbe2e-alb-2018.07.02']).to.equal(5);
    expect(counts['elbe2e-alb-2024.05.28']).to.equal(5000);
    expect(counts['elbe2e-classic-2015.05.13']).to.equal(5);
    expect(counts['elbe2e-nlb-2020.04.01']).to.equal(1);
    expect(counts['elbe2e-failed']).to.equal(1);
    // And typed fields answer typed queries: numbers as numbers, keywords exact
    const errors = await os(node.endpoint, 'POST', '/elbe2e-alb-*/_count', { query: { range: { elb_status_code: { gte: 500 } } } });
    const byStatus = await os(node.endpoint, 'POST', '/elbe2e-alb-*/_search', { size: 0, aggs: { s: { terms: { field: 'elb_status_code', size: 50 } } } });
    const fromAgg = (byStatus.aggregations.s.buckets as { key: number; doc_count: number }[]).filter((b) => b.key >= 500).reduce((a, b) => a + b.doc_count, 0);
    expect(errors.count).to.equal(fromAgg).and.to.be.greaterThan(0);
    const slow = await os(node.endpoint, 'POST', '/elbe2e-alb-*/_search', { size: 0, aggs: { max: { max: { field: 'target_processing_time' } } } });
    expect(slow.aggregations.max.value).to.be.a('number').and.to.be.greaterThan(0).and.lessThan(1);
    const mapping = await os(node.endpoint, 'GET', '/elbe2e-alb-2024.05.28/_mapping');
    const props = mapping['elbe2e-alb-2024.05.28'].mappings.properties;
    expect(props['@timestamp'].type).to.equal('date');
    expect(props.client_port.type).to.equal('long');
    expect(props.s3.properties.line.type).to.equal('long');
    const failed = await os(node.endpoint, 'POST', '/elbe2e-failed/_search', { query: { match_all: {} } });
    expect(failed.hits.hits[0]._source).to.deep.include({ reason: 'nlb: expected at least 18 fields, got 3', raw: 'tls 2.0 2018-12-20T02:59:40', environment: 'e2e' });

    // When the same event is delivered again
    const second = await handler(event, { getRemainingTimeInMillis: () => 600_000, awsRequestId: 'e2e-2' });
    await os(node.endpoint, 'POST', '/elbe2e-*/_refresh');
    // Then nothing new is indexed: every document is a 409 duplicate
    expect(second.map((s) => [s.counts!.indexed, s.counts!.duplicates])).to.deep.equal([[0, 5], [0, 4], [0, 5000], [0, 3]]);
    const total = await os(node.endpoint, 'GET', '/elbe2e-*/_count');
    expect(total.count).to.equal(5 + 4 + 5000 + 3);
  });
});
