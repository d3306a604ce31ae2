import { Token } from 'cdktf';
import { NAME_PATTERN } from './names';
import { ApplicationLogLevel, BundledFunctionVpc, LOG_RETENTION_DAYS } from '../common/bundled-function';

/** Sends log groups whose name matches `logGroupPattern` (`*` wildcards) to indices named `indexPrefix-…`. */
export interface IndexRule {
  readonly logGroupPattern: string;
  readonly indexPrefix: string;
}

export interface OpenSearchTarget {
  /** HTTPS endpoint of the domain or collection, e.g. `https://search-x.eu-west-1.es.amazonaws.com`. */
  readonly endpoint: string;
  /** `es` for an OpenSearch Service domain, `aoss` for a Serverless collection. @default 'es' */
  readonly service?: 'es' | 'aoss';
  /** Domain ARN (service `es`); IAM allows es:ESHttpPost/ESHttpPut on `<domainArn>/*` only. */
  readonly domainArn?: string;
  /** Collection ARN (service `aoss`); IAM allows aoss:APIAccessAll on it only. */
  readonly collectionArn?: string;
  /** Index prefix for log groups no rule matches. @default 'cwl' */
  readonly indexPrefix?: string;
  /** Per-log-group index prefixes, first match wins. @default none */
  readonly indexRules?: IndexRule[];
  /** Passed to the shipper as FIELD_PLACEMENT (see functions/shipper/README.md). @default unset */
  readonly fieldPlacement?: string;
  /** Upper bound of one `_bulk` request body, bytes. @default 5 MiB (below every domain's 10 MiB minimum limit) */
  readonly maxBulkBytes?: number;
}

export interface StreamOptions {
  /** Use this stream instead of creating one. */
  readonly existingStreamArn?: string;
  /** KMS key encrypting the existing stream (grants kms:GenerateDataKey/Decrypt on it). @default none (unencrypted or AWS-managed key) */
  readonly existingStreamKmsKeyArn?: string;
  /** @default 'ON_DEMAND' */
  readonly mode?: 'ON_DEMAND' | 'PROVISIONED';
  /** Shards, PROVISIONED only. */
  readonly shardCount?: number;
  /** Retention, hours, 24..8760. @default 24 */
  readonly retentionHours?: number;
}

export interface ShipperOptions {
  /** @default `<name>-shipper` */
  readonly functionName?: string;
  /** @default 'nodejs22.x' */
  readonly runtime?: string;
  /** @default 'arm64' */
  readonly architecture?: 'arm64' | 'x86_64';
  /** MB. @default 512 */
  readonly memorySize?: number;
  /** Seconds. @default 60 */
  readonly timeout?: number;
  /** @default 'INFO' */
  readonly logLevel?: ApplicationLogLevel;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default none */
  readonly reservedConcurrency?: number;
  /** Run in a VPC (e.g. for a VPC-only domain). @default not in a VPC */
  readonly vpc?: BundledFunctionVpc;
}

export interface EventSourceOptions {
  /** Kinesis records per invocation, 1..10000. @default 100 */
  readonly batchSize?: number;
  /** Seconds to gather a batch, 0..300. @default 5 */
  readonly maxBatchingWindowSeconds?: number;
  /** Concurrent batches per shard, 1..10. @default 1 */
  readonly parallelizationFactor?: number;
  /** @default 'TRIM_HORIZON' (records written before the mapping existed are shipped too) */
  readonly startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Retries of a failing batch, 0..10000. @default 10 */
  readonly maximumRetryAttempts?: number;
  /** Age after which a record is sent to the failure queue, 60..604800 s. @default 21600 (6 h) */
  readonly maximumRecordAgeSeconds?: number;
}

export interface FailureQueueOptions {
  /** Use this queue as the on-failure destination instead of creating one. */
  readonly existingQueue?: { readonly arn: string; readonly url: string; readonly kmsKeyArn?: string };
  /** Retention of the created queue, 60..1209600 s. @default 1209600 (14 days) */
  readonly retentionSeconds?: number;
}

