import { KEY_PREFIX_RULE } from '../../functions/shared/contract';
import { PEXIP_DEFAULTS } from '../../functions/pexip-wrangler/contract';
import { validateAlarmsOption, type AlarmsOption } from '../common/alarms';
import { LOG_RETENTION_DAYS, type FunctionOptions } from '../common/bundled-function';
import { validateDeadLetter, type DeadLetterOptions } from '../common/dead-letter';
import { STORAGE_CLASSES } from '../common/hardened-bucket';
import { validateEventSource } from '../common/kinesis-event-source';
import type { PolicyStatement } from '../common/iam';
import { validateOpenSearchTarget, type OpenSearchTarget } from '../common/opensearch-target';
import { checkInt, checkName, checkOneOf, failFor, isLiteral } from '../common/validation';
import { DEFAULTS as PIPELINE_DEFAULTS, type EventSourceOptions, type FailureQueueOptions, type StreamOptions } from '../log-pipeline/props';
import { AGENT_DEFAULTS, HOST_GLOB_PATTERN, type AgentOptions } from './agent';

export type { AgentOptions, DeadLetterOptions, EventSourceOptions, FailureQueueOptions, FunctionOptions, OpenSearchTarget, StreamOptions };

export interface ExportOptions {
  /** `false`: no S3 export. @default true */
  readonly enabled?: boolean;
  /** Use this bucket instead of creating one. */
  readonly existingBucket?: { readonly name: string; readonly kmsKeyArn?: string };
  /** Key prefix (relative, ends with `/`). @default 'pexip/' */
  readonly prefix?: string;
  /** Days after which the created bucket deletes exported objects. @default 365 */
  readonly expirationDays?: number;
  /** Storage class moves of the created bucket, e.g. `[{ days: 30, storageClass: 'STANDARD_IA' }]`. @default none */
  readonly transitions?: { readonly days: number; readonly storageClass: (typeof STORAGE_CLASSES)[number] }[];
}

export interface JsonCopyOptions {
  /** `false`: no `_JSON` groups, no copy. @default true */
  readonly enabled?: boolean;
  /** Replaces `_RAW` in the group names. @default '_JSON' */
  readonly suffix?: string;
  /** Retention of the JSON groups, days (one of CloudWatch's values). @default 90 */
  readonly retentionDays?: number;
}

