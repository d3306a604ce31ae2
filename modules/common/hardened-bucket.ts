import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { policyDocument, type PolicyStatement } from './iam';

/** One lifecycle rule: objects under `prefix` expire after `expirationDays`, optionally moving storage class first. */
export interface BucketLifecycle {
  readonly id: string;
  /** Key prefix the rule applies to. @default '' (the whole bucket) */
  readonly prefix?: string;
  readonly expirationDays: number;
  readonly transitions?: { readonly days: number; readonly storageClass: string }[];
  /** Days after which an incomplete multipart upload is removed. @default 7 */
  readonly abortIncompleteUploadsAfterDays?: number;
}

export interface HardenedBucketProps {
  /** Exact bucket name. @default a unique name from `namePrefix` (bucket names are global) */
  readonly bucketName?: string;
  /** Prefix of the generated name when `bucketName` is absent. */
  readonly namePrefix?: string;
  /** SSE-KMS with this key (S3 Bucket Keys on), or `'AES256'` (SSE-S3: what ALB/Classic log delivery requires). */
  readonly encryption: { readonly kmsKeyArn: string } | 'AES256';
  readonly lifecycle: BucketLifecycle[];
  /** Statements added to the bucket policy after the TLS-only deny (e.g. a log-delivery grant), given the bucket's ARN. */
  readonly policyStatements?: (bucketArn: string) => PolicyStatement[];
  /** Let `terraform destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * A bucket with every guard on: public access blocked, ACLs disabled (bucket owner enforced),
 * default encryption, a policy refusing any request not made over TLS, lifecycle expiry, and no
 * incomplete multipart uploads left behind. Every module's bucket is one of these.
 */
export class HardenedBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, p: HardenedBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: p.bucketName,
      bucketPrefix: p.bucketName ? undefined : p.namePrefix,
      forceDestroy: p.forceDestroy,
      tags: p.tags,
    });
    const bucket = this.bucket.id;
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public_access_block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        p.encryption === 'AES256'
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }
          : {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: p.encryption.kmsKeyArn },
              // S3 Bucket Keys: one KMS data key per bucket period instead of per object (fewer KMS calls).
              bucketKeyEnabled: true,
            },
      ],
    });
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyDocument(this, 'policy_document', [...tlsOnlyBucketStatements(this.bucket.arn), ...(p.policyStatements?.(this.bucket.arn) ?? [])]),
      // S3 rejects policies while the public access block is being changed.
      dependsOn: [this.publicAccessBlock],
    });
    const rules: S3BucketLifecycleConfigurationRule[] = p.lifecycle.map((r) => ({
      id: r.id,
      status: 'Enabled',
      filter: [{ prefix: r.prefix ?? '' }],
      expiration: [{ days: r.expirationDays }],
      transition: r.transitions?.length ? r.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })) : undefined,
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: r.abortIncompleteUploadsAfterDays ?? 7 }],
    }));
    new S3BucketLifecycleConfiguration(this, 'lifecycle', { bucket, rule: rules });
  }
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

/** Storage classes a lifecycle transition may name. */
export const STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
