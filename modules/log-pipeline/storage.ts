import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { policyDocument } from '../common/iam';

/** The on-failure destination of the event source mapping: KMS-encrypted, bounded retention, TLS-only. */
export function createFailureQueue(scope: Construct, id: string, p: { name: string; kmsKeyArn: string; retentionSeconds: number; tags?: Record<string, string> }): SqsQueue {
  const queue = new SqsQueue(scope, id, {
    name: p.name,
    kmsMasterKeyId: p.kmsKeyArn,
    kmsDataKeyReusePeriodSeconds: 300,
    messageRetentionSeconds: p.retentionSeconds,
    tags: p.tags,
  });
  new SqsQueuePolicy(scope, `${id}_policy`, {
    queueUrl: queue.url,
    policy: policyDocument(scope, `${id}_policy_document`, [
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: { '*': true },
        actions: ['sqs:*'],
        resources: [queue.arn],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        wildcardReason: 'Deny of every SQS action over plain HTTP (TLS-only queue policy)',
      },
    ]),
  });
  return queue;
}

/** The name in `arn:aws:sqs:region:account:name` (works for literal ARNs and tokens). */
export function queueNameOf(arn: string): string {
  return Token.isUnresolved(arn) ? Fn.element(Fn.split(':', arn), 5) : arn.split(':')[5];
}
