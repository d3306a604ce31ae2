import { Construct } from 'constructs';
import { Fn, TerraformOutput } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { ELB_METRICS } from '../../functions/elb-processor/report';
import { METRIC_NAMESPACE as ELB_METRIC_NAMESPACE } from '../../functions/shared/metrics';
import { BundledFunction } from '../common/bundled-function';
import { policyDocument, type PolicyStatement } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import { logBucketStatements } from './bucket-policy';
import { partitionOf } from './elb-accounts';
import { ELB_PROCESSOR_DEFAULTS, validateElbProcessorProps, type ElbProcessorProps } from './props';

export * from './props';
export { ELB_ACCOUNT_BY_REGION } from './elb-accounts';
export { logBucketStatements } from './bucket-policy';

/** Namespace of the EMF metrics the function writes per object (functions/elb-processor/report.ts). */
export { ELB_METRIC_NAMESPACE };

/**
 * Load-balancer access logs (Classic, ALB access and connection, NLB) from S3 into OpenSearch.
 * A log bucket (created or given) that ELB may write to, a processor function streaming each
 * new object into daily indices, the trigger (S3 notification or EventBridge), alarms and outputs.
 * See README.md for defaults, inputs, outputs and the document fields.
 */
export class ElbProcessor extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly processor: BundledFunction;
  /** The EventBridge rule, with `notification: 'eventbridge'`. */
  readonly eventRule?: CloudwatchEventRule;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: ElbProcessorProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validateElbProcessorProps(props);
    const d = ELB_PROCESSOR_DEFAULTS;
    const partition = partitionOf(props.region);
    const account = new DataAwsCallerIdentity(this, 'account');
    const keyPrefix = props.logPrefix ? `${props.logPrefix}/` : '';
    const logsPrefix = `${keyPrefix}AWSLogs/`;
    const tags = props.tags;

    // --- bucket -------------------------------------------------------------------------
    let bucketId: string;
    if (props.existingBucketName) {
      this.bucketName = props.existingBucketName;
      this.bucketArn = `arn:${partition}:s3:::${props.existingBucketName}`;
      bucketId = props.existingBucketName;
    } else {
      const bucket = new S3Bucket(this, 'bucket', {
        bucket: props.bucketName,
        bucketPrefix: props.bucketName ? undefined : 'elb-logs-',
        forceDestroy: props.forceDestroy ?? d.forceDestroy,
        tags,
      });
      this.bucketName = bucket.bucket;
      this.bucketArn = bucket.arn;
      bucketId = bucket.id;
      new S3BucketPublicAccessBlock(this, 'bucket_public_access_block', {
        bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
      });
      new S3BucketOwnershipControls(this, 'bucket_ownership', { bucket: bucketId, rule: { objectOwnership: 'BucketOwnerEnforced' } });
      // SSE-S3: the only encryption ALB/Classic delivery supports. (NLB alone could use SSE-KMS with a customer-managed key.)
      new S3BucketServerSideEncryptionConfigurationA(this, 'bucket_encryption', {
        bucket: bucketId,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
      });
      new S3BucketLifecycleConfiguration(this, 'bucket_lifecycle', {
        bucket: bucketId,
        rule: [{
          id: 'expire-load-balancer-logs',
          status: 'Enabled',
          filter: [{ prefix: logsPrefix }],
          expiration: [{ days: props.expirationDays ?? d.expirationDays }],
          transition: props.transitions?.length ? props.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })) : undefined,
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        }],
      });
      new S3BucketPolicy(this, 'bucket_policy', {
        bucket: bucketId,
        policy: policyDocument(this, 'bucket_policy_document', logBucketStatements({ region: props.region, accountId: account.accountId, bucketArn: bucket.arn, keyPrefix })),
      });
    }

    // --- function ------------------------------------------------------------------------
    const service = props.opensearchService ?? d.opensearchService;
    const statements: PolicyStatement[] = [
      { sid: 'ReadLoadBalancerLogs', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [`${this.bucketArn}/${logsPrefix}*`] },
      service === 'es'
        ? { sid: 'WriteOpenSearch', actions: ['es:ESHttpPost', 'es:ESHttpPut'], resources: [`${props.opensearchArn}/*`] }
        : { sid: 'WriteOpenSearchServerless', actions: ['aoss:APIAccessAll'], resources: [props.opensearchArn] },
    ];
    if (props.deadLetterBucketName) {
      statements.push({ sid: 'WriteDeadLetters', actions: ['s3:PutObject'], resources: [`arn:${partition}:s3:::${props.deadLetterBucketName}/elb-processor/*`] });
    }
    const environment: Record<string, string> = {
      OPENSEARCH_ENDPOINT: props.opensearchEndpoint,
      OPENSEARCH_SERVICE: service,
      INDEX_PREFIX: props.indexPrefix ?? d.indexPrefix,
    };
    if (props.metadata?.environment) environment.ENVIRONMENT = props.metadata.environment;
    if (props.metadata?.component) environment.COMPONENT = props.metadata.component;
    if (props.metadata?.application) environment.APPLICATION = props.metadata.application;
    if (props.deadLetterBucketName) environment.DEAD_LETTER_BUCKET = props.deadLetterBucketName;

    this.processor = new BundledFunction(this, 'processor', {
      functionName: props.functionName ?? d.functionName,
      functionDir: 'elb-processor',
      description: 'Streams load-balancer access logs from S3 into OpenSearch',
      memorySize: props.memorySize ?? d.memorySize,
      timeout: props.timeout ?? d.timeout,
      reservedConcurrency: props.reservedConcurrency,
      logRetentionDays: props.logRetentionDays ?? d.logRetentionDays,
      vpc: props.vpc,
      environment,
      policyStatements: statements,
      tags,
    });
    const fn = this.processor.function;

    new LambdaFunctionEventInvokeConfig(this, 'async_invoke', {
      functionName: fn.functionName,
      maximumRetryAttempts: props.retryAttempts ?? d.retryAttempts,
      destinationConfig: props.onFailureDestinationArn ? { onFailure: { destination: props.onFailureDestinationArn } } : undefined,
    });

    // --- trigger -------------------------------------------------------------------------
    if ((props.notification ?? d.notification) === 's3') {
      const permission = new LambdaPermission(this, 'allow_s3', {
        statementId: 'AllowS3ObjectCreated',
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: 's3.amazonaws.com',
        sourceArn: this.bucketArn,
        sourceAccount: account.accountId,
      });
      new S3BucketNotification(this, 'bucket_notification', {
        bucket: bucketId,
        lambdaFunction: [{ lambdaFunctionArn: fn.arn, events: ['s3:ObjectCreated:*'], filterPrefix: logsPrefix }],
        dependsOn: [permission],
      });
    } else {
      const enableEventBridge = props.enableBucketEventBridge ?? !props.existingBucketName;
      if (enableEventBridge) new S3BucketNotification(this, 'bucket_eventbridge', { bucket: bucketId, eventbridge: true });
      const rule = new CloudwatchEventRule(this, 'object_created', {
        name: `${props.functionName ?? d.functionName}-object-created`,
        description: 'New load-balancer log objects',
        // jsonencode, not JSON.stringify: the pattern holds a bucket reference, which cdktf's HCL output garbles inside a JSON string.
        eventPattern: Fn.jsonencode({
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [this.bucketName] }, object: { key: [{ prefix: logsPrefix }] } },
        }),
        tags,
      });
      this.eventRule = rule;
      new LambdaPermission(this, 'allow_eventbridge', {
        statementId: 'AllowEventBridgeObjectCreated',
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      });
      new CloudwatchEventTarget(this, 'object_created_target', { rule: rule.name, arn: fn.arn });
    }

    // --- alarms --------------------------------------------------------------------------
    if (props.alarms ?? d.alarms) {
      const actions = props.alarmTopicArn ? [props.alarmTopicArn] : undefined;
      const alarm = (suffix: string, description: string, namespace: string, metricName: string, dimensions: Record<string, string>, threshold: number): void => {
        this.alarms.push(new CloudwatchMetricAlarm(this, `alarm_${suffix.replace(/-/g, '_')}`, {
          alarmName: `${props.functionName ?? d.functionName}-${suffix}`,
          alarmDescription: description,
          namespace,
          metricName,
          dimensions,
          statistic: 'Sum',
          period: 300,
          evaluationPeriods: 1,
          threshold,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'notBreaching',
          alarmActions: actions,
          okActions: actions,
          tags,
        }));
      };
      const byFunction = { FunctionName: fn.functionName };
      alarm('errors', 'ELB processor invocations failed (objects are retried; after the retries they go to the failure destination)', 'AWS/Lambda', 'Errors', byFunction, 1);
      alarm('dropped-events', 'S3 events dropped after every asynchronous retry failed (objects not processed; see the failure destination)', 'AWS/Lambda', 'AsyncEventsDropped', byFunction, 1);
      alarm('failed-lines', 'Load-balancer log lines did not parse (indexed into <prefix>-failed with the reason)', ELB_METRIC_NAMESPACE, ELB_METRICS.failedLines, byFunction, props.failedLinesThreshold ?? d.failedLinesThreshold);
      alarm('rejected', 'OpenSearch rejected documents permanently (dead-lettered or logged)', ELB_METRIC_NAMESPACE, ELB_METRICS.rejectedDocuments, byFunction, 1);
    }

    // --- outputs -------------------------------------------------------------------------
    const out = (name: string, value: string, description: string): void => {
      new TerraformOutput(this, name, { value, description });
    };
    out('bucket_name', this.bucketName, 'Bucket to configure as the load balancers\' access-log destination');
    out('bucket_arn', this.bucketArn, 'ARN of the log bucket');
    out('log_prefix', props.logPrefix ?? d.logPrefix, 'Prefix to configure on the load balancers (empty = none)');
    out('function_name', fn.functionName, 'Name of the ELB processor function');
    out('function_arn', fn.arn, 'ARN of the ELB processor function');
    out('role_arn', this.processor.role.arn, 'Execution role of the processor (grant it OpenSearch access, e.g. a role mapping)');
    out('log_group_name', this.processor.logGroup.name, 'Log group with one summary line per processed object');
  }
}
