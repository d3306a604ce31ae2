import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../support/moto';
import { widenForMotoAuthorization } from './deployed';
import { KNOWN_GAPS } from './known-gaps';
import { motoIam, setMotoAuthorization, type MotoIam } from './moto-iam';

const REGION = TEST_AWS_ENV.AWS_REGION;
const TEST_KEYS = { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY };

/** What the as-deployed step of test:apply relies on: moto confining a function to its role's policies. */
describe('moto authorization for the as-deployed step (test/apply/moto-iam.ts)', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let iam: MotoIam;

  before(async () => {
    moto = await startMoto();
    iam = motoIam(moto.endpoint, TEST_KEYS);
  });
  after(async () => {
    await setMotoAuthorization(moto.endpoint, false);
    await moto.stop();
  });

  it("allows a role's actions on its resources only, checks Logs actions once widened to Resource *, and the admin everything", async () => {
    // Given a bucket, a log group and stream, and a role allowed to write one prefix and put events into that group
    const admin = await iam.createAdmin('admin');
    const adminS3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true, credentials: admin });
    const adminLogs = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: REGION, credentials: admin });
    await adminS3.send(new CreateBucketCommand({ Bucket: 'dead-letters-test', CreateBucketConfiguration: { LocationConstraint: REGION } }));
    await adminLogs.send(new CreateLogGroupCommand({ logGroupName: 'g_JSON' }));
    await adminLogs.send(new CreateLogStreamCommand({ logGroupName: 'g_JSON', logStreamName: 's' }));
    const roleArn = await iam.createRole('fn-role');
    await iam.putInlinePolicy('fn-role', 'fn', {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'DeadLetters', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::dead-letters-test/dead-letter/*' },
        { Sid: 'JsonCopy', Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: `arn:aws:logs:${REGION}:123456789012:log-group:g_JSON:*` },
      ],
    });
    const role = await iam.assumeRole(roleArn, 'fn');
    const s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true, credentials: role });
    const logs = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: REGION, credentials: role });
    const put = (Key: string) => s3.send(new PutObjectCommand({ Bucket: 'dead-letters-test', Key, Body: 'x' }));
    const putEvent = () => logs.send(new PutLogEventsCommand({ logGroupName: 'g_JSON', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'm' }] }));
    // moto answers a refused JSON-protocol call (CloudWatch Logs) with its XML error page, which the SDK cannot parse
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'allowed',
        (e: Error) => (e.name === 'SyntaxError' && e.message.includes('"<?xml') ? 'refused (XML error page)' : e.name),
      );

    // When authorization is on
    await setMotoAuthorization(moto.endpoint, true);
    // Then the role writes its prefix and nothing else, and the admin still can
    expect(await outcome(put('dead-letter/a.json'))).to.equal('allowed');
    expect(await outcome(put('elsewhere/a.json'))).to.equal('AccessDenied');
    expect(await outcome(adminS3.send(new PutObjectCommand({ Bucket: 'dead-letters-test', Key: 'elsewhere/b', Body: 'x' })))).to.equal('allowed');
    // And a Logs statement scoped to its group never matches moto's '*' (the known gap)
    expect(await outcome(putEvent())).to.equal('refused (XML error page)');
    expect(await outcome(logs.send(new CreateLogStreamCommand({ logGroupName: 'g_JSON', logStreamName: 't' })))).to.equal('refused (XML error page)');
    expect(await outcome(adminLogs.send(new CreateLogStreamCommand({ logGroupName: 'g_JSON', logStreamName: 'u' })))).to.equal('allowed');

    // When the gap's workaround widens the Logs statement (authorization off while moto's IAM is changed)
    await setMotoAuthorization(moto.endpoint, false);
    const changes = await widenForMotoAuthorization(iam, 'fn-role', KNOWN_GAPS);
    await setMotoAuthorization(moto.endpoint, true);
    // Then the granted Logs action passes, an action the role lacks is still refused, and S3 stays scoped
    expect(changes).to.deep.equal(['role fn-role policy fn: logs:PutLogEvents also on Resource * (moto authorizes logs:* against *)']);
    expect(await outcome(putEvent())).to.equal('allowed');
    expect(await outcome(logs.send(new CreateLogStreamCommand({ logGroupName: 'g_JSON', logStreamName: 't' })))).to.equal('refused (XML error page)');
    expect(await outcome(put('elsewhere/c.json'))).to.equal('AccessDenied');

    // And (the known gap s3-signature-keys-with-equals) moto refuses the signature of a key with '=' that it allows without one
    expect(await outcome(put('dead-letter/year=2026/a.json'))).to.equal('SignatureDoesNotMatch');
    for (const c of [adminS3, adminLogs, s3, logs]) c.destroy();
  });
});
