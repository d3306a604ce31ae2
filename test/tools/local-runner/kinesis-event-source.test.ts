import { CreateStreamCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamEvent } from 'aws-lambda';
import { expect } from 'chai';
import { createKinesisEventSource, localKinesisClient, type KinesisHandler } from '../../../tools/local-runner';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../../support/moto';

describe('local runner: Kinesis event source mapping (against moto Kinesis and SQS)', function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let kinesis: KinesisClient;
  let sqs: SQSClient;
  let streamN = 0;

  before(async () => {
    Object.assign(process.env, TEST_AWS_ENV);
    moto = await startMoto();
    kinesis = localKinesisClient(moto.endpoint, TEST_AWS_ENV.AWS_REGION);
    sqs = new SQSClient({ endpoint: moto.endpoint, region: TEST_AWS_ENV.AWS_REGION });
  });
  after(async () => {
    kinesis?.destroy();
    sqs?.destroy();
    await moto?.stop();
  });

  /** A one-shard stream holding records "r0".."r(n-1)" in order. */
  async function streamWith(n: number): Promise<string> {
    const name = `runner-${++streamN}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    for (let i = 0; i < n; i += 500) {
      const entries = Array.from({ length: Math.min(500, n - i) }, (_, j) => ({ Data: Buffer.from(`r${i + j}`), PartitionKey: `pk${i + j}` }));
      await kinesis.send(new PutRecordsCommand({ StreamName: name, Records: entries }));
    }
    return name;
  }

  const payloads = (event: KinesisStreamEvent) => event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());

  it('delivers Lambda-shaped batches of at most batchSize records, in order, with a counting-down context', async () => {
    // Given a stream with 25 records and a mapping with batch size 10
    const stream = await streamWith(25);
    const seen: KinesisStreamEvent[] = [];
    let remaining = 0;
    const handler: KinesisHandler = async (event, context) => {
      seen.push(event);
      remaining = context.getRemainingTimeInMillis();
      return { batchItemFailures: [] };
    };
    const source = await createKinesisEventSource({ kinesis, streamName: stream, handler, batchSize: 10, functionTimeoutMs: 30_000 });
    // When it runs until drained
    await source.waitUntilDrained({ quietMs: 300 });
    // Then three batches (10, 10, 5) carried every record once, in order, with Lambda's fields
    expect(seen.map((e) => e.Records.length)).to.deep.equal([10, 10, 5]);
    expect(seen.flatMap(payloads)).to.deep.equal(Array.from({ length: 25 }, (_, i) => `r${i}`));
    const first = seen[0]!.Records[0]!;
    expect(first.eventSource).to.equal('aws:kinesis');
    expect(first.eventName).to.equal('aws:kinesis:record');
    expect(first.eventSourceARN).to.equal(`arn:aws:kinesis:${TEST_AWS_ENV.AWS_REGION}:123456789012:stream/${stream}`);
    expect(first.eventID).to.equal(`shardId-000000000000:${first.kinesis.sequenceNumber}`);
    expect(first.kinesis.partitionKey).to.equal('pk0');
    expect(first.kinesis.approximateArrivalTimestamp).to.be.closeTo(Date.now() / 1000, 60);
    expect(remaining).to.be.within(29_000, 30_000);
    expect(source.stats.recordsSucceeded).to.equal(25);
  });

  it('checkpoints at the lowest failed sequence number and delivers again from there', async () => {
    // Given a handler that reports records r3 and r6 as failed the first time it sees them
    const stream = await streamWith(10);
    const deliveries: string[][] = [];
    const failedOnce = new Set<string>();
    const handler: KinesisHandler = async (event) => {
      deliveries.push(payloads(event));
      const failures = event.Records.filter((r) => {
        const p = Buffer.from(r.kinesis.data, 'base64').toString();
        if ((p === 'r3' || p === 'r6') && !failedOnce.has(p)) {
          failedOnce.add(p);
          return true;
        }
        return false;
      }).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber }));
      return { batchItemFailures: failures.reverse() }; // order must not matter
    };
    const source = await createKinesisEventSource({ kinesis, streamName: stream, handler, batchSize: 10, retryDelayMs: () => 0 });
    // When it drains
    await source.waitUntilDrained({ quietMs: 300 });
    // Then r0-r2 were delivered once, and the retry started at r3 (the lowest failure), not r6
    expect(deliveries[0]).to.have.length(10);
    expect(deliveries[1]).to.deep.equal(['r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    expect(deliveries).to.have.length(2);
    expect(source.stats).to.include({ partialFailures: 1, retries: 1, recordsSucceeded: 10, recordsDiscarded: 0 });
  });

  it('bisects a failing batch down to the poison record, retries it, then sends on-failure metadata to SQS', async () => {
    // Given 8 records, a handler that throws whenever r5 is in the batch, 1 retry and an SQS on-failure queue
    const stream = await streamWith(8);
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `on-failure-${streamN}` }));
    const succeeded: string[] = [];
    const sizes: number[] = [];
    const handler: KinesisHandler = async (event) => {
      sizes.push(event.Records.length);
      if (payloads(event).includes('r5')) throw new Error('poison r5');
      succeeded.push(...payloads(event));
    };
    const source = await createKinesisEventSource({
      kinesis,
      streamName: stream,
      handler,
      batchSize: 8,
      maximumRetryAttempts: 1,
      retryDelayMs: () => 0,
      onFailure: { sqs, queueUrl: queue.QueueUrl! },
      functionName: 'shipper',
    });
    // When it drains
    await source.waitUntilDrained({ quietMs: 300 });
    // Then the batch was halved 8 → 4+4 → 2+2 → 1+1, every other record succeeded exactly once
    expect(sizes).to.deep.equal([8, 4, 4, 2, 1, 1, 1, 2]);
    expect(succeeded.sort()).to.deep.equal(['r0', 'r1', 'r2', 'r3', 'r4', 'r6', 'r7']);
    expect(source.stats).to.include({ bisections: 3, recordsDiscarded: 1, batchesDiscarded: 1 });
    // And the on-failure queue holds Lambda's metadata document naming exactly r5's sequence number
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl!, MaxNumberOfMessages: 10 }));
    expect(got.Messages).to.have.length(1);
    const doc = JSON.parse(got.Messages![0]!.Body!);
    expect(doc.requestContext).to.include({
      functionArn: `arn:aws:lambda:${TEST_AWS_ENV.AWS_REGION}:123456789012:function:shipper`,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 5,
    });
    expect(doc.responseContext).to.deep.equal({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    expect(doc.version).to.equal('1.0');
    expect(doc.KinesisBatchInfo).to.include({
      shardId: 'shardId-000000000000',
      batchSize: 1,
      streamArn: `arn:aws:kinesis:${TEST_AWS_ENV.AWS_REGION}:123456789012:stream/${stream}`,
    });
    expect(doc.KinesisBatchInfo.startSequenceNumber).to.equal(doc.KinesisBatchInfo.endSequenceNumber);
    expect(doc.KinesisBatchInfo.startSequenceNumber).to.equal(source.onFailureRecords[0]!.KinesisBatchInfo.startSequenceNumber);
  });

  it('treats a timeout as a function error and discards records older than the maximum age', async () => {
    // Given a handler slower than the 200 ms function timeout, no bisect, and a 1 s maximum record age
    const stream = await streamWith(3);
    let calls = 0;
    const handler: KinesisHandler = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 400));
    };
    const source = await createKinesisEventSource({
      kinesis,
      streamName: stream,
      handler,
      functionTimeoutMs: 200,
      bisectBatchOnFunctionError: false,
      maximumRecordAgeSeconds: 1,
      retryDelayMs: () => 150,
    });
    // When it drains
    await source.waitUntilDrained({ quietMs: 300 });
    // Then it retried a few times, then gave the whole batch up for its age
    expect(calls).to.be.within(2, 6);
    expect(source.stats.functionErrors).to.equal(calls);
    expect(source.onFailureRecords).to.have.length(1);
    expect(source.onFailureRecords[0]!.requestContext.condition).to.equal('RecordAgeExceeded');
    expect(source.onFailureRecords[0]!.KinesisBatchInfo.batchSize).to.equal(3);
  });

  it('treats an itemIdentifier that is not in the batch as a failure of the whole batch', async () => {
    // Given a handler that reports an unknown sequence number once
    const stream = await streamWith(4);
    let calls = 0;
    const handler: KinesisHandler = async () => {
      calls++;
      return calls === 1 ? { batchItemFailures: [{ itemIdentifier: '999999' }] } : { batchItemFailures: [] };
    };
    const source = await createKinesisEventSource({ kinesis, streamName: stream, handler, bisectBatchOnFunctionError: false, retryDelayMs: () => 0 });
    // When it drains
    await source.waitUntilDrained({ quietMs: 300 });
    // Then the whole batch was retried once and then succeeded
    expect(calls).to.equal(2);
    expect(source.stats).to.include({ functionErrors: 1, retries: 1, recordsSucceeded: 4 });
  });
});
