import type { DeployEnvironment } from '../common/environment';
import { viaService } from '../common/encryption-key';
import type { PolicyStatement } from '../common/iam';

/**
 * The log pipeline's policies as typed statements: pure functions of ARNs, so each statement
 * can be read (and tested) on its own. Resource values may be cdktf tokens. The key policy,
 * the dead-letter grant and the OpenSearch grant come from modules/common.
 */

/** Trust of the CloudWatch Logs → Kinesis role: only CloudWatch Logs acting for the listed accounts. */
export function subscriptionTrustConditions(env: DeployEnvironment, sourceAccountIds: string[]) {
  const accounts = [env.accountId, ...sourceAccountIds];
  return {
    StringEquals: { 'aws:SourceAccount': accounts },
    ArnLike: { 'aws:SourceArn': accounts.map((a) => `arn:${env.partition}:logs:${env.region}:${a}:*`) },
  };
}

/** What CloudWatch Logs may do with the role: put records on this stream, encrypt with its key. */
export function subscriptionRoleStatements(env: DeployEnvironment, streamArn: string, streamKeyArn?: string): PolicyStatement[] {
  const out: PolicyStatement[] = [
    { sid: 'PutRecordsOnPipelineStream', actions: ['kinesis:PutRecord', 'kinesis:PutRecords'], resources: [streamArn] },
  ];
  if (streamKeyArn) {
    out.push({ sid: 'EncryptStreamRecords', actions: ['kms:GenerateDataKey'], resources: [streamKeyArn], conditions: viaService('kinesis', env) });
  }
  return out;
}

export interface StreamGrants {
  readonly streamArn: string;
  readonly streamKeyArn?: string;
  readonly queueArn: string;
  readonly queueKeyArn?: string;
}

/** What the shipper's event source mapping needs: read the stream, send failed-batch metadata to the queue. */
export function streamConsumerStatements(env: DeployEnvironment, g: StreamGrants): PolicyStatement[] {
  const out: PolicyStatement[] = [
    {
      sid: 'ReadPipelineStream',
      // What Lambda's event source mapping calls (Lambda developer guide, "Kinesis: execution
      // role permissions"). kinesis:ListStreams (no resource-level permissions) is not needed,
      // nor SubscribeToShard (enhanced fan-out is not used).
      actions: [
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
      ],
      resources: [g.streamArn],
    },
  ];
  if (g.streamKeyArn) {
    out.push({ sid: 'DecryptStreamRecords', actions: ['kms:Decrypt'], resources: [g.streamKeyArn], conditions: viaService('kinesis', env) });
  }
  // The event source mapping sends failed-batch metadata to the queue with the function's role.
  out.push({ sid: 'SendToFailureQueue', actions: ['sqs:SendMessage'], resources: [g.queueArn] });
  if (g.queueKeyArn) {
    out.push({
      sid: 'EncryptFailureQueueMessages',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [g.queueKeyArn],
      conditions: viaService('sqs', env),
    });
  }
  return out;
}

/** Destination access policy: which accounts may subscribe their logs to the destination. */
export function destinationPolicyStatements(destinationArn: string, sourceAccountIds: string[]): PolicyStatement[] {
  return [
    {
      sid: 'AllowSourceAccountsToSubscribe',
      principals: { AWS: sourceAccountIds },
      // PutAccountPolicy lets source accounts use account-level subscription filter policies.
      actions: ['logs:PutSubscriptionFilter', 'logs:PutAccountPolicy'],
      resources: [destinationArn],
    },
  ];
}