export interface DeadLetterOptions {
  /** Use this bucket instead of creating one. */
  readonly existingBucket?: { readonly name: string; readonly kmsKeyArn?: string };
  /** Key prefix of dead-letter objects; ends with `/`. @default 'dead-letter/' */
  readonly prefix?: string;
  /** Days after which the created bucket deletes dead-letter objects. @default 90 */
  readonly expirationDays?: number;
}

export interface AlarmOptions {
  /** SNS topic notified on ALARM and OK. @default none (alarms visible in the console only) */
  readonly topicArn?: string;
  /** Iterator age alarm threshold, ms. @default 300000 (5 minutes behind) */
  readonly iteratorAgeThresholdMs?: number;
}

export interface LogPipelineProps {
  /** Names every resource (`<name>-shipper`, ...): 3..32 lowercase letters, digits and hyphens. */
  readonly name: string;
  /** Log groups in this account to subscribe. Mutually exclusive with `accountPolicy`. */
  readonly logGroupNames?: string[];
  /** Subscribe every log group of this account (account-level subscription filter policy). */
  readonly accountPolicy?: { readonly excludeLogGroupNames?: string[] };
  /** Accept logs from other accounts through a CloudWatch Logs destination. */
  readonly crossAccount?: { readonly sourceAccountIds: string[] };
  /** CloudWatch Logs filter pattern of this account's subscriptions. @default '' (every event) */
  readonly filterPattern?: string;
  readonly stream?: StreamOptions;
  /** Key for stream, queue, bucket and log group. @default a created key with rotation on */
  readonly kmsKeyArn?: string;
  readonly opensearch: OpenSearchTarget;
  readonly shipper?: ShipperOptions;
  readonly eventSource?: EventSourceOptions;
  readonly failureQueue?: FailureQueueOptions;
  readonly deadLetter?: DeadLetterOptions;
  /** `false` creates no alarms. @default alarms on, no topic */
  readonly alarms?: AlarmOptions | false;
  readonly tags?: Record<string, string>;
}

/** Every default, in one place (the README's "Default settings" table lists these). */
export const DEFAULTS = {
  filterPattern: '',
  streamMode: 'ON_DEMAND',
  retentionHours: 24,
  service: 'es',
  indexPrefix: 'cwl',
  maxBulkBytes: 5 * 1024 * 1024,
  memorySize: 512,
  timeout: 60,
  logLevel: 'INFO',
  logRetentionDays: 30,
  batchSize: 100,
  maxBatchingWindowSeconds: 5,
  parallelizationFactor: 1,
  startingPosition: 'TRIM_HORIZON',
  maximumRetryAttempts: 10,
  maximumRecordAgeSeconds: 21_600,
  queueRetentionSeconds: 1_209_600,
  deadLetterPrefix: 'dead-letter/',
  deadLetterExpirationDays: 90,
  iteratorAgeThresholdMs: 300_000,
  keyDeletionWindowDays: 30,
} as const;

const literal = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);

function fail(message: string): never {
  throw new Error(`LogPipeline: ${message}`);
}

function checkInt(what: string, v: number | undefined, min: number, max: number, unit = ''): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < min || v > max) fail(`${what} must be an integer ${min}..${max}${unit}, got ${v}`);
}

