import type { PolicyStatement } from '../common/iam';
import { ELB_ACCOUNT_BY_REGION, partitionOf } from './elb-accounts';

export interface LogBucketPolicyInput {
  region: string;
  accountId: string;
  bucketArn: string;
  /** `''` or `my-prefix/`. */
  keyPrefix: string;
}

/**
 * What the log bucket's policy grants (AWS ELB user guides, "Attach a policy to your S3 bucket"):
 * - ALB and Classic delivery: `s3:PutObject` under `<prefix>AWSLogs/<account>/` for the
 *   regional ELB account (regions before August 2022) or the
 *   `logdelivery.elasticloadbalancing.amazonaws.com` service principal (newer regions);
 * - NLB delivery (`delivery.logs.amazonaws.com`): `s3:PutObject` with the
 *   `bucket-owner-full-control` ACL and `s3:GetBucketAcl`, both limited by
 *   `aws:SourceAccount` and `aws:SourceArn` against confused-deputy use;
 * - deny any request not made over TLS.
 */
export function logBucketStatements(i: LogBucketPolicyInput): PolicyStatement[] {
  const logs = `${i.bucketArn}/${i.keyPrefix}AWSLogs/${i.accountId}/*`;
  const elbAccount = ELB_ACCOUNT_BY_REGION[i.region];
  const partition = partitionOf(i.region);
  const deliveryConditions = {
    StringEquals: { 'aws:SourceAccount': i.accountId },
    ArnLike: { 'aws:SourceArn': `arn:${partition}:logs:${i.region}:${i.accountId}:*` },
  };
  return [
    elbAccount
      ? { sid: 'ElbLogDelivery', actions: ['s3:PutObject'], resources: [logs], principals: { AWS: `arn:${partition}:iam::${elbAccount}:root` } }
      : { sid: 'ElbLogDelivery', actions: ['s3:PutObject'], resources: [logs], principals: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' } },
    {
      sid: 'NlbLogDeliveryWrite',
      actions: ['s3:PutObject'],
      resources: [logs],
      principals: { Service: 'delivery.logs.amazonaws.com' },
      conditions: { ...deliveryConditions, StringEquals: { ...deliveryConditions.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    },
    {
      sid: 'NlbLogDeliveryAclCheck',
      actions: ['s3:GetBucketAcl'],
      resources: [i.bucketArn],
      principals: { Service: 'delivery.logs.amazonaws.com' },
      conditions: deliveryConditions,
    },
    {
      sid: 'DenyInsecureTransport',
      effect: 'Deny',
      actions: ['s3:*'],
      resources: [i.bucketArn, `${i.bucketArn}/*`],
      principals: { '*': true },
      conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      wildcardReason: 'Deny statement: refuses every S3 action on the bucket when the request is not over TLS',
    },
  ];
}
