import { Construct } from 'constructs';
import { BUCKET_NAME_RULE, DEFAULT_DEAD_LETTER_PREFIX, KEY_PREFIX_RULE } from '../../functions/shared/contract';
import type { DeployEnvironment } from './environment';
import { viaService } from './encryption-key';
import { HardenedBucket } from './hardened-bucket';
import type { PolicyStatement } from './iam';
import { checkIntRule, isLiteral, type Fail, type IntRule } from './validation';

/** Where a function writes what it cannot index (the shared dead-letter schema, functions/shared/README.md). */
export interface DeadLetterOptions {
  /** Use this bucket instead of creating one. */
  readonly existingBucket?: { readonly name: string; readonly kmsKeyArn?: string };
  /** Key prefix of dead-letter objects; ends with `/`. @default 'dead-letter/' */
  readonly prefix?: string;
  /** Days after which the created bucket deletes dead-letter objects. @default 90 */
  readonly expirationDays?: number;
}

/** Days before an object of a created bucket expires (also the ELB log bucket's rule). */
export const EXPIRATION_DAYS_RULE: IntRule = { min: 1, max: 36_500, unit: ' days' };

export const DEAD_LETTER_DEFAULTS = { prefix: DEFAULT_DEAD_LETTER_PREFIX, expirationDays: 90 } as const;

export function validateDeadLetter(d: DeadLetterOptions | undefined, fail: Fail, where = 'deadLetter'): void {
  if (!d) return;
  if (d.prefix !== undefined && isLiteral(d.prefix) && !KEY_PREFIX_RULE.pattern.test(d.prefix)) {
    fail(`${where}.prefix must be ${KEY_PREFIX_RULE.describe}, got "${d.prefix}"`);
  }
  if (d.existingBucket && d.expirationDays !== undefined) fail(`${where}.expirationDays applies only to a created bucket`);
  checkIntRule(fail, `${where}.expirationDays`, d.expirationDays, EXPIRATION_DAYS_RULE);
  if (d.existingBucket && isLiteral(d.existingBucket.name) && !BUCKET_NAME_RULE.pattern.test(d.existingBucket.name)) {
    fail(`${where}.existingBucket.name is not a bucket name: "${d.existingBucket.name}" (${BUCKET_NAME_RULE.describe})`);
  }
}

export interface DeadLetterDestination {
  readonly bucketName: string;
  readonly prefix: string;
  /** What the writing function needs: PutObject under the prefix, and the bucket key when there is one. */
  readonly writeStatements: PolicyStatement[];
}

/**
 * The dead-letter bucket (created as a HardenedBucket with KMS and expiry under `id`, or the given
 * one) and the statements that let a function write under its prefix, nothing more.
 */
export function deadLetterDestination(
  scope: Construct,
  id: string,
  d: DeadLetterOptions | undefined,
  p: { namePrefix: string; kmsKeyArn: string; env: DeployEnvironment; tags?: Record<string, string> },
): DeadLetterDestination {
  const prefix = d?.prefix ?? DEAD_LETTER_DEFAULTS.prefix;
  let bucketName: string;
  let keyArn: string | undefined;
  if (d?.existingBucket) {
    bucketName = d.existingBucket.name;
    keyArn = d.existingBucket.kmsKeyArn;
  } else {
    const bucket = new HardenedBucket(scope, id, {
      namePrefix: p.namePrefix,
      encryption: { kmsKeyArn: p.kmsKeyArn },
      lifecycle: [{ id: 'expire-dead-letters', prefix, expirationDays: d?.expirationDays ?? DEAD_LETTER_DEFAULTS.expirationDays }],
      tags: p.tags,
    });
    bucketName = bucket.bucket.bucket;
    keyArn = p.kmsKeyArn;
  }
  const writeStatements: PolicyStatement[] = [
    { sid: 'WriteDeadLetters', actions: ['s3:PutObject'], resources: [`arn:${p.env.partition}:s3:::${bucketName}/${prefix}*`] },
  ];
  if (keyArn) {
    // Single-part PutObject needs only GenerateDataKey.
    writeStatements.push({ sid: 'EncryptDeadLetters', actions: ['kms:GenerateDataKey'], resources: [keyArn], conditions: viaService('s3', p.env) });
  }
  return { bucketName, prefix, writeStatements };
}