/** Throws a clear error naming the first invalid prop. */
export function validate(p: LogPipelineProps): void {
  if (!literal(p.name) || !NAME_PATTERN.test(p.name)) {
    fail(`name must be 3..32 lowercase letters, digits or hyphens, starting with a letter (it names every resource), got "${p.name}"`);
  }
  const shipperName = p.shipper?.functionName ?? `${p.name}-shipper`;

  // Sources
  if (p.logGroupNames && p.accountPolicy) fail('give logGroupNames or accountPolicy, not both (the account policy already covers every log group)');
  if (!p.logGroupNames && !p.accountPolicy && !p.crossAccount) fail('no log source: give logGroupNames, accountPolicy or crossAccount');
  if (p.logGroupNames) {
    if (p.logGroupNames.length === 0) fail('logGroupNames is empty');
    const seen = new Set<string>();
    for (const g of p.logGroupNames) {
      if (seen.has(g)) fail(`logGroupNames lists "${g}" twice`);
      seen.add(g);
      if (literal(g) && !/^[\w\-./#]{1,512}$/.test(g)) fail(`logGroupNames: "${g}" is not a valid log group name`);
      if (g === `/aws/lambda/${shipperName}`) fail(`logGroupNames must not include the shipper's own log group ${g} (feedback loop)`);
    }
  }
  for (const g of p.accountPolicy?.excludeLogGroupNames ?? []) {
    // Written into the selection criteria string, which cannot hold Terraform references.
    if (!literal(g) || !/^[\w\-./#]{1,512}$/.test(g)) fail(`accountPolicy.excludeLogGroupNames: "${g}" is not a literal log group name`);
  }
  if (p.crossAccount) {
    if (p.crossAccount.sourceAccountIds.length === 0) fail('crossAccount.sourceAccountIds is empty');
    for (const id of p.crossAccount.sourceAccountIds) {
      if (literal(id) && !/^\d{12}$/.test(id)) fail(`crossAccount.sourceAccountIds: "${id}" is not a 12-digit account id`);
    }
  }

  // Stream
  const s = p.stream ?? {};
  if (s.existingStreamArn !== undefined) {
    if (s.mode || s.shardCount !== undefined || s.retentionHours !== undefined) {
      fail('stream.mode, shardCount and retentionHours apply only to a created stream, not to existingStreamArn');
    }
    if (literal(s.existingStreamArn) && !/^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[\w.-]+$/.test(s.existingStreamArn)) {
      fail(`stream.existingStreamArn is not a Kinesis stream ARN: "${s.existingStreamArn}"`);
    }
  } else if (s.existingStreamKmsKeyArn !== undefined) {
    fail('stream.existingStreamKmsKeyArn applies only with existingStreamArn');
  }
  if ((s.mode ?? DEFAULTS.streamMode) === 'PROVISIONED') {
    if (s.shardCount === undefined) fail('stream.shardCount is required when stream.mode is PROVISIONED');
    checkInt('stream.shardCount', s.shardCount, 1, 10_000);
  } else if (s.shardCount !== undefined) {
    fail('stream.shardCount applies only to PROVISIONED streams (ON_DEMAND scales itself)');
  }
  checkInt('stream.retentionHours', s.retentionHours, 24, 8760, ' hours');

  // Target
  const os = p.opensearch;
  if (literal(os.endpoint) && !/^https:\/\/[a-z0-9.-]+(:\d+)?\/?$/.test(os.endpoint)) {
    fail(`opensearch.endpoint must be an https:// URL without a path, got "${os.endpoint}"`);
  }
  const service = os.service ?? DEFAULTS.service;
  if (service === 'es') {
    if (os.domainArn === undefined) fail('opensearch.domainArn is required for service "es" (IAM is scoped to it)');
    if (os.collectionArn !== undefined) fail('opensearch.collectionArn applies only to service "aoss"');
    if (literal(os.domainArn) && !/^arn:aws[a-z-]*:es:[a-z0-9-]+:\d{12}:domain\/[a-z][a-z0-9-]{2,27}$/.test(os.domainArn)) {
      fail(`opensearch.domainArn is not an OpenSearch domain ARN: "${os.domainArn}"`);
    }
  } else if (service === 'aoss') {
    if (os.collectionArn === undefined) fail('opensearch.collectionArn is required for service "aoss" (IAM is scoped to it)');
    if (os.domainArn !== undefined) fail('opensearch.domainArn applies only to service "es"');
    if (literal(os.collectionArn) && !/^arn:aws[a-z-]*:aoss:[a-z0-9-]+:\d{12}:collection\/[a-z0-9]+$/.test(os.collectionArn)) {
      fail(`opensearch.collectionArn is not an OpenSearch Serverless collection ARN: "${os.collectionArn}"`);
    }
  } else {
    fail(`opensearch.service must be "es" or "aoss", got "${String(service)}"`);
  }
  const indexName = /^[a-z0-9][a-z0-9_-]{0,100}$/;
  if (os.indexPrefix !== undefined && !indexName.test(os.indexPrefix)) {
    fail(`opensearch.indexPrefix must be lowercase letters, digits, - or _ (OpenSearch index naming), got "${os.indexPrefix}"`);
  }
  for (const r of os.indexRules ?? []) {
    if (!r.logGroupPattern) fail('opensearch.indexRules: logGroupPattern must not be empty');
    if (!indexName.test(r.indexPrefix)) fail(`opensearch.indexRules: indexPrefix "${r.indexPrefix}" must be lowercase letters, digits, - or _`);
  }
  checkInt('opensearch.maxBulkBytes', os.maxBulkBytes, 1024, 100 * 1024 * 1024, ' bytes');

  // Shipper (BundledFunction validates memory, timeout, retention, concurrency, VPC)
  if (p.shipper?.logRetentionDays !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(p.shipper.logRetentionDays)) {
    fail(`shipper.logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${p.shipper.logRetentionDays}`);
  }

  // Event source mapping: finite retries and record age, always
  const e = p.eventSource ?? {};
  checkInt('eventSource.batchSize', e.batchSize, 1, 10_000);
  checkInt('eventSource.maxBatchingWindowSeconds', e.maxBatchingWindowSeconds, 0, 300, ' s');
  checkInt('eventSource.parallelizationFactor', e.parallelizationFactor, 1, 10);
  checkInt('eventSource.maximumRetryAttempts', e.maximumRetryAttempts, 0, 10_000, ' (finite: -1 is refused)');
  checkInt('eventSource.maximumRecordAgeSeconds', e.maximumRecordAgeSeconds, 60, 604_800, ' s (finite: -1 is refused)');
  if (s.existingStreamArn === undefined) {
    const retentionS = (s.retentionHours ?? DEFAULTS.retentionHours) * 3600;
    const age = e.maximumRecordAgeSeconds ?? DEFAULTS.maximumRecordAgeSeconds;
    if (age > retentionS) {
      fail(`eventSource.maximumRecordAgeSeconds (${age}) exceeds the stream retention (${retentionS} s): records would expire before reaching the failure queue`);
    }
  }

  // Failure queue
  const q = p.failureQueue ?? {};
  if (q.existingQueue && q.retentionSeconds !== undefined) fail('failureQueue.retentionSeconds applies only to a created queue');
  checkInt('failureQueue.retentionSeconds', q.retentionSeconds, 60, 1_209_600, ' s');
  if (q.existingQueue && literal(q.existingQueue.arn) && !/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/.test(q.existingQueue.arn)) {
    fail(`failureQueue.existingQueue.arn is not an SQS queue ARN: "${q.existingQueue.arn}"`);
  }

  // Dead-letter bucket
  const d = p.deadLetter ?? {};
  if (d.prefix !== undefined && !/^[\w!.*'()-][\w!.*'()/-]*\/$/.test(d.prefix)) {
    fail(`deadLetter.prefix must be a relative S3 key prefix ending with "/", got "${d.prefix}"`);
  }
  if (d.existingBucket && d.expirationDays !== undefined) fail('deadLetter.expirationDays applies only to a created bucket');
  checkInt('deadLetter.expirationDays', d.expirationDays, 1, 36_500, ' days');
  if (d.existingBucket && literal(d.existingBucket.name) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(d.existingBucket.name)) {
    fail(`deadLetter.existingBucket.name is not a bucket name: "${d.existingBucket.name}"`);
  }

  // Alarms
  if (p.alarms) checkInt('alarms.iteratorAgeThresholdMs', p.alarms.iteratorAgeThresholdMs, 1000, 604_800_000, ' ms');
}
