import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { policyDocument } from '../common/iam';
import { tlsOnlyBucketStatements } from './iam';

/** The dead-letter bucket: private, KMS-encrypted, TLS-only, objects expire. */
export class DeadLetterBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, p: { namePrefix: string; kmsKeyArn: string; prefix: string; expirationDays: number; tags?: Record<string, string> }) {
    super(scope, id);
    // A prefix, not a name: bucket names are global, and Terraform appends a unique suffix.
    this.bucket = new S3Bucket(this, 'bucket', { bucketPrefix: p.namePrefix, tags: p.tags });
    const bucket = this.bucket.id;
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public_access_block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: p.kmsKeyArn },
          // S3 Bucket Keys: one KMS data key per bucket period instead of per object (fewer KMS calls).
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyDocument(this, 'policy_document', tlsOnlyBucketStatements(this.bucket.arn)),
      // S3 rejects policies while the public access block is being changed.
      dependsOn: [publicAccessBlock],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-dead-letters',
          status: 'Enabled',
          filter: [{ prefix: p.prefix }],
          expiration: [{ days: p.expirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
  }
}

/** The on-failure destination of the event source mapping: KMS-encrypted, bounded retention. */
export function createFailureQueue(scope: Construct, id: string, p: { name: string; kmsKeyArn: string; retentionSeconds: number; tags?: Record<string, string> }): SqsQueue {
  return new SqsQueue(scope, id, {
    name: p.name,
    kmsMasterKeyId: p.kmsKeyArn,
    kmsDataKeyReusePeriodSeconds: 300,
    messageRetentionSeconds: p.retentionSeconds,
    tags: p.tags,
  });
}

/** The name in `arn:aws:sqs:region:account:name` (works for literal ARNs and tokens). */
export function queueNameOf(arn: string): string {
  return Token.isUnresolved(arn) ? Fn.element(Fn.split(':', arn), 5) : arn.split(':')[5];
}
