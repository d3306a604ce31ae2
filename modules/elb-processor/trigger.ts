import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';

export interface TriggerProps {
  readonly name: string;
  readonly mode: 's3' | 'eventbridge';
  readonly enableBucketEventBridge: boolean;
  readonly bucketId: string;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** `<prefix>/AWSLogs/`: only log objects trigger the function. */
  readonly logsPrefix: string;
  readonly fn: LambdaFunction;
  readonly accountId: string;
  readonly tags?: Record<string, string>;
}

/**
 * How new log objects reach the function, created in `scope`: an S3 bucket notification (with a
 * permission limited to this bucket and account), or EventBridge (a rule on this bucket and
 * prefix, a permission limited to the rule). Returns the rule in EventBridge mode.
 */
export function createTrigger(scope: Construct, p: TriggerProps): CloudwatchEventRule | undefined {
  if (p.mode === 's3') {
    const permission = new LambdaPermission(scope, 'allow_s3', {
      statementId: 'AllowS3ObjectCreated',
      action: 'lambda:InvokeFunction',
      functionName: p.fn.functionName,
      principal: 's3.amazonaws.com',
      sourceArn: p.bucketArn,
      sourceAccount: p.accountId,
    });
    new S3BucketNotification(scope, 'bucket_notification', {
      bucket: p.bucketId,
      lambdaFunction: [{ lambdaFunctionArn: p.fn.arn, events: ['s3:ObjectCreated:*'], filterPrefix: p.logsPrefix }],
      dependsOn: [permission],
    });
    return undefined;
  }
  if (p.enableBucketEventBridge) new S3BucketNotification(scope, 'bucket_eventbridge', { bucket: p.bucketId, eventbridge: true });
  const rule = new CloudwatchEventRule(scope, 'object_created', {
    name: `${p.name}-object-created`,
    description: 'New load-balancer log objects',
    // jsonencode, not JSON.stringify: the pattern holds a bucket reference, which cdktf's HCL output garbles inside a JSON string.
    eventPattern: Fn.jsonencode({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [p.bucketName] }, object: { key: [{ prefix: p.logsPrefix }] } },
    }),
    tags: p.tags,
  });
  new LambdaPermission(scope, 'allow_eventbridge', {
    statementId: 'AllowEventBridgeObjectCreated',
    action: 'lambda:InvokeFunction',
    functionName: p.fn.functionName,
    principal: 'events.amazonaws.com',
    sourceArn: rule.arn,
    sourceAccount: p.accountId,
  });
  new CloudwatchEventTarget(scope, 'object_created_target', { rule: rule.name, arn: p.fn.arn });
  return rule;
}
