import { expect } from 'chai';
import { LogPipelineProps } from '../../../modules/log-pipeline';
import { DOMAIN_ARN, synthPipeline } from './pipeline-fixture';

const ENDPOINT = 'https://search-logs.eu-west-1.es.amazonaws.com';
const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/existing';

// One row per validation rule: what is wrong, the props change, the error users see.
const cases: [string, Partial<LogPipelineProps>, RegExp][] = [
  ['name with capitals', { name: 'Logs' }, /LogPipeline: name must be 3\.\.32 lowercase letters/],
  ['name too long', { name: 'a'.repeat(33) }, /LogPipeline: name must be 3\.\.32/],
  ['both logGroupNames and accountPolicy', { accountPolicy: {} }, /give logGroupNames or accountPolicy, not both/],
  ['no source at all', { logGroupNames: undefined }, /no log source: give logGroupNames, accountPolicy or crossAccount/],
  ['empty logGroupNames', { logGroupNames: [] }, /logGroupNames is empty/],
  ['duplicate log group', { logGroupNames: ['/a', '/a'] }, /logGroupNames lists "\/a" twice/],
  ['invalid log group name', { logGroupNames: ['bad name!'] }, /"bad name!" is not a valid log group name/],
  ['subscribing the shipper to itself', { logGroupNames: ['/aws/lambda/test-logs-shipper'] }, /must not include the shipper's own log group .*feedback loop/],
  ['invalid account-policy exclusion', { logGroupNames: undefined, accountPolicy: { excludeLogGroupNames: ['bad "name"'] } }, /accountPolicy.excludeLogGroupNames: "bad \"name\"" is not a literal log group name/],
  ['empty source account list', { crossAccount: { sourceAccountIds: [] } }, /crossAccount.sourceAccountIds is empty/],
  ['malformed account id', { crossAccount: { sourceAccountIds: ['1234'] } }, /"1234" is not a 12-digit account id/],
  ['stream options with an existing stream', { stream: { existingStreamArn: STREAM_ARN, retentionHours: 48 } }, /apply only to a created stream/],
  ['malformed existing stream ARN', { stream: { existingStreamArn: 'arn:aws:sqs:eu-west-1:123456789012:q' } }, /existingStreamArn is not a Kinesis stream ARN/],
  ['stream key without existing stream', { stream: { existingStreamKmsKeyArn: 'arn:k' } }, /existingStreamKmsKeyArn applies only with existingStreamArn/],
  ['PROVISIONED without shards', { stream: { mode: 'PROVISIONED' } }, /stream.shardCount is required when stream.mode is PROVISIONED/],
  ['shards on ON_DEMAND', { stream: { shardCount: 2 } }, /shardCount applies only to PROVISIONED/],
  ['zero shards', { stream: { mode: 'PROVISIONED', shardCount: 0 } }, /stream.shardCount must be an integer 1\.\.10000/],
  ['retention below 24 h', { stream: { retentionHours: 23 } }, /stream.retentionHours must be an integer 24\.\.8760 hours, got 23/],
  ['retention above 8760 h', { stream: { retentionHours: 8761 } }, /stream.retentionHours must be an integer 24\.\.8760 hours, got 8761/],
  ['http endpoint', { opensearch: { endpoint: 'http://search-logs.eu-west-1.es.amazonaws.com', domainArn: DOMAIN_ARN } }, /opensearch.endpoint must be an https:\/\/ URL/],
  ['endpoint with a query string', { opensearch: { endpoint: `${ENDPOINT}/?x=1`, domainArn: DOMAIN_ARN } }, /opensearch.endpoint must be an https:\/\/ URL/],
  ['plain http to a non-loopback host', { opensearch: { endpoint: 'http://10.0.0.5:9200', domainArn: DOMAIN_ARN } }, /opensearch.endpoint must be an https:\/\/ URL \(http:\/\/ only to 127.0.0.1/],
  ['es without domain ARN', { opensearch: { endpoint: ENDPOINT } }, /opensearch.domainArn is required for service "es"/],
  ['es with a collection ARN', { opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, collectionArn: 'arn:aws:aoss:eu-west-1:123456789012:collection/x' } }, /collectionArn applies only to service "aoss"/],
  ['malformed domain ARN', { opensearch: { endpoint: ENDPOINT, domainArn: 'arn:aws:es:eu-west-1:123456789012:domain/' } }, /opensearch.domainArn is not an OpenSearch domain ARN/],
  ['aoss without collection ARN', { opensearch: { endpoint: ENDPOINT, service: 'aoss' } }, /opensearch.collectionArn is required for service "aoss"/],
  ['aoss with a domain ARN', { opensearch: { endpoint: ENDPOINT, service: 'aoss', domainArn: DOMAIN_ARN, collectionArn: 'arn:aws:aoss:eu-west-1:123456789012:collection/x' } }, /domainArn applies only to service "es"/],
  ['malformed collection ARN', { opensearch: { endpoint: ENDPOINT, service: 'aoss', collectionArn: 'arn:aws:aoss:eu-west-1:123456789012:index/x' } }, /collectionArn is not an OpenSearch Serverless collection ARN/],
  ['unknown service', { opensearch: { endpoint: ENDPOINT, service: 'solr' as 'es', domainArn: DOMAIN_ARN } }, /opensearch.service must be "es" or "aoss", got "solr"/],
  ['uppercase index prefix', { opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, indexPrefix: 'Logs' } }, /opensearch.indexPrefix must be a lower-case index name prefix/],
  ['index rule without pattern', { opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, indexRules: [{ logGroupPattern: '', indexPrefix: 'x' }] } }, /indexRules: logGroupPattern must not be empty/],
  ['index rule with bad prefix', { opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, indexRules: [{ logGroupPattern: '/a/*', indexPrefix: 'A B' }] } }, /indexRules: indexPrefix "A B" must be a lower-case index name prefix/],
  ['tiny bulk size', { opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, maxBulkBytes: 10 } }, /opensearch.maxBulkBytes must be an integer 65536\.\./],
  // The shipper refuses MAX_BULK_BYTES below 64 KiB at run time: the construct applies the same contract bound.
  ['bulk size the function would refuse', { opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, maxBulkBytes: 5000 } }, /opensearch.maxBulkBytes must be an integer 65536\.\.104857600 bytes, got 5000/],
  ['log retention CloudWatch does not offer', { shipper: { logRetentionDays: 2 } }, /shipper.logRetentionDays must be one of 1, 3, 5/],
  ['shipper memory out of range (BundledFunction)', { shipper: { memorySize: 100 } }, /BundledFunction shipper: memorySize must be an integer 128\.\.10240/],
  ['batch size 0', { eventSource: { batchSize: 0 } }, /eventSource.batchSize must be an integer 1\.\.10000/],
  ['batching window too long', { eventSource: { maxBatchingWindowSeconds: 301 } }, /maxBatchingWindowSeconds must be an integer 0\.\.300/],
  ['parallelization 11', { eventSource: { parallelizationFactor: 11 } }, /parallelizationFactor must be an integer 1\.\.10/],
  ['infinite retries', { eventSource: { maximumRetryAttempts: -1 } }, /maximumRetryAttempts must be an integer 0\.\.10000 \(finite: -1 is refused\)/],
  ['infinite record age', { eventSource: { maximumRecordAgeSeconds: -1 } }, /maximumRecordAgeSeconds must be an integer 60\.\.604800 s \(finite: -1 is refused\)/],
  ['record age beyond stream retention', { eventSource: { maximumRecordAgeSeconds: 90_000 } }, /maximumRecordAgeSeconds \(90000\) exceeds the stream retention \(86400 s\)/],
  ['queue retention with a given queue', { failureQueue: { existingQueue: { arn: 'arn:aws:sqs:eu-west-1:123456789012:q', url: 'u' }, retentionSeconds: 60 } }, /retentionSeconds applies only to a created queue/],
  ['queue retention too long', { failureQueue: { retentionSeconds: 1_209_601 } }, /failureQueue.retentionSeconds must be an integer 60\.\.1209600/],
  ['malformed queue ARN', { failureQueue: { existingQueue: { arn: 'arn:aws:sns:eu-west-1:123456789012:t', url: 'u' } } }, /existingQueue.arn is not an SQS queue ARN/],
  ['dead-letter prefix without trailing slash', { deadLetter: { prefix: 'dead' } }, /deadLetter.prefix must be a relative S3 key prefix ending with "\/"/],
  ['absolute dead-letter prefix', { deadLetter: { prefix: '/dead/' } }, /deadLetter.prefix must be a relative S3 key prefix/],
  ['expiry with a given bucket', { deadLetter: { existingBucket: { name: 'my-bucket' }, expirationDays: 3 } }, /expirationDays applies only to a created bucket/],
  ['expiry 0 days', { deadLetter: { expirationDays: 0 } }, /deadLetter.expirationDays must be an integer 1\.\./],
  ['malformed bucket name', { deadLetter: { existingBucket: { name: 'My_Bucket' } } }, /existingBucket.name is not a bucket name/],
  ['iterator age threshold below 1 s', { alarms: { iteratorAgeThresholdMs: 10 } }, /alarms.iteratorAgeThresholdMs must be an integer 1000\.\./],
];

describe('LogPipeline: invalid props fail at construction with a clear error', () => {
  for (const [what, change, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(() => synthPipeline(change)).to.throw(message);
    });
  }

  it('accepts the boundaries: retention 24 and 8760 h, record age equal to retention', () => {
    expect(() => synthPipeline({ stream: { retentionHours: 24 }, eventSource: { maximumRecordAgeSeconds: 86_400 } })).to.not.throw();
    const tf = synthPipeline({ stream: { retentionHours: 8760 } });
    expect(Object.values(tf.resource?.aws_kinesis_stream ?? {})[0].retention_period).to.equal(8760);
  });
});
