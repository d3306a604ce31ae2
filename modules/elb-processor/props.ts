import { ELB_DEFAULTS } from '../../functions/elb-processor/contract';
import type { TextRule } from '../../functions/shared/contract';
import { validateAlarmsOption, type AlarmsOption } from '../common/alarms';
import { LOG_RETENTION_DAYS, type FunctionOptions } from '../common/bundled-function';
import { EXPIRATION_DAYS_RULE, validateDeadLetter, type DeadLetterOptions } from '../common/dead-letter';
import { STORAGE_CLASSES } from '../common/hardened-bucket';
import type { PolicyStatement } from '../common/iam';
import { validateOpenSearchTarget, type OpenSearchTarget } from '../common/opensearch-target';
import { checkInt, checkIntRule, checkName, checkOneOf, failFor, isLiteral } from '../common/validation';

export interface ElbLifecycleTransition {
  /** Days after creation. */
  readonly days: number;
  /** e.g. `STANDARD_IA`, `INTELLIGENT_TIERING`, `GLACIER_IR`. */
  readonly storageClass: string;
}

/** The bucket the load balancers write to. */
export interface ElbLogBucketOptions {
  /** Use this existing bucket instead of creating one (its policy, encryption and lifecycle stay yours; see README). */
  readonly existingBucketName?: string;
  /** Name of the created bucket. @default generated from `<name>-logs-` */
  readonly bucketName?: string;
  /** Let `terraform destroy` delete a non-empty created bucket. @default false */
  readonly forceDestroy?: boolean;
  /** The prefix configured on the load balancers (no leading or trailing `/`, may not contain `AWSLogs`). @default '' (none) */
  readonly logPrefix?: string;
  /** Days after which log objects expire (created bucket only). @default 7 */
  readonly expirationDays?: number;
  /** Storage-class transitions before expiry (created bucket only). @default none */
  readonly transitions?: ElbLifecycleTransition[];
}

/** What happens to an S3 event the function failed on after every asynchronous retry. */
export interface ElbAsyncInvokeOptions {
  /** Asynchronous-invocation retries after a failed invocation (transient indexing failures), 0..2. @default 2 */
  readonly retryAttempts?: number;
  /** SQS queue, SNS topic, Lambda function or EventBridge bus ARN receiving events that failed every retry; the role gets permission to send there. @default none */
  readonly onFailureDestinationArn?: string;
  /** The destination's service; required only when the ARN is a Terraform reference (a literal ARN names it). */
  readonly onFailureDestinationType?: FailureDestinationType;
}

export type FailureDestinationType = 'sqs' | 'sns' | 'lambda' | 'events';

export interface ElbAlarmOptions extends AlarmsOption {
  /** Failed (unparsable) lines per 5 minutes that raise the alarm. @default 1 */
  readonly failedLinesThreshold?: number;
}

