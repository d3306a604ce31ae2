import { Token } from 'cdktf';
import { INDEX_PREFIX_RULE, LOG_GROUP_NAME_RULE } from '../../functions/shared/contract';
import { SHIPPER_DEFAULTS } from '../../functions/shipper/contract';
import { validateAlarmsOption, type AlarmsOption } from '../common/alarms';
import { LOG_RETENTION_DAYS, type FunctionOptions } from '../common/bundled-function';
import { DEAD_LETTER_DEFAULTS, validateDeadLetter, type DeadLetterOptions } from '../common/dead-letter';
import type { PolicyStatement } from '../common/iam';
import { validateEventSource } from '../common/kinesis-event-source';
import { validateOpenSearchTarget, type OpenSearchTarget } from '../common/opensearch-target';
import { checkInt, checkIntRule, checkName, checkOneOf, failFor, isLiteral, type IntRule } from '../common/validation';

export type { DeadLetterOptions, FunctionOptions, OpenSearchTarget };

/** Sends log groups whose name matches `logGroupPattern` (`*` wildcards) to indices named `indexPrefix-…`. */
export interface IndexRule {
  readonly logGroupPattern: string;
  readonly indexPrefix: string;
}

/** The shipper's target: an OpenSearchTarget plus how log groups map to indices and fields to documents. */
export interface ShipperTarget extends OpenSearchTarget {
  /** Per-log-group index prefixes, first match wins. @default none (every group → `indexPrefix`, default 'cwl') */
  readonly indexRules?: IndexRule[];
  /** Passed to the shipper as FIELD_PLACEMENT (see functions/shipper/README.md). @default 'nested' */
  readonly fieldPlacement?: string;
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

export interface PipelineAlarmOptions extends AlarmsOption {
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
  readonly opensearch: ShipperTarget;
  /** The shipper function. @default `<name>-shipper`, 512 MB, 60 s */
  readonly shipper?: FunctionOptions;
  readonly eventSource?: EventSourceOptions;
  readonly failureQueue?: FailureQueueOptions;
  readonly deadLetter?: DeadLetterOptions;
  /** @default alarms on, no topic */
  readonly alarms?: PipelineAlarmOptions;
  /** Statements added to the shipper's role policy (e.g. a KMS key your OpenSearch setup needs). @default none */
  readonly extraPolicyStatements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

/** Kinesis retention of a created stream, hours. */
export const STREAM_RETENTION_HOURS_RULE: IntRule = { min: 24, max: 8760, unit: ' hours' };
/** Retention of a created failure queue, seconds (SQS bounds). */
export const QUEUE_RETENTION_SECONDS_RULE: IntRule = { min: 60, max: 1_209_600, unit: ' s' };

/** Every default, in one place (the README's "Default settings" table lists these). */
export const DEFAULTS = {
  filterPattern: '',
  streamMode: 'ON_DEMAND',
  retentionHours: 24,
  service: SHIPPER_DEFAULTS.service,
  indexPrefix: SHIPPER_DEFAULTS.indexPrefix,
  maxBulkBytes: SHIPPER_DEFAULTS.maxBulkBytes,
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
  deadLetterPrefix: DEAD_LETTER_DEFAULTS.prefix,
  deadLetterExpirationDays: DEAD_LETTER_DEFAULTS.expirationDays,
  iteratorAgeThresholdMs: 300_000,
} as const;

const fail = failFor('LogPipeline');
const literal = isLiteral;

/** Throws a clear error naming the first invalid prop. */
export function validate(p: LogPipelineProps): void {
  checkName(fail, p.name);
  const shipperName = p.shipper?.functionName ?? `${p.name}-shipper`;

  // Sources
  if (p.logGroupNames && p.accountPolicy) fail('give logGroupNames or accountPolicy, not both (the account policy already covers every log group)');
  if (!p.logGroupNames && !p.accountPolicy && !p.crossAccount) fail('no log source: give logGroupNames, accountPolicy or crossAccount');
  // A whole list given as a Terraform variable (the registry module) is checked by its validation.
  if (p.logGroupNames && !Token.isUnresolved(p.logGroupNames)) {
    if (p.logGroupNames.length === 0) fail('logGroupNames is empty');
    const seen = new Set<string>();
    for (const g of p.logGroupNames) {
      if (seen.has(g)) fail(`logGroupNames lists "${g}" twice`);
      seen.add(g);
      if (literal(g) && !LOG_GROUP_NAME_RULE.pattern.test(g)) fail(`logGroupNames: "${g}" is not a valid log group name (${LOG_GROUP_NAME_RULE.describe})`);
      if (g === `/aws/lambda/${shipperName}`) fail(`logGroupNames must not include the shipper's own log group ${g} (feedback loop)`);
    }
  }
  for (const g of p.accountPolicy?.excludeLogGroupNames ?? []) {
    // Written into the selection criteria string, which cannot hold Terraform references.
    if (!literal(g) || !LOG_GROUP_NAME_RULE.pattern.test(g)) fail(`accountPolicy.excludeLogGroupNames: "${g}" is not a literal log group name (${LOG_GROUP_NAME_RULE.describe})`);
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
    checkInt(fail, 'stream.shardCount', s.shardCount, 1, 10_000);
  } else if (s.shardCount !== undefined) {
    fail('stream.shardCount applies only to PROVISIONED streams (ON_DEMAND scales itself)');
  }
  checkIntRule(fail, 'stream.retentionHours', s.retentionHours, STREAM_RETENTION_HOURS_RULE);

  // Target
  const os = p.opensearch;
  validateOpenSearchTarget(os, fail);
  for (const r of os.indexRules ?? []) {
    if (!r.logGroupPattern) fail('opensearch.indexRules: logGroupPattern must not be empty');
    if (!INDEX_PREFIX_RULE.pattern.test(r.indexPrefix)) fail(`opensearch.indexRules: indexPrefix "${r.indexPrefix}" must be ${INDEX_PREFIX_RULE.describe}`);
  }

  // Shipper (BundledFunction validates memory, timeout, retention, concurrency, VPC)
  checkOneOf(fail, 'shipper.logRetentionDays', p.shipper?.logRetentionDays, LOG_RETENTION_DAYS);

  // Event source mapping: finite retries and record age, always
  const e = p.eventSource ?? {};
  validateEventSource(e, fail);
  // With either value a Terraform variable the module's variable validation carries the check.
  if (s.existingStreamArn === undefined && !Token.isUnresolved(s.retentionHours) && !Token.isUnresolved(e.maximumRecordAgeSeconds)) {
    const retentionS = (s.retentionHours ?? DEFAULTS.retentionHours) * 3600;
    const age = e.maximumRecordAgeSeconds ?? DEFAULTS.maximumRecordAgeSeconds;
    if (age > retentionS) {
      fail(`eventSource.maximumRecordAgeSeconds (${age}) exceeds the stream retention (${retentionS} s): records would expire before reaching the failure queue`);
    }
  }

  // Failure queue
  const q = p.failureQueue ?? {};
  if (q.existingQueue && q.retentionSeconds !== undefined) fail('failureQueue.retentionSeconds applies only to a created queue');
  checkIntRule(fail, 'failureQueue.retentionSeconds', q.retentionSeconds, QUEUE_RETENTION_SECONDS_RULE);
  if (q.existingQueue && literal(q.existingQueue.arn) && !/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/.test(q.existingQueue.arn)) {
    fail(`failureQueue.existingQueue.arn is not an SQS queue ARN: "${q.existingQueue.arn}"`);
  }

  validateDeadLetter(p.deadLetter, fail);

  // Alarms
  if (p.alarms) checkInt(fail, 'alarms.iteratorAgeThresholdMs', p.alarms.iteratorAgeThresholdMs, 1000, 604_800_000, ' ms');
  validateAlarmsOption(p.alarms, fail);
}

/** The event source mapping's defaults, as the shared builder (modules/common/kinesis-event-source.ts) takes them. */
export const EVENT_SOURCE_DEFAULTS: Required<EventSourceOptions> = {
  batchSize: DEFAULTS.batchSize,
  maxBatchingWindowSeconds: DEFAULTS.maxBatchingWindowSeconds,
  parallelizationFactor: DEFAULTS.parallelizationFactor,
  startingPosition: DEFAULTS.startingPosition,
  maximumRetryAttempts: DEFAULTS.maximumRetryAttempts,
  maximumRecordAgeSeconds: DEFAULTS.maximumRecordAgeSeconds,
};
