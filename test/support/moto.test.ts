import { expect } from 'chai';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { startMoto, TEST_AWS_ENV, type MotoServer } from './moto';

describe('moto test service (test support)', () => {
  let moto: MotoServer;
  before(async () => {
    moto = await startMoto();
  });
  after(async () => moto?.stop());

  it('stores and returns an S3 object on 127.0.0.1', async () => {
    // Given a bucket on the local moto server
    const s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: TEST_AWS_ENV.AWS_REGION, credentials: { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY } });
    await s3.send(new CreateBucketCommand({ Bucket: 'probe', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    // When an object is written
    await s3.send(new PutObjectCommand({ Bucket: 'probe', Key: 'a/b.txt', Body: 'hello' }));
    // Then it reads back, and a reset forgets it
    const got = await s3.send(new GetObjectCommand({ Bucket: 'probe', Key: 'a/b.txt' }));
    expect(await got.Body!.transformToString()).to.equal('hello');
    expect(moto.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    await moto.reset();
    let error: unknown;
    await s3.send(new GetObjectCommand({ Bucket: 'probe', Key: 'a/b.txt' })).catch((e) => (error = e));
    expect((error as Error | undefined)?.name).to.equal('NoSuchBucket');
  });
});
