import { Fn, Token } from 'cdktf';
import type { DeployEnvironment } from '../common/environment';
import type { PolicyStatement } from '../common/iam';
import type { FailureDestinationType } from './props';

export interface LogBucketPolicyInput {
  readonly env: DeployEnvironment;
  readonly bucketArn: string;
  /** `''` or `my-prefix/`. */
  readonly keyPrefix: string;
  /** The region → ELB account map as a Terraform value (a `locals` entry; see elb-accounts.ts). */
  readonly elbAccounts: unknown;
}

/**
 * What the log bucket's policy grants (AWS ELB user guides, "Attach a policy to your S3 bucket"),
 * resolved at plan time from `data.aws_region`, so no region literal is needed at synth:
 * - ALB and Classic delivery: `s3:PutObject` under `<prefix>AWSLogs/<account>/` for the regional
 *   ELB account (regions before August 2022) or, in newer regions, the
 *   `logdelivery.elasticloadbalancing.amazonaws.com` service principal. AWS documents no
 *   condition key for either; the resource path (`AWSLogs/<this account>/`) limits them to
 *   this account's load balancers, which is the confused-deputy guard.
 * - NLB delivery (`delivery.logs.amazonaws.com`): `s3:PutObject` with the
 *   `bucket-owner-full-control` ACL and `s3:GetBucketAcl`, both limited by `aws:SourceAccount`
 *   and `aws:SourceArn`.
 * (The TLS-only deny comes with every HardenedBucket.)
 */
export function logDeliveryStatements(i: LogBucketPolicyInput): PolicyStatement[] {
  const { env } = i;
  const logs = `${i.bucketArn}/${i.keyPrefix}AWSLogs/${env.accountId}/*`;
  const hasAccount = Fn.contains(Fn.keys(i.elbAccounts), env.region);
  const elbAccountRoot = `arn:${env.partition}:iam::${Token.asString(Fn.lookup(i.elbAccounts, env.region, ''))}:root`;
  const deliveryConditions = {
    StringEquals: { 'aws:SourceAccount': env.accountId },
    ArnLike: { 'aws:SourceArn': `arn:${env.partition}:logs:${env.region}:${env.accountId}:*` },
  };
  return [
    {
      sid: 'ElbLogDelivery',
      actions: ['s3:PutObject'],
      resources: [logs],
      principals: {
        Computed: {
          type: Token.asString(Fn.conditional(hasAccount, 'AWS', 'Service')),
          identifiers: [Token.asString(Fn.conditional(hasAccount, elbAccountRoot, 'logdelivery.elasticloadbalancing.amazonaws.com'))],
        },
      },
    },
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
  ];
}

const SEND_ACTION: Record<FailureDestinationType, string> = {
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  lambda: 'lambda:InvokeFunction',
  events: 'events:PutEvents',
};

/** The service of a literal destination ARN (`arn:aws:<service>:…`). */
export function destinationTypeOf(arn: string): FailureDestinationType {
  return arn.split(':')[2] as FailureDestinationType;
}

/** Lambda's asynchronous invocation sends failed events to the destination with the function's role. */
export function failureDestinationStatement(arn: string, type: FailureDestinationType): PolicyStatement {
  return { sid: 'SendToFailureDestination', actions: [SEND_ACTION[type]], resources: [arn] };
}
