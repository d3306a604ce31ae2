import { PolicyStatement } from '../common/iam';

/**
 * The log pipeline's policies as typed statements: pure functions of ARNs, so each statement
 * can be read (and tested) on its own. Resource values may be cdktf tokens.
 */

/** Where the pipeline is deployed (data source attributes at synth time). */
export interface Environment {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

const viaService = (service: string, env: Environment) => ({
  StringEquals: { 'kms:ViaService': `${service}.${env.region}.amazonaws.com` },
});

/**
 * Key policy of the created key. AWS key policies name the key itself as `*`, and the account
 * root statement is what lets IAM policies (the roles below) use the key at all.
 */
export function keyPolicyStatements(env: Environment, logGroupArns: string[]): PolicyStatement[] {
  return [
    {
      sid: 'EnableIamPolicies',
      principals: { AWS: `arn:${env.partition}:iam::${env.accountId}:root` },
      actions: ['kms:*'],
      resources: ['*'],
      // KMS default key policy: delegates to IAM in this account. In a key policy "*" means this key.
      wildcardReason: 'KMS key policy: account root delegation (AWS default); "*" resource is the key itself',
    },
    {
      sid: 'AllowCloudWatchLogsForPipelineLogGroups',
      principals: { Service: `logs.${env.region}.amazonaws.com` },
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      // Only for the pipeline's own log groups: CloudWatch Logs passes the log group ARN as encryption context.
      conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArns } },
      wildcardReason: 'KMS key policy: "*" resource is the key itself',
    },
  ];
}

/** Trust of the CloudWatch Logs → Kinesis role: only CloudWatch Logs acting for the listed accounts. */
export function subscriptionTrustConditions(env: Environment, sourceAccountIds: string[]) {
  const accounts = [env.accountId, ...sourceAccountIds];
  return {
    StringEquals: { 'aws:SourceAccount': accounts },
    ArnLike: { 'aws:SourceArn': accounts.map((a) => `arn:${env.partition}:logs:${env.region}:${a}:*`) },
  };
}

/** What CloudWatch Logs may do with the role: put records on this stream, encrypt with its key. */
export function subscriptionRoleStatements(env: Environment, streamArn: string, streamKeyArn?: string): PolicyStatement[] {
  const out: PolicyStatement[] = [
    { sid: 'PutRecordsOnPipelineStream', actions: ['kinesis:PutRecord', 'kinesis:PutRecords'], resources: [streamArn] },
  ];
  if (streamKeyArn) {
    out.push({
      sid: 'EncryptStreamRecords',
      actions: ['kms:GenerateDataKey'],
      resources: [streamKeyArn],
      conditions: viaService('kinesis', env),
    });
  }
  return out;
}

export interface ShipperGrants {
  readonly streamArn: string;
  readonly streamKeyArn?: string;
  readonly queueArn: string;
  readonly queueKeyArn?: string;
  readonly bucketName: string;
  readonly deadLetterPrefix: string;
  readonly bucketKeyArn?: string;
  readonly target: { service: 'es'; domainArn: string } | { service: 'aoss'; collectionArn: string };
}

/** The shipper's own statements (BundledFunction adds log writing). */
export function shipperStatements(env: Environment, g: ShipperGrants): PolicyStatement[] {
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
  out.push({
    sid: 'WriteDeadLetters',
    actions: ['s3:PutObject'],
    resources: [`arn:${env.partition}:s3:::${g.bucketName}/${g.deadLetterPrefix}*`],
  });
  if (g.bucketKeyArn) {
    out.push({
      sid: 'EncryptDeadLetters',
      // Single-part PutObject needs only GenerateDataKey.
      actions: ['kms:GenerateDataKey'],
      resources: [g.bucketKeyArn],
      conditions: viaService('s3', env),
    });
  }
  if (g.target.service === 'es') {
    out.push({ sid: 'IndexIntoDomain', actions: ['es:ESHttpPost', 'es:ESHttpPut'], resources: [`${g.target.domainArn}/*`] });
  } else {
    // Serverless: IAM gates API access to the collection; index-level rights come from the
    // collection's data access policy (map the shipper role ARN there).
    out.push({ sid: 'AccessCollection', actions: ['aoss:APIAccessAll'], resources: [g.target.collectionArn] });
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

/** Bucket policy refusing any request not made over TLS. */
export function tlsOnlyBucketStatements(bucketArn: string): PolicyStatement[] {
  return [
    {
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      principals: { '*': true },
      actions: ['s3:*'],
      resources: [bucketArn, `${bucketArn}/*`],
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      // A Deny: the wildcard widens what is refused, never what is allowed.
      wildcardReason: 'Deny of every S3 action over plain HTTP (TLS-only bucket policy)',
    },
  ];
}
