import type { BundledFunctionVpc } from '../common/bundled-function';

export interface ElbLifecycleTransition {
  /** Days after creation. */
  readonly days: number;
  /** e.g. `STANDARD_IA`, `INTELLIGENT_TIERING`, `GLACIER_IR`. */
  readonly storageClass: string;
}

export interface ElbProcessorProps {
  /** Region of the bucket and the load balancers (decides the ELB principal of the bucket policy). Must be a literal. */
  readonly region: string;
  /** OpenSearch endpoint URL (`https://search-…` or a Serverless collection endpoint). */
  readonly opensearchEndpoint: string;
  /** ARN of the domain (`arn:aws:es:…:domain/name`) or collection (`arn:aws:aoss:…:collection/id`), for IAM. */
  readonly opensearchArn: string;
  /** `es` (OpenSearch Service) or `aoss` (Serverless). @default 'es' */
  readonly opensearchService?: 'es' | 'aoss';
  /** Index prefix: documents go to `<prefix>-<type>-YYYY.MM.DD`, failed lines to `<prefix>-failed`. @default 'elb' */
  readonly indexPrefix?: string;

  /** Use this existing bucket instead of creating one (its policy, encryption and lifecycle stay yours). */
  readonly existingBucketName?: string;
  /** Name of the created bucket. @default generated from `elb-logs-` */
  readonly bucketName?: string;
  /** Let `terraform destroy` delete a non-empty created bucket. @default false */
  readonly forceDestroy?: boolean;
  /** The prefix configured on the load balancers (no leading or trailing `/`, may not contain `AWSLogs`). @default '' (none) */
  readonly logPrefix?: string;
  /** Days after which log objects expire (created bucket only). @default 7 */
  readonly expirationDays?: number;
  /** Storage-class transitions before expiry (created bucket only). @default none */
  readonly transitions?: ElbLifecycleTransition[];

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
  readonly metadata?: { environment?: string; component?: string; application?: string };

  /** Function name. @default 'elb-processor' */
  readonly functionName?: string;
  /** MB. Memory is flat in file size (see README); more memory also buys CPU. @default 512 */
  readonly memorySize?: number;
  /** Seconds. Files of several GB take minutes. @default 900 */
  readonly timeout?: number;
  /** @default none */
  readonly reservedConcurrency?: number;
  /** Run in a VPC (for a VPC-only OpenSearch domain). @default not in a VPC */
  readonly vpc?: BundledFunctionVpc;
  /** Log retention of the function's log group. @default 30 */
  readonly logRetentionDays?: number;
  /** Asynchronous-invocation retries after a failed invocation (transient indexing failures). @default 2 */
  readonly retryAttempts?: number;
  /** SQS queue / SNS topic / Lambda / bus ARN receiving events that failed every retry. @default none */
  readonly onFailureDestinationArn?: string;
  /** Bucket (name) for documents OpenSearch rejects permanently. @default none (rejections are logged and counted) */
  readonly deadLetterBucketName?: string;

  /** Create CloudWatch alarms. @default true */
  readonly alarms?: boolean;
  /** SNS topic for alarm actions. @default none */
  readonly alarmTopicArn?: string;
  /** Failed (unparsable) lines per 5 minutes that raise the alarm. @default 1 */
  readonly failedLinesThreshold?: number;
  readonly tags?: Record<string, string>;
}

export const ELB_PROCESSOR_DEFAULTS = {
  opensearchService: 'es',
  indexPrefix: 'elb',
  forceDestroy: false,
  logPrefix: '',
  expirationDays: 7,
  notification: 's3',
  functionName: 'elb-processor',
  memorySize: 512,
  timeout: 900,
  logRetentionDays: 30,
  retryAttempts: 2,
  alarms: true,
  failedLinesThreshold: 1,
} as const;

const STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'];

export function validateElbProcessorProps(p: ElbProcessorProps): void {
  const fail = (msg: string): never => {
    throw new Error(`ElbProcessor: ${msg}`);
  };
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(p.region)) fail(`region must be a literal region name such as eu-west-1, got "${p.region}"`);
  if (!p.opensearchEndpoint) fail('opensearchEndpoint is required');
  if (!p.opensearchArn) fail('opensearchArn is required');
  if (p.opensearchService && p.opensearchService !== 'es' && p.opensearchService !== 'aoss') fail(`opensearchService must be "es" or "aoss", got "${p.opensearchService}"`);
  if (p.indexPrefix !== undefined && !/^[a-z0-9][a-z0-9_.-]{0,100}$/.test(p.indexPrefix)) fail(`indexPrefix must be a lower-case index name prefix, got "${p.indexPrefix}"`);
  if (p.existingBucketName && p.bucketName) fail('give existingBucketName or bucketName, not both');
  if (p.existingBucketName && (p.expirationDays !== undefined || p.transitions || p.forceDestroy !== undefined))
    fail('expirationDays, transitions and forceDestroy apply only to a created bucket');
  if (p.logPrefix !== undefined) {
    if (p.logPrefix.startsWith('/') || p.logPrefix.endsWith('/')) fail(`logPrefix must not start or end with "/", got "${p.logPrefix}"`);
    if (p.logPrefix.includes('AWSLogs')) fail('logPrefix may not contain "AWSLogs" (ELB refuses such prefixes)');
  }
  if (p.expirationDays !== undefined && !(Number.isInteger(p.expirationDays) && p.expirationDays >= 1)) fail(`expirationDays must be an integer >= 1, got ${p.expirationDays}`);
  for (const t of p.transitions ?? []) {
    if (!STORAGE_CLASSES.includes(t.storageClass)) fail(`transitions: unknown storageClass "${t.storageClass}" (one of ${STORAGE_CLASSES.join(', ')})`);
    if (!(Number.isInteger(t.days) && t.days >= 0)) fail(`transitions: days must be an integer >= 0, got ${t.days}`);
    const expiry = p.expirationDays ?? ELB_PROCESSOR_DEFAULTS.expirationDays;
    if (t.days >= expiry) fail(`transitions: a transition after ${t.days} days never happens with expirationDays ${expiry}`);
  }
  if (p.notification && p.notification !== 's3' && p.notification !== 'eventbridge') fail(`notification must be "s3" or "eventbridge", got "${p.notification}"`);
  if (p.enableBucketEventBridge !== undefined && p.notification !== 'eventbridge') fail('enableBucketEventBridge applies only with notification: "eventbridge"');
  if (p.retryAttempts !== undefined && !(Number.isInteger(p.retryAttempts) && p.retryAttempts >= 0 && p.retryAttempts <= 2)) fail(`retryAttempts must be 0..2, got ${p.retryAttempts}`);
  if (p.failedLinesThreshold !== undefined && !(Number.isInteger(p.failedLinesThreshold) && p.failedLinesThreshold >= 1)) fail(`failedLinesThreshold must be an integer >= 1, got ${p.failedLinesThreshold}`);
  if (p.alarmTopicArn && p.alarms === false) fail('alarmTopicArn given but alarms is false');
}