export interface ElbProcessorProps {
  /** Names every resource (function `<name>`, role, rule, alarms `<name>-…`, buckets `<name>-…`): 3..32 lowercase letters, digits and hyphens. */
  readonly name: string;
  /** Where documents go; index prefix default `elb` (documents in `<prefix>-<type>-YYYY.MM.DD`, failed lines in `<prefix>-failed`). */
  readonly opensearch: OpenSearchTarget;
  /** The log bucket. @default created: SSE-S3, TLS-only, objects expire after 7 days */
  readonly logBucket?: ElbLogBucketOptions;
  /**
   * How new objects reach the function. `s3` = a bucket notification (a bucket has ONE
   * notification configuration: this replaces any other on the bucket). `eventbridge` = S3
   * sends events to EventBridge and a rule invokes the function, leaving the bucket's
   * notification configuration free for others. @default 's3'
   */
  readonly notification?: 's3' | 'eventbridge';
  /**
   * With `notification: 'eventbridge'` on an existing bucket: also turn on the bucket's
   * EventBridge delivery (this writes the bucket's notification configuration). @default true for a created bucket, false for an existing one
   */
  readonly enableBucketEventBridge?: boolean;
  /** Added to every document as `environment`, `component`, `application`. @default none */
  readonly metadata?: { readonly environment?: string; readonly component?: string; readonly application?: string };
  /** The processor function. @default `<name>`, 512 MB (memory is flat in file size), 900 s (multi-GB files) */
  readonly processor?: FunctionOptions;
  /** Key of the function's log group and the dead-letter bucket. @default a created key with rotation on */
  readonly kmsKeyArn?: string;
  /** Documents OpenSearch rejects permanently. @default a created bucket (KMS, TLS-only, 90-day expiry), prefix `dead-letter/` */
  readonly deadLetter?: DeadLetterOptions;
  readonly asyncInvoke?: ElbAsyncInvokeOptions;
  /** @default alarms on, no topic */
  readonly alarms?: ElbAlarmOptions;
  /** Statements added to the processor's role policy (e.g. `kms:Decrypt` on an NLB log bucket's key). @default none */
  readonly extraPolicyStatements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

/** The prefix configured on the load balancers' access logs (empty for none). */
export const ELB_LOG_PREFIX_RULE: TextRule = { pattern: /^([^/](.*[^/])?)?$/, describe: 'empty, or a key prefix that must not start or end with "/"' };
/** ELB refuses a log prefix containing this. */
export const ELB_LOG_PREFIX_FORBIDDEN = 'AWSLogs';

/** Every default, in one place (the README's "Default settings" table lists these). */
export const ELB_PROCESSOR_DEFAULTS = {
  indexPrefix: ELB_DEFAULTS.indexPrefix,
  maxBulkBytes: ELB_DEFAULTS.maxBulkBytes,
  forceDestroy: false,
  logPrefix: '',
  expirationDays: 7,
  notification: 's3',
  memorySize: 512,
  timeout: 900,
  logRetentionDays: 30,
  retryAttempts: 2,
  failedLinesThreshold: 1,
} as const;

const fail = failFor('ElbProcessor');

export function validateElbProcessorProps(p: ElbProcessorProps): void {
  checkName(fail, p.name);
  validateOpenSearchTarget(p.opensearch, fail);
  const b = p.logBucket ?? {};
  if (b.existingBucketName && b.bucketName) fail('give logBucket.existingBucketName or logBucket.bucketName, not both');
  if (b.existingBucketName && (b.expirationDays !== undefined || b.transitions || b.forceDestroy !== undefined))
    fail('logBucket.expirationDays, transitions and forceDestroy apply only to a created bucket');
  if (b.logPrefix !== undefined && isLiteral(b.logPrefix)) {
    if (!ELB_LOG_PREFIX_RULE.pattern.test(b.logPrefix)) fail(`logBucket.logPrefix must be ${ELB_LOG_PREFIX_RULE.describe}, got "${b.logPrefix}"`);
    if (b.logPrefix.includes(ELB_LOG_PREFIX_FORBIDDEN)) fail(`logBucket.logPrefix may not contain "${ELB_LOG_PREFIX_FORBIDDEN}" (ELB refuses such prefixes)`);
  }
  checkIntRule(fail, 'logBucket.expirationDays', b.expirationDays, EXPIRATION_DAYS_RULE);
  for (const t of b.transitions ?? []) {
    if (!(STORAGE_CLASSES as readonly string[]).includes(t.storageClass)) fail(`logBucket.transitions: unknown storageClass "${t.storageClass}" (one of ${STORAGE_CLASSES.join(', ')})`);
    checkInt(fail, 'logBucket.transitions[].days', t.days, 0, 36_500, ' days');
    const expiry = b.expirationDays ?? ELB_PROCESSOR_DEFAULTS.expirationDays;
    if (t.days >= expiry) fail(`logBucket.transitions: a transition after ${t.days} days never happens with expirationDays ${expiry}`);
  }
  if (p.notification && p.notification !== 's3' && p.notification !== 'eventbridge') fail(`notification must be "s3" or "eventbridge", got "${p.notification}"`);
  if (p.enableBucketEventBridge !== undefined && p.notification !== 'eventbridge') fail('enableBucketEventBridge applies only with notification: "eventbridge"');
  const fn = p.processor ?? {};
  checkOneOf(fail, 'processor.logRetentionDays', fn.logRetentionDays, LOG_RETENTION_DAYS);
  validateDeadLetter(p.deadLetter, fail);
  checkInt(fail, 'asyncInvoke.retryAttempts', p.asyncInvoke?.retryAttempts, 0, 2);
  const dest = p.asyncInvoke?.onFailureDestinationArn;
  if (dest !== undefined && isLiteral(dest) && !/^arn:aws[a-z-]*:(sqs|sns|lambda|events):[a-z0-9-]+:\d{12}:.+$/.test(dest)) {
    fail(`asyncInvoke.onFailureDestinationArn must be an SQS queue, SNS topic, Lambda function or EventBridge bus ARN, got "${dest}"`);
  }
  if (dest !== undefined && !isLiteral(dest) && p.asyncInvoke?.onFailureDestinationType === undefined) {
    fail('asyncInvoke.onFailureDestinationType is required when onFailureDestinationArn is a Terraform reference (the role needs the matching send permission)');
  }
  checkInt(fail, 'alarms.failedLinesThreshold', p.alarms?.failedLinesThreshold, 1, 1_000_000_000);
  if (p.alarms?.topicArn && p.alarms.enabled === false) fail('alarms.topicArn given but alarms.enabled is false');
  validateAlarmsOption(p.alarms, fail);
}