export interface PexipIngestProps {
  /** Names every resource (`<name>-wrangler`, ...): 3..32 lowercase letters, digits and hyphens. */
  readonly name: string;
  /** Which Pexip syslog checkboxes you use besides the support log. @default both true */
  readonly kinds?: {
    /** The audit log (auditd via audispd): its RAW and JSON groups. @default true */
    readonly audit?: boolean;
    /** The web server log (Apache): its RAW and JSON groups. @default true */
    readonly web?: boolean;
  };
  /** Retention of the RAW groups, days. @default 30 */
  readonly rawRetentionDays?: number;
  readonly jsonCopy?: JsonCopyOptions;
  readonly export?: ExportOptions;
  /** OpenSearch target. @default none (no indexing) */
  readonly opensearch?: OpenSearchTarget;
  readonly stream?: StreamOptions;
  /** Key for the groups, stream, queue and buckets. @default a created key with rotation on */
  readonly kmsKeyArn?: string;
  /** The wrangler function. @default `<name>-wrangler`, 1024 MB, 120 s */
  readonly wrangler?: FunctionOptions;
  readonly eventSource?: EventSourceOptions;
  readonly failureQueue?: FailureQueueOptions;
  readonly deadLetter?: DeadLetterOptions;
  /** @default alarms on, no topic */
  readonly alarms?: AlarmsOption & { readonly iteratorAgeThresholdMs?: number };
  /** Host folders the generated agent configuration reads. */
  readonly agent?: AgentOptions;
  /** Statements added to the wrangler's role policy. @default none */
  readonly extraPolicyStatements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

/** Every default, in one place (the README's "Default settings" table lists these). */
const P = PIPELINE_DEFAULTS;

/** Every default, in one place (the README's "Default settings" table lists these); stream, event source and queue settings are the log pipeline's. */
export const DEFAULTS = {
  audit: true,
  web: true,
  rawRetentionDays: 30,
  jsonCopy: true,
  jsonSuffix: '_JSON',
  jsonRetentionDays: 90,
  export: true,
  exportPrefix: PEXIP_DEFAULTS.exportPrefix,
  exportExpirationDays: 365,
  indexPrefix: PEXIP_DEFAULTS.indexPrefix,
  maxBulkBytes: PEXIP_DEFAULTS.maxBulkBytes,
  streamMode: P.streamMode,
  retentionHours: P.retentionHours,
  // A 6 MB batch of Pexip lines is ~50 MB of text (bench/pexip.bench.ts measures the handler's peak memory on it).
  memorySize: 1024,
  timeout: 120,
  logLevel: P.logLevel,
  logRetentionDays: P.logRetentionDays,
  batchSize: P.batchSize,
  maxBatchingWindowSeconds: P.maxBatchingWindowSeconds,
  parallelizationFactor: P.parallelizationFactor,
  startingPosition: P.startingPosition,
  maximumRetryAttempts: P.maximumRetryAttempts,
  maximumRecordAgeSeconds: P.maximumRecordAgeSeconds,
  queueRetentionSeconds: P.queueRetentionSeconds,
  deadLetterPrefix: P.deadLetterPrefix,
  iteratorAgeThresholdMs: P.iteratorAgeThresholdMs,
  ...AGENT_DEFAULTS,
} as const;

const fail = failFor('PexipIngest');

/** Throws a clear error naming the first invalid prop. */
export function validate(p: PexipIngestProps): void {
  checkName(fail, p.name);
  const retention = (what: string, v: number | undefined): void => checkOneOf(fail, what, v, LOG_RETENTION_DAYS);
  retention('rawRetentionDays', p.rawRetentionDays);
  retention('jsonCopy.retentionDays', p.jsonCopy?.retentionDays);
  retention('wrangler.logRetentionDays', p.wrangler?.logRetentionDays);
  const suffix = p.jsonCopy?.suffix;
  if (suffix !== undefined && (!/^[\w\-.#]{1,50}$/.test(suffix) || suffix === '_RAW')) fail(`jsonCopy.suffix must be 1..50 of a-z, A-Z, 0-9, _ - . # and not _RAW, got "${suffix}"`);
  const x = p.export ?? {};
  if (x.prefix !== undefined && isLiteral(x.prefix) && !KEY_PREFIX_RULE.pattern.test(x.prefix)) fail(`export.prefix must be ${KEY_PREFIX_RULE.describe}, got "${x.prefix}"`);
  if (x.existingBucket && (x.expirationDays !== undefined || x.transitions)) fail('export.expirationDays and transitions apply only to a created bucket');
  checkInt(fail, 'export.expirationDays', x.expirationDays, 1, 36_500, ' days');
  for (const t of x.transitions ?? []) {
    if (!(STORAGE_CLASSES as readonly string[]).includes(t.storageClass)) fail(`export.transitions: storageClass must be one of ${STORAGE_CLASSES.join(', ')}, got "${t.storageClass}"`);
    checkInt(fail, 'export.transitions.days', t.days, 1, 36_500, ' days');
  }
  if (x.enabled === false && p.jsonCopy?.enabled === false && !p.opensearch) fail('nothing to do: the S3 export and the JSON copy are off and there is no opensearch target');
  if (p.opensearch) validateOpenSearchTarget(p.opensearch, fail);
  validateDeadLetter(p.deadLetter, fail);
  validateAlarmsOption(p.alarms, fail);
  validateEventSource(p.eventSource, fail);
  for (const h of [...(p.agent?.managementNodeHosts ?? []), ...(p.agent?.conferencingNodeHosts ?? [])]) {
    if (!HOST_GLOB_PATTERN.test(h)) fail(`agent hosts must be host folder names or globs (${HOST_GLOB_PATTERN}), got "${h}"`);
  }
}
