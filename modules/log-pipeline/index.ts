import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import type { CloudwatchLogAccountPolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-account-policy';
import type { CloudwatchLogSubscriptionFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SHIPPER_DEFAULTS, SHIPPER_ENV } from '../../functions/shipper/contract';
import { MetricAlarms, alarmsEnabled } from '../common/alarms';
import { BundledFunction } from '../common/bundled-function';
import { deadLetterDestination } from '../common/dead-letter';
import { createEncryptionKey } from '../common/encryption-key';
import { deployEnvironment } from '../common/environment';
import { policyDocument, trustPolicy } from '../common/iam';
import { kinesisEventSource } from '../common/kinesis-event-source';
import { useStableLogicalIds } from '../common/logical-ids';
import { openSearchEnvironment, openSearchWriteStatements } from '../common/opensearch-target';
import { pipelineAlarmSpecs } from './alarms';
import { streamConsumerStatements, subscriptionRoleStatements, subscriptionTrustConditions } from './iam';
import { DEFAULTS, EVENT_SOURCE_DEFAULTS, LogPipelineProps, validate } from './props';
import { createSources } from './sources';
import { createFailureQueue, queueNameOf } from './storage';
import { pipelineStream } from './stream';

export * from './props';
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
  readonly subscriptionFilters: CloudwatchLogSubscriptionFilter[];
  readonly accountPolicy?: CloudwatchLogAccountPolicy;
  /** Cross-account destination ARN: give it to the source accounts. */
  readonly destinationArn?: string;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: LogPipelineProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validate(props);
    const { name, tags } = props;
    const sh = props.shipper ?? {};
    const shipperName = sh.functionName ?? `${name}-shipper`;
    const shipperLogGroup = `/aws/lambda/${shipperName}`;
    const env = deployEnvironment(this);

    // --- Encryption: one key for stream, queue, bucket and the shipper's log group.
    this.kmsKeyArn = props.kmsKeyArn ?? createEncryptionKey(this, 'key', {
      name,
      description: `Log pipeline ${name}: stream, failure queue, dead letters, shipper logs`,
      env,
      logGroupArns: [`arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:${shipperLogGroup}`],
      tags,
    }).arn;

    const stream = pipelineStream(this, name, props.stream ?? {}, this.kmsKeyArn, tags);
    this.streamArn = stream.arn;

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
      policy: policyDocument(this, 'subscription_policy', subscriptionRoleStatements(env, this.streamArn, stream.keyArn)),
    });

    // --- Failure queue and dead-letter bucket (created or given)
    const fq = props.failureQueue ?? {};
    let queueKeyArn: string | undefined;
    let queueName: string;
    if (fq.existingQueue) {
      queueName = queueNameOf(fq.existingQueue.arn);
      this.failureQueueArn = fq.existingQueue.arn;
      this.failureQueueUrl = fq.existingQueue.url;
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
    const deadLetter = deadLetterDestination(this, 'dead_letter', props.deadLetter, { namePrefix: `${name}-dl-`, kmsKeyArn: this.kmsKeyArn, env, tags });
    this.deadLetterBucketName = deadLetter.bucketName;
    this.deadLetterPrefix = deadLetter.prefix;

    // --- Shipper
    const os = props.opensearch;
    const environment: Record<string, string> = {
      ...openSearchEnvironment(os, SHIPPER_DEFAULTS),
      [SHIPPER_ENV.deadLetterBucket]: this.deadLetterBucketName,
      [SHIPPER_ENV.deadLetterPrefix]: this.deadLetterPrefix,
    };
    if (os.indexRules && os.indexRules.length > 0) {
      environment[SHIPPER_ENV.indexRules] = JSON.stringify(os.indexRules.map((r) => ({ logGroupPattern: r.logGroupPattern, indexPrefix: r.indexPrefix })));
    }
    if (os.fieldPlacement !== undefined) environment[SHIPPER_ENV.fieldPlacement] = os.fieldPlacement;

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
      tracing: sh.tracing,
      vpc: sh.vpc,
      bundleAwsSdk: sh.bundleAwsSdk,
      environment,
      tags,
      policyStatements: [
        ...streamConsumerStatements(env, { streamArn: this.streamArn, streamKeyArn: stream.keyArn, queueArn: this.failureQueueArn, queueKeyArn }),
        ...deadLetter.writeStatements,
        // The shipper sends each body to /<index>/_bulk (functions/shipper/index.ts, indexInPath).
        ...openSearchWriteStatements(os, { indexPaths: true }),
        ...(props.extraPolicyStatements ?? []),
      ],
    });

    this.eventSourceMapping = kinesisEventSource(this, 'event_source', {
      streamArn: this.streamArn,
      functionArn: this.shipper.function.arn,
      failureQueueArn: this.failureQueueArn,
      options: props.eventSource,
      defaults: EVENT_SOURCE_DEFAULTS,
      // Lambda checks the role's stream permissions when the mapping is created.
      dependsOn: [this.shipper.rolePolicy],
      tags,
    });

    // --- Sources
    const sources = createSources(this, {
      name,
      streamArn: this.streamArn,
      roleArn: this.subscriptionRole.arn,
      rolePolicy: this.subscriptionRolePolicy,
      filterPattern: props.filterPattern ?? DEFAULTS.filterPattern,
      logGroupNames: props.logGroupNames,
      // Never subscribe the shipper's own log group: its logs would be shipped, logged, shipped...
      accountPolicyExcludes: props.accountPolicy ? [shipperLogGroup, ...(props.accountPolicy.excludeLogGroupNames ?? [])] : undefined,
      crossAccountIds: props.crossAccount ? sourceAccountIds : undefined,
      tags,
    });
    this.subscriptionFilters = sources.subscriptionFilters;
    this.accountPolicy = sources.accountPolicy;
    this.destinationArn = sources.destinationArn;

    // --- Alarms
    if (alarmsEnabled(props.alarms)) {
      this.alarms = new MetricAlarms(this, 'alarms', {
        name,
        specs: pipelineAlarmSpecs({
          functionName: this.shipper.function.functionName,
          queueName,
          iteratorAgeThresholdMs: props.alarms?.iteratorAgeThresholdMs ?? DEFAULTS.iteratorAgeThresholdMs,
        }),
        topicArn: props.alarms?.topicArn,
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
