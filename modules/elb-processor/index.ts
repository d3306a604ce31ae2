import { Construct } from 'constructs';
import { Fn, TerraformLocal, TerraformOutput } from 'cdktf';
import type { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { ELB_DEFAULTS, ELB_ENV } from '../../functions/elb-processor/contract';
import { MetricAlarms, alarmsEnabled } from '../common/alarms';
import { BundledFunction } from '../common/bundled-function';
import { deadLetterDestination } from '../common/dead-letter';
import { createEncryptionKey } from '../common/encryption-key';
import { deployEnvironment } from '../common/environment';
import { HardenedBucket } from '../common/hardened-bucket';
import type { PolicyStatement } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import { isLiteral } from '../common/validation';
import { openSearchEnvironment, openSearchWriteStatements } from '../common/opensearch-target';
import { elbAlarmSpecs } from './alarms';
import { ELB_ACCOUNT_BY_REGION } from './elb-accounts';
import { destinationTypeOf, failureDestinationStatement, logDeliveryStatements } from './iam';
import { ELB_PROCESSOR_DEFAULTS, validateElbProcessorProps, type ElbProcessorProps } from './props';
import { createTrigger } from './trigger';

export * from './props';
export { ELB_ACCOUNT_BY_REGION } from './elb-accounts';
export { logDeliveryStatements } from './iam';

/**
 * Load-balancer access logs (Classic, ALB access and connection, NLB) from S3 into OpenSearch.
 * A log bucket (created or given) that ELB may write to, a processor function streaming each
 * new object into daily indices, a dead-letter bucket, the trigger (S3 notification or
 * EventBridge), alarms and outputs. See README.md for defaults, inputs, outputs and the document fields.
 */
export class ElbProcessor extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly processor: BundledFunction;
  readonly kmsKeyArn: string;
  readonly deadLetterBucketName: string;
  /** The EventBridge rule, with `notification: 'eventbridge'`. */
  readonly eventRule?: CloudwatchEventRule;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: ElbProcessorProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validateElbProcessorProps(props);
    const d = ELB_PROCESSOR_DEFAULTS;
    const { name, tags } = props;
    const env = deployEnvironment(this);
    const functionName = props.processor?.functionName ?? name;
    const b = props.logBucket ?? {};
    // A prefix given as a Terraform variable may be "" (no prefix): "<prefix>/" with a lone "/"
    // removed at plan time (cdktf's HCL renders a comparison with "" or 0 as `== undefined`).
    const keyPrefix = b.logPrefix === undefined ? '' : isLiteral(b.logPrefix)
      ? (b.logPrefix ? `${b.logPrefix}/` : '')
      : Fn.replace(`${b.logPrefix}/`, '/^[/]$/', '');
    const logsPrefix = `${keyPrefix}AWSLogs/`;

    // --- Encryption: the function's log group and the dead-letter bucket. (The log bucket stays
    // SSE-S3: the only encryption ALB and Classic delivery support.)
    this.kmsKeyArn = props.kmsKeyArn ?? createEncryptionKey(this, 'key', {
      name,
      description: `ELB processor ${name}: function logs and dead letters`,
      env,
      logGroupArns: [`arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:/aws/lambda/${functionName}`],
      tags,
    }).arn;

    // --- Log bucket
    let bucketId: string;
    if (b.existingBucketName) {
      this.bucketName = b.existingBucketName;
      this.bucketArn = `arn:${env.partition}:s3:::${b.existingBucketName}`;
      bucketId = b.existingBucketName;
    } else {
      const elbAccounts = new TerraformLocal(this, 'log_delivery_accounts', { ...ELB_ACCOUNT_BY_REGION });
      const bucket = new HardenedBucket(this, 'log_bucket', {
        bucketName: b.bucketName,
        namePrefix: `${name}-logs-`,
        encryption: 'AES256',
        forceDestroy: b.forceDestroy ?? d.forceDestroy,
        lifecycle: [{ id: 'expire-load-balancer-logs', prefix: logsPrefix, expirationDays: b.expirationDays ?? d.expirationDays, transitions: b.transitions }],
        abortIncompleteUploadsAfterDays: 1,
        policyStatements: (bucketArn) => logDeliveryStatements({ env, bucketArn, keyPrefix, elbAccounts: elbAccounts.expression }),
        tags,
      });
      this.bucketName = bucket.bucket.bucket;
      this.bucketArn = bucket.bucket.arn;
      bucketId = bucket.bucket.id;
    }

    const deadLetter = deadLetterDestination(this, 'dead_letter', props.deadLetter, { namePrefix: `${name}-dl-`, kmsKeyArn: this.kmsKeyArn, env, tags });
    this.deadLetterBucketName = deadLetter.bucketName;

    // --- Function
    const asyncInvoke = props.asyncInvoke ?? {};
    const statements: PolicyStatement[] = [
      { sid: 'ReadLoadBalancerLogs', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [`${this.bucketArn}/${logsPrefix}*`] },
      ...openSearchWriteStatements(props.opensearch),
      ...deadLetter.writeStatements,
    ];
    if (asyncInvoke.onFailureDestinationArn) {
      const arn = asyncInvoke.onFailureDestinationArn;
      statements.push(failureDestinationStatement(arn, asyncInvoke.onFailureDestinationType ?? destinationTypeOf(arn)));
    }
    statements.push(...(props.extraPolicyStatements ?? []));
    const environment: Record<string, string> = {
      ...openSearchEnvironment(props.opensearch, ELB_DEFAULTS),
      [ELB_ENV.deadLetterBucket]: deadLetter.bucketName,
      [ELB_ENV.deadLetterPrefix]: deadLetter.prefix,
    };
    const m = props.metadata ?? {};
    if (m.environment) environment[ELB_ENV.environment] = m.environment;
    if (m.component) environment[ELB_ENV.component] = m.component;
    if (m.application) environment[ELB_ENV.application] = m.application;

    const fo = props.processor ?? {};
    this.processor = new BundledFunction(this, 'processor', {
      functionName,
      functionDir: 'elb-processor',
      description: 'Streams load-balancer access logs from S3 into OpenSearch',
      runtime: fo.runtime,
      architecture: fo.architecture,
      memorySize: fo.memorySize ?? d.memorySize,
      timeout: fo.timeout ?? d.timeout,
      applicationLogLevel: fo.logLevel,
      reservedConcurrency: fo.reservedConcurrency,
      tracing: fo.tracing,
      logRetentionDays: fo.logRetentionDays ?? d.logRetentionDays,
      logKmsKeyArn: this.kmsKeyArn,
      vpc: fo.vpc,
      bundleAwsSdk: fo.bundleAwsSdk,
      environment,
      policyStatements: statements,
      tags,
    });
    const fn = this.processor.function;

    new LambdaFunctionEventInvokeConfig(this, 'async_invoke', {
      functionName: fn.functionName,
      maximumRetryAttempts: asyncInvoke.retryAttempts ?? d.retryAttempts,
      destinationConfig: asyncInvoke.onFailureDestinationArn ? { onFailure: { destination: asyncInvoke.onFailureDestinationArn } } : undefined,
      // The role must be allowed to send to the destination before Lambda checks it.
      dependsOn: [this.processor.rolePolicy],
    });

    this.eventRule = createTrigger(this, {
      name,
      mode: props.notification ?? d.notification,
      enableBucketEventBridge: props.enableBucketEventBridge ?? !b.existingBucketName,
      bucketId,
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      logsPrefix,
      fn,
      accountId: env.accountId,
      tags,
    });

    // --- Alarms
    if (alarmsEnabled(props.alarms)) {
      this.alarms = new MetricAlarms(this, 'alarms', {
        name,
        specs: elbAlarmSpecs({ functionName: fn.functionName, failedLinesThreshold: props.alarms?.failedLinesThreshold ?? d.failedLinesThreshold }),
        topicArn: props.alarms?.topicArn,
        tags,
      }).alarms;
    }

    // --- Outputs
    const out = (oid: string, value: string, description: string): void => {
      new TerraformOutput(this, oid, { value, description });
    };
    out('bucket_name', this.bucketName, 'Bucket to configure as the load balancers\' access-log destination');
    out('bucket_arn', this.bucketArn, 'ARN of the log bucket');
    out('log_prefix', b.logPrefix ?? d.logPrefix, 'Prefix to configure on the load balancers (empty = none)');
    out('function_name', fn.functionName, 'Name of the ELB processor function');
    out('function_arn', fn.arn, 'ARN of the ELB processor function');
    out('role_arn', this.processor.role.arn, 'Execution role of the processor (grant it OpenSearch access, e.g. a role mapping)');
    out('log_group_name', this.processor.logGroup.name, 'Log group with one summary line per processed object');
    out('dead_letter_bucket', this.deadLetterBucketName, 'S3 bucket receiving documents OpenSearch refused permanently');
    out('kms_key_arn', this.kmsKeyArn, 'KMS key of the function log group and the dead-letter bucket');
  }
}

