import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { expect } from 'chai';
import { createS3EventSource } from '../../../tools/local-runner';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../../support/moto';

describe('local runner: S3-triggered invocation (against moto S3)', function () {
  this.timeout(30_000);
  let moto: MotoServer;
  let s3: S3Client;

  before(async () => {
    Object.assign(process.env, TEST_AWS_ENV);
    moto = await startMoto();
    s3 = new S3Client({ endpoint: moto.endpoint, region: TEST_AWS_ENV.AWS_REGION, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'elb-logs', CreateBucketConfiguration: { LocationConstraint: TEST_AWS_ENV.AWS_REGION } }));
  });
  after(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('invokes the handler once per new object under the prefix with an ObjectCreated S3Event, retrying failures twice', async () => {
    // Given two objects under the prefix (one with a space in its key), one outside it, and a handler that fails on "bad"
    const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: 'elb-logs', Key, Body }));
    await put('AWSLogs/1/elb/a file.log.gz', 'abc');
    await put('AWSLogs/1/elb/bad.log.gz', 'x');
    await put('other/ignored.log', 'zz');
    const events: S3Event[] = [];
    const source = createS3EventSource({
      s3,
      bucket: 'elb-logs',
      prefix: 'AWSLogs/',
      handler: async (event) => {
        events.push(event);
        if (event.Records[0]!.s3.object.key.includes('bad')) throw new Error('cannot parse');
        return 'done';
      },
    });
    // When it polls twice
    const first = await source.pollOnce();
    const second = await source.pollOnce();
    // Then each object under the prefix was handled in the first poll only; "bad" was tried three times
    expect(second).to.have.length(0);
    expect(first.map((i) => [i.key, i.ok, i.attempts])).to.deep.equal([
      ['AWSLogs/1/elb/a file.log.gz', true, 1],
      ['AWSLogs/1/elb/bad.log.gz', false, 3],
    ]);
    expect(first[1]!.error).to.equal('cannot parse');
    const record = events[0]!.Records[0]!;
    expect(record.eventName).to.equal('ObjectCreated:Put');
    expect(record.s3.bucket).to.include({ name: 'elb-logs', arn: 'arn:aws:s3:::elb-logs' });
    // S3 notifications URL-encode keys, with '+' for spaces
    expect(record.s3.object).to.include({ key: 'AWSLogs/1/elb/a+file.log.gz', size: 3 });
  });
});
