import { Construct } from 'constructs';
import { Fn, TerraformOutput } from 'cdktf';
import { CloudwatchLogAccountPolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-account-policy';
import { CloudwatchLogDestination } from '@cdktf/provider-aws/lib/cloudwatch-log-destination';
import { CloudwatchLogDestinationPolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-destination-policy';
import { CloudwatchLogSubscriptionFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { BundledFunction } from '../common/bundled-function';
import { policyDocument, trustPolicy } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import { PipelineAlarms } from './alarms';
import {
  Environment,
  destinationPolicyStatements,
  keyPolicyStatements,
  shipperStatements,
  subscriptionRoleStatements,
  subscriptionTrustConditions,
} from './iam';
import { DEFAULTS, LogPipelineProps, validate } from './props';
import { subscriptionId } from './names';
import { DeadLetterBucket, createFailureQueue, queueNameOf } from './storage';

export * from './props';
export { DEAD_LETTER_METRIC } from './alarms';
export { LogPipelineSourceAccount, LogPipelineSourceAccountProps } from './source-account';

/**
 * CloudWatch Logs → Kinesis Data Streams → shipper Lambda → OpenSearch.
 *
 * Creates (or uses the given) KMS key, stream, failure queue and dead-letter bucket; the
 * CloudWatch Logs → Kinesis role; subscriptions (log groups, an account-level policy, or a
 * cross-account destination); the shipper function and its event source mapping; alarms; and
 * outputs. No provider, no backend: the caller's stack owns those.
 * Logical ids are `<construct id>_<part>` (e.g. `logs_stream`): construct ids are public names.
 */
export class LogPipeline extends Construct {
  readonly streamArn: string;
  /** Key of the stream, queue, bucket and log group (created or given). */
  readonly kmsKeyArn: string;
  readonly shipper: BundledFunction;
  /** Role CloudWatch Logs assumes to put records on the stream. */
  readonly subscriptionRole: IamRole;
  readonly subscriptionRolePolicy: IamRolePolicy;
  readonly eventSourceMapping: LambdaEventSourceMapping;
  readonly failureQueueArn: string;
  readonly failureQueueUrl: string;
  readonly deadLetterBucketName: string;
  readonly deadLetterPrefix: string;
  readonly subscriptionFilters: CloudwatchLogSubscriptionFilter[] = [];
  readonly accountPolicy?: CloudwatchLogAccountPolicy;
  /** Cross-account destination ARN: give it to the source accounts. */
  readonly destinationArn?: string;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: LogPipelineProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validate(props);
    const name = props.name;
    const tags = props.tags;
    const shipperName = props.shipper?.functionName ?? `${name}-shipper`;
    const shipperLogGroup = `/aws/lambda/${shipperName}`;

    const env: Environment = {
      partition: new DataAwsPartition(this, 'partition').partition,
      region: new DataAwsRegion(this, 'region').region,
      accountId: new DataAwsCallerIdentity(this, 'account').accountId,
    };

    // --- Encryption: one key for stream, queue, bucket and the shipper's log group.
    if (props.kmsKeyArn) {
      this.kmsKeyArn = props.kmsKeyArn;
    } else {
      const logGroupArn = `arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:${shipperLogGroup}`;
      const key = new KmsKey(this, 'key', {
        description: `Log pipeline ${name}: stream, failure queue, dead letters, shipper logs`,
        enableKeyRotation: true,
        deletionWindowInDays: DEFAULTS.keyDeletionWindowDays,
        policy: policyDocument(this, 'key_policy', keyPolicyStatements(env, [logGroupArn])),
        tags,
      });
      new KmsAlias(this, 'key_alias', { name: `alias/${name}`, targetKeyId: key.keyId });
      this.kmsKeyArn = key.arn;
    }

    // --- Stream
    const s = props.stream ?? {};
    let streamKeyArn: string | undefined;
    if (s.existingStreamArn) {
      this.streamArn = s.existingStreamArn;
      streamKeyArn = s.existingStreamKmsKeyArn;
    } else {
      const mode = s.mode ?? DEFAULTS.streamMode;
      const stream = new KinesisStream(this, 'stream', {
        name,
        retentionPeriod: s.retentionHours ?? DEFAULTS.retentionHours,
        streamModeDetails: { streamMode: mode },
        shardCount: mode === 'PROVISIONED' ? s.shardCount : undefined,
        encryptionType: 'KMS',
        kmsKeyId: this.kmsKeyArn,
        tags,
      });
      this.streamArn = stream.arn;
      streamKeyArn = this.kmsKeyArn;
    }

    // --- CloudWatch Logs → Kinesis role
    const sourceAccountIds = props.crossAccount?.sourceAccountIds ?? [];
    this.subscriptionRole = new IamRole(this, 'subscription_role', {
      name: `${name}-cwl-to-kinesis`,
      description: `CloudWatch Logs puts subscribed log events on stream ${name}`,
      assumeRolePolicy: trustPolicy(this, 'subscription_trust', 'logs.amazonaws.com', subscriptionTrustConditions(env, sourceAccountIds)),
      tags,
    });
    this.subscriptionRolePolicy = new IamRolePolicy(this, 'subscription_role_policy', {
      name: 'put-records',
      role: this.subscriptionRole.id,
      policy: policyDocument(this, 'subscription_policy', subscriptionRoleStatements(env, this.streamArn, streamKeyArn)),
    });

    // --- Failure queue and dead-letter bucket (created or given)
    const fq = props.failureQueue ?? {};
    let queueName: string;
    let queueKeyArn: string | undefined;
    if (fq.existingQueue) {
      this.failureQueueArn = fq.existingQueue.arn;
      this.failureQueueUrl = fq.existingQueue.url;
      queueName = queueNameOf(fq.existingQueue.arn);
      queueKeyArn = fq.existingQueue.kmsKeyArn;
    } else {
      const queue = createFailureQueue(this, 'failure_queue', {
        name: `${name}-shipper-failures`,
        kmsKeyArn: this.kmsKeyArn,
        retentionSeconds: fq.retentionSeconds ?? DEFAULTS.queueRetentionSeconds,
        tags,
      });
      this.failureQueueArn = queue.arn;
      this.failureQueueUrl = queue.url;
      queueName = queue.name;
      queueKeyArn = this.kmsKeyArn;
    }

    const dl = props.deadLetter ?? {};
    this.deadLetterPrefix = dl.prefix ?? DEFAULTS.deadLetterPrefix;
    let bucketKeyArn: string | undefined;
    if (dl.existingBucket) {
      this.deadLetterBucketName = dl.existingBucket.name;
      bucketKeyArn = dl.existingBucket.kmsKeyArn;
    } else {
      const bucket = new DeadLetterBucket(this, 'dead_letter', {
        namePrefix: `${name}-dl-`,
        kmsKeyArn: this.kmsKeyArn,
        prefix: this.deadLetterPrefix,
        expirationDays: dl.expirationDays ?? DEFAULTS.deadLetterExpirationDays,
        tags,
      });
      this.deadLetterBucketName = bucket.bucket.bucket;
      bucketKeyArn = this.kmsKeyArn;
    }

    // --- Shipper
    const os = props.opensearch;
    const service = os.service ?? DEFAULTS.service;
    const environment: Record<string, string> = {
      OPENSEARCH_ENDPOINT: os.endpoint,
      OPENSEARCH_SERVICE: service,
      INDEX_PREFIX: os.indexPrefix ?? DEFAULTS.indexPrefix,
      MAX_BULK_BYTES: String(os.maxBulkBytes ?? DEFAULTS.maxBulkBytes),
      DEAD_LETTER_BUCKET: this.deadLetterBucketName,
      DEAD_LETTER_PREFIX: this.deadLetterPrefix,
    };
    if (os.indexRules && os.indexRules.length > 0) {
      environment.INDEX_RULES = JSON.stringify(os.indexRules.map((r) => ({ logGroupPattern: r.logGroupPattern, indexPrefix: r.indexPrefix })));
    }
    if (os.fieldPlacement !== undefined) environment.FIELD_PLACEMENT = os.fieldPlacement;

    const sh = props.shipper ?? {};
    this.shipper = new BundledFunction(this, 'shipper', {
      functionName: shipperName,
      functionDir: 'shipper',
      description: `Ships CloudWatch Logs from stream ${name} to OpenSearch`,
      runtime: sh.runtime,
      architecture: sh.architecture,
      memorySize: sh.memorySize ?? DEFAULTS.memorySize,
      timeout: sh.timeout ?? DEFAULTS.timeout,
      applicationLogLevel: sh.logLevel ?? DEFAULTS.logLevel,
      logRetentionDays: sh.logRetentionDays ?? DEFAULTS.logRetentionDays,
      logKmsKeyArn: this.kmsKeyArn,
      reservedConcurrency: sh.reservedConcurrency,
      vpc: sh.vpc,
      environment,
      tags,
      policyStatements: shipperStatements(env, {
        streamArn: this.streamArn,
        streamKeyArn,
        queueArn: this.failureQueueArn,
        queueKeyArn,
        bucketName: this.deadLetterBucketName,
        deadLetterPrefix: this.deadLetterPrefix,
        bucketKeyArn,
        target: service === 'es' ? { service, domainArn: os.domainArn! } : { service, collectionArn: os.collectionArn! },
      }),
    });

    const e = props.eventSource ?? {};
    this.eventSourceMapping = new LambdaEventSourceMapping(this, 'event_source', {
      eventSourceArn: this.streamArn,
      functionName: this.shipper.function.arn,
      startingPosition: e.startingPosition ?? DEFAULTS.startingPosition,
      batchSize: e.batchSize ?? DEFAULTS.batchSize,
      maximumBatchingWindowInSeconds: e.maxBatchingWindowSeconds ?? DEFAULTS.maxBatchingWindowSeconds,
      parallelizationFactor: e.parallelizationFactor ?? DEFAULTS.parallelizationFactor,
      // The shipper reports only the records that failed transiently; bisecting isolates a
      // record that makes the whole invocation fail; both retries and age are bounded.
      functionResponseTypes: ['ReportBatchItemFailures'],
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: e.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts,
      maximumRecordAgeInSeconds: e.maximumRecordAgeSeconds ?? DEFAULTS.maximumRecordAgeSeconds,
      destinationConfig: { onFailure: { destinationArn: this.failureQueueArn } },
      // Lambda checks the role's stream permissions when the mapping is created.
      dependsOn: [this.shipper.rolePolicy],
      tags,
    });

    // --- Sources. Each depends on the role policy: CloudWatch Logs test-writes to the stream
    // with the role when a subscription is created, and fails if the policy is not there yet.
    const filterPattern = props.filterPattern ?? DEFAULTS.filterPattern;
    for (const [i, logGroupName] of (props.logGroupNames ?? []).entries()) {
      this.subscriptionFilters.push(
        new CloudwatchLogSubscriptionFilter(this, subscriptionId(logGroupName, i), {
          name: `${name}-to-kinesis`,
          logGroupName,
          filterPattern,
          destinationArn: this.streamArn,
          roleArn: this.subscriptionRole.arn,
          // Spread load over shards; document order does not matter to OpenSearch.
          distribution: 'Random',
          dependsOn: [this.subscriptionRolePolicy],
        }),
      );
    }
    if (props.accountPolicy) {
      const excluded = [...new Set([shipperLogGroup, ...(props.accountPolicy.excludeLogGroupNames ?? [])])].sort();
      this.accountPolicy = new CloudwatchLogAccountPolicy(this, 'account_policy', {
        policyName: name,
        policyType: 'SUBSCRIPTION_FILTER_POLICY',
        scope: 'ALL',
        // jsonencode, not JSON.stringify: cdktf's HCL output garbles JSON strings holding references.
        policyDocument: Fn.jsonencode({
          DestinationArn: this.streamArn,
          RoleArn: this.subscriptionRole.arn,
          FilterPattern: filterPattern,
          Distribution: 'Random',
        }),
        // Never subscribe the shipper's own log group: its logs would be shipped, logged, shipped...
        selectionCriteria: `LogGroupName NOT IN ${JSON.stringify(excluded)}`,
        dependsOn: [this.subscriptionRolePolicy],
      });
    }
    if (props.crossAccount) {
      const destination = new CloudwatchLogDestination(this, 'destination', {
        name,
        roleArn: this.subscriptionRole.arn,
        targetArn: this.streamArn,
        tags,
        dependsOn: [this.subscriptionRolePolicy],
      });
      new CloudwatchLogDestinationPolicy(this, 'destination_policy', {
        destinationName: destination.name,
        accessPolicy: policyDocument(this, 'destination_access_policy', destinationPolicyStatements(destination.arn, sourceAccountIds)),
      });
      this.destinationArn = destination.arn;
    }

    // --- Alarms
    if (props.alarms !== false) {
      const a = props.alarms ?? {};
      this.alarms = new PipelineAlarms(this, 'alarms', {
        name,
        functionName: this.shipper.function.functionName,
        queueName,
        iteratorAgeThresholdMs: a.iteratorAgeThresholdMs ?? DEFAULTS.iteratorAgeThresholdMs,
        topicArn: a.topicArn,
        tags,
      }).alarms;
    }

    // --- Outputs (logical ids `<construct id>_<name>`: a public contract)
    const output = (oid: string, value: string, description: string) => new TerraformOutput(this, oid, { value, description });
    output('stream_arn', this.streamArn, 'Kinesis stream receiving the subscribed log events');
    output('kms_key_arn', this.kmsKeyArn, 'KMS key of the stream, failure queue, dead-letter bucket and shipper log group');
    output('shipper_function_name', this.shipper.function.functionName, 'Shipper Lambda function name');
    output('shipper_function_arn', this.shipper.function.arn, 'Shipper Lambda function ARN');
    output('shipper_role_arn', this.shipper.role.arn, 'Shipper execution role: map it to a backend role in OpenSearch fine-grained access control (or a Serverless data access policy)');
    output('subscription_role_arn', this.subscriptionRole.arn, 'Role CloudWatch Logs assumes to write to the stream');
    output('failure_queue_url', this.failureQueueUrl, 'SQS queue receiving metadata of batches the shipper gave up on');
    output('dead_letter_bucket', this.deadLetterBucketName, 'S3 bucket receiving records OpenSearch refused permanently');
    if (this.destinationArn) output('destination_arn', this.destinationArn, 'CloudWatch Logs destination for source accounts (LogPipelineSourceAccount destinationArn)');
  }
}
