import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { DeployEnvironment } from './environment';
import { policyDocument, type PolicyStatement } from './iam';

export interface EncryptionKeyProps {
  /** Alias (`alias/<name>`) and description. */
  readonly name: string;
  readonly description: string;
  readonly env: DeployEnvironment;
  /** Log groups whose events CloudWatch Logs may encrypt with the key (its encryption context names them). */
  readonly logGroupArns: string[];
  /** Further key-policy statements (service principals that must use the key themselves). */
  readonly extraStatements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

/** Days a scheduled key deletion waits (the maximum: a key deleted by mistake can be restored). */
export const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * A customer-managed key with rotation, usable by IAM policies of this account and by CloudWatch
 * Logs for the named log groups only. Resources `<id>`, `<id>_alias` and the policy document
 * `<id>_policy` are created in `scope` (a function, not a construct, so existing logical ids stay).
 */
export function createEncryptionKey(scope: Construct, id: string, p: EncryptionKeyProps): KmsKey {
  const key = new KmsKey(scope, id, {
    description: p.description,
    enableKeyRotation: true,
    deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
    policy: policyDocument(scope, `${id}_policy`, [...keyPolicyStatements(p.env, p.logGroupArns), ...(p.extraStatements ?? [])]),
    tags: p.tags,
  });
  new KmsAlias(scope, `${id}_alias`, { name: `alias/${p.name}`, targetKeyId: key.keyId });
  return key;
}

/**
 * Key policy. AWS key policies name the key itself as `*`, and the account root statement is
 * what lets IAM policies (the functions' roles) use the key at all. CloudWatch Logs gets a
 * statement only when there are log groups (a condition with no values would be malformed).
 */
export function keyPolicyStatements(env: DeployEnvironment, logGroupArns: string[]): PolicyStatement[] {
  const root: PolicyStatement = {
    sid: 'EnableIamPolicies',
    principals: { AWS: `arn:${env.partition}:iam::${env.accountId}:root` },
    actions: ['kms:*'],
    resources: ['*'],
    wildcardReason: 'KMS key policy: account root delegation (AWS default); "*" resource is the key itself',
  };
  if (logGroupArns.length === 0) return [root];
  return [
    root,
    {
      sid: 'AllowCloudWatchLogsForOwnLogGroups',
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
      // Only for these log groups: CloudWatch Logs passes the log group ARN as encryption context.
      conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArns } },
      wildcardReason: 'KMS key policy: "*" resource is the key itself',
    },
  ];
}

/** `kms:ViaService` condition: the key may be used only through this AWS service in this region. */
export function viaService(service: string, env: DeployEnvironment) {
  return { StringEquals: { 'kms:ViaService': `${service}.${env.region}.amazonaws.com` } };
}
