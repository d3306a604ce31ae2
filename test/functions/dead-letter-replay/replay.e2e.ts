import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import type { BootstrapConfig } from '../../../functions/opensearch-bootstrap/config';
import { createBootstrapHandler } from '../../../functions/opensearch-bootstrap/handler';
import { createDeadLetterWriter } from '../../../functions/shared/dead-letter';
import { createBulkClient, createRestClient, type BulkClient, type RestClient } from '../../../functions/shared/opensearch';
import { formatSummary, parseArgs } from '../../../functions/dead-letter-replay/core';
import { replay } from '../../../functions/dead-letter-replay/replay';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../../support/moto';
import { startOpenSearch, type OpenSearchNode } from '../../support/opensearch';

const DAY = 'cwl-2024.05.28';
const doc = (id: string, fields: unknown) => JSON.stringify({ '@id': id, '@timestamp': '2024-05-28T10:00:00.000Z', '@message': `event ${id}`, '@log_group': '/app', fields });

describe('npm run replay: dead letters back into OpenSearch (real OpenSearch, moto S3)', function () {
  let node: OpenSearchNode;
  let moto: MotoServer;
  let s3: S3Client;
  let rest: RestClient;
  let bulk: BulkClient;
  const bucket = 'dead-letters';

  before(async () => {
    [node, moto] = await Promise.all([startOpenSearch(), startMoto()]);
    const credentials = { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY };
    s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: TEST_AWS_ENV.AWS_REGION, credentials });
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: TEST_AWS_ENV.AWS_REGION } }));
    rest = createRestClient({ endpoint: node.endpoint, service: 'es', region: 'eu-west-1', sign: false });
    bulk = createBulkClient({ endpoint: node.endpoint, service: 'es', region: 'eu-west-1', sign: false });
  });
  after(async () => {
    bulk?.close();
    rest?.close();
    s3?.destroy();
    await Promise.all([node?.stop(), moto?.stop()]);
  });

  const keys = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
  const count = async (id: string) => ((await rest.call('GET', `/${DAY}/_doc/${id}`)).json as { found?: boolean }).found === true;
  const opts = (extra: string[] = []) => parseArgs(['--bucket', bucket, '--endpoint', node.endpoint, '--no-sign', ...extra], {});

  it('keeps a mapping error dead-lettered until the template is fixed, then replays it once and deletes the object', async () => {
    // Given a day index without a template, where `fields.a` became a number
    const first = await bulk.send([{ index: DAY, id: 'a', action: 'create', source: doc('a', { a: 1 }), ref: 0 }], { deadlineMs: Date.now() + 60_000 });
    expect(first.indexed).to.equal(1);
    // And a document whose `fields.a` is text, refused by that mapping and dead-lettered as the functions do
    const refused = await bulk.send([{ index: DAY, id: 'b', action: 'create', source: doc('b', { a: 'not a number' }), ref: 1 }], { deadlineMs: Date.now() + 60_000 });
    expect(refused.permanentFailures.map((f) => f.status)).to.deep.equal([400]);
    const writer = createDeadLetterWriter({ bucket, prefix: 'dead-letter/', functionName: 'shipper', s3 });
    const source = { type: 'kinesis' as const, sequenceNumber: '1' };
    await writer.write('rejected', 'req-1', [
      ...refused.permanentFailures.map((f) => ({ reason: f.error, status: f.status, source, index: f.item.index, id: f.item.id, document: f.item.source })),
      // a document that did make it in meanwhile
      { reason: 'timeout', status: 0, source, index: DAY, id: 'a', document: doc('a', { a: 1 }) },
    ]);
    const progress: string[] = [];

    // When replay runs before the fix
    const before = await replay(opts(), s3, (l) => progress.push(l), bulk);
    // Then the document is still refused with the mapping reason, the other is already indexed, and the object stays
    expect([before.replayed, before.alreadyIndexed, before.stillRefused, before.deletedObjects, before.keptObjects]).to.deep.equal([0, 1, 1, 0, 1]);
    expect(Object.keys(before.refusedReasons)[0]).to.match(/^400 .*mapper_parsing_exception/);
    expect(await keys()).to.have.length(1);
    expect(progress).to.have.length(1);

    // When the template is installed by the bootstrap and the day index recreated under it, and a dry run comes first
    const config: BootstrapConfig = { functionName: 'bootstrap', endpoint: node.endpoint, service: 'es', region: 'eu-west-1', requestTimeoutMs: 30_000 };
    await createBootstrapHandler({ config, client: rest, write: () => {} })({ sources: { cwl: { indexPrefix: 'cwl', retentionDays: 30 } } });
    await rest.call('DELETE', `/${DAY}`);
    const dry = await replay(opts(['--dry-run']), s3, () => {}, bulk);
    expect([dry.replayed, await count('b')]).to.deep.equal([2, false]);
    const after = await replay(opts(), s3, () => {}, bulk);
    // Then both documents are in, the object is deleted, and a second replay finds nothing to do
    expect([after.replayed, after.alreadyIndexed, after.stillRefused, after.deletedObjects]).to.deep.equal([2, 0, 0, 1]);
    expect([await count('a'), await count('b')]).to.deep.equal([true, true]);
    expect(await keys()).to.deep.equal([]);
    const again = await replay(opts(), s3, () => {}, bulk);
    expect(again.objects).to.equal(0);
    expect(formatSummary(after, false)).to.match(/^replayed 2, already indexed \(409 by _id\) 0, still refused 0, skipped 0; objects read 1, deleted 1, kept 0/);
  });

  it('replays only entries whose reason matches, and keeps the object for the rest', async () => {
    // Given an object with two refused documents for different reasons
    const writer = createDeadLetterWriter({ bucket, prefix: 'dead-letter/', functionName: 'shipper', s3 });
    const source = { type: 'kinesis' as const, sequenceNumber: '2' };
    await writer.write('rejected', 'req-2', [
      { reason: 'mapper_parsing_exception: x', status: 400, source, index: DAY, id: 'c', document: doc('c', { c: 1 }) },
      { reason: 'es_rejected_execution_exception', status: 429, source, index: DAY, id: 'd', document: doc('d', { d: 1 }) },
    ]);
    // When replay runs with --reason-matches
    const s = await replay(opts(['--reason-matches', 'MAPPER_parsing']), s3, () => {}, bulk);
    // Then only the matching one is sent, and the object is kept for the other
    expect([s.replayed, s.keptObjects, await count('c'), await count('d')]).to.deep.equal([1, 1, true, false]);
    expect(await keys()).to.have.length(1);
  });
});
