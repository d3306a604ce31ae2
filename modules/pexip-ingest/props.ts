import { LOG_GROUP_PART_RULE, PEXIP_DEFAULTS } from '../../functions/pexip-wrangler/contract';
import { KEY_PREFIX_RULE } from '../../functions/shared/contract';
import type { AlarmsOption } from '../common/alarms';
import { LOG_RETENTION_DAYS, type FunctionOptions } from '../common/bundled-function';
import { validateDeadLetter, type DeadLetterOptions } from '../common/dead-letter';
import { STORAGE_CLASSES } from '../common/hardened-bucket';
import type { PolicyStatement } from '../common/iam';
import { validateOpenSearchTarget, type OpenSearchTarget } from '../common/opensearch-target';
import { checkInt, checkName, failFor, isLiteral } from '../common/validation';
import type { EventSourceOptions, StreamOptions } from '../log-pipeline/props';

/** A Pexip node whose syslog folder the CloudWatch agent tails. */
export interface PexipNode {
  /** The folder rsyslog writes for the node: `/var/log/syslog/<host>/` (wildcards allowed, e.g. `pxpconf*`). */
  readonly host: string;
  /** The log stream, as the original project named them by node role. */
  readonly role: 'management' | 'conferencing';
}

export interface PexipExportOptions {
  /** `false`: no S3 export. @default true */
  readonly enabled?: boolean;
  /** Use this bucket instead of creating one (its policy and encryption stay yours). */
  readonly existingBucketName?: string;
  /** Key prefix of the export; ends with `/`. @default 'pexip/' */
  readonly prefix?: string;
  /** Days after which exported objects expire (created bucket only). @default 365 */
  readonly expirationDays?: number;
  /** Days after which objects move to `storageClass` (created bucket only). @default none */
  readonly transitionDays?: number;
  /** Storage class of the transition. @default 'STANDARD_IA' */
  readonly storageClass?: string;
}

export interface PexipJsonCopyOptions {
  /** `false`: no CloudWatch Logs JSON copy. @default true */
  readonly enabled?: boolean;
  /** Replaces `_RAW` in the RAW group's name. @default '_JSON' */
  readonly suffix?: string;
  /** Retention of the JSON groups, one of LOG_RETENTION_DAYS. @default 30 */
  readonly retentionDays?: number;
}

export interface PexipAlarmOptions extends AlarmsOption {
  /** Lines matching no known shape per 5 minutes that raise the alarm. @default 1 */
  readonly parseErrorsThreshold?: number;
  /** Iterator age alarm threshold, ms. @default 300000 */
  readonly iteratorAgeThresholdMs?: number;
}

export interface PexipIngestProps {
  /** Names every resource (`<name>-wrangler`, stream `<name>`, bucket `<name>-export-`…): 3..32 lowercase letters, digits and hyphens. */
  readonly name: string;
  /** Which of Pexip's three syslog kinds to ingest. @default all three */
  readonly kinds?: { readonly support?: boolean; readonly audit?: boolean; readonly web?: boolean };
  /** Prefix of the RAW (and JSON) log group names, for a second deployment in one account. @default '' (the original's names, e.g. `Pexip_Nodes_Support_Logs_RAW`) */
  readonly logGroupNamePrefix?: string;
  /** Retention of the RAW log groups, one of LOG_RETENTION_DAYS. @default 30 */
  readonly rawRetentionDays?: number;
  /** Syslog folders to tail (CloudWatch agent configuration). @default `pxpmgmt` (management) and `pxpconf*` (conferencing) */
  readonly nodes?: PexipNode[];
  /** Records as gzip NDJSON in S3, partitioned for Athena by event day. @default on, created bucket */
  readonly export?: PexipExportOptions;
  /** Records as JSON in `_JSON` log groups, for Logs Insights. @default on */
  readonly jsonCopy?: PexipJsonCopyOptions;
  /** Index the records too (`<indexPrefix>-<kind>-YYYY.MM.DD`, index prefix default `pexip`). @default none */
  readonly opensearch?: OpenSearchTarget;
  /** The stream the RAW groups' subscription filters write to. @default created, ON_DEMAND, KMS, 24 h */
  readonly stream?: StreamOptions;
  /** Key of the stream, log groups, buckets and queue. @default a created key with rotation on */
  readonly kmsKeyArn?: string;
  /** The wrangler function. @default `<name>-wrangler`, 512 MB, 120 s */
  readonly wrangler?: FunctionOptions;
  readonly eventSource?: EventSourceOptions;
  /** Records and documents that cannot be delivered, with the reason. @default a created bucket, prefix `dead-letter/` */
  readonly deadLetter?: DeadLetterOptions;
  /** Create the syslog server's EC2 role and instance profile (write to the RAW groups only). @default true */
  readonly syslogServerRole?: boolean;
  /** @default alarms on, no topic */
  readonly alarms?: PexipAlarmOptions;
  /** Statements added to the wrangler's role policy. @default none */
  readonly extraPolicyStatements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

/** Every default, in one place (the README's "Default settings" table lists these). */
export const PEXIP_INGEST_DEFAULTS = {
  rawRetentionDays: 30,
  nodes: [{ host: 'pxpmgmt', role: 'management' }, { host: 'pxpconf*', role: 'conferencing' }] as PexipNode[],
  exportPrefix: PEXIP_DEFAULTS.exportPrefix,
  exportExpirationDays: 365,
  storageClass: 'STANDARD_IA',
  jsonSuffix: '_JSON',
  jsonRetentionDays: 30,
  indexPrefix: PEXIP_DEFAULTS.indexPrefix,
  memorySize: 512,
  timeout: 120,
  logRetentionDays: 30,
  parseErrorsThreshold: 1,
  iteratorAgeThresholdMs: 300_000,
} as const;

const fail = failFor('PexipIngest');
const retention = (what: string, v: number | undefined): void => {
  if (v !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(v)) fail(`${what} must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${v}`);
};

export function validatePexipIngestProps(p: PexipIngestProps): void {
  checkName(fail, p.name);
  const k = p.kinds ?? {};
  if (k.support === false && k.audit === false && k.web === false) fail('kinds: at least one of support, audit, web must be on');
  if (p.logGroupNamePrefix && isLiteral(p.logGroupNamePrefix) && !LOG_GROUP_PART_RULE.pattern.test(p.logGroupNamePrefix)) {
    fail(`logGroupNamePrefix must be ${LOG_GROUP_PART_RULE.describe}, got "${p.logGroupNamePrefix}"`);
  }
  retention('rawRetentionDays', p.rawRetentionDays);
  retention('jsonCopy.retentionDays', p.jsonCopy?.retentionDays);
  retention('wrangler.logRetentionDays', p.wrangler?.logRetentionDays);
  for (const n of p.nodes ?? []) {
    if (!/^[A-Za-z0-9*?._-]{1,253}$/.test(n.host)) fail(`nodes: host "${n.host}" must be a host folder name (letters, digits, ".", "_", "-", wildcards * and ?)`);
    if (n.role !== 'management' && n.role !== 'conferencing') fail(`nodes: role must be "management" or "conferencing", got "${String(n.role)}"`);
  }
  if (p.nodes && p.nodes.length === 0) fail('nodes is empty (omit it for the defaults)');
  const e = p.export ?? {};
  if (e.enabled === false && (e.existingBucketName || e.prefix || e.expirationDays !== undefined || e.transitionDays !== undefined)) fail('export options given but export.enabled is false');
  if (e.existingBucketName && (e.expirationDays !== undefined || e.transitionDays !== undefined)) fail('export.expirationDays and transitionDays apply only to a created bucket');
  if (e.prefix !== undefined && !KEY_PREFIX_RULE.pattern.test(e.prefix)) fail(`export.prefix must be ${KEY_PREFIX_RULE.describe}, got "${e.prefix}"`);
  checkInt(fail, 'export.expirationDays', e.expirationDays, 1, 36_500, ' days');
  checkInt(fail, 'export.transitionDays', e.transitionDays, 0, 36_500, ' days');
  if (e.transitionDays !== undefined && e.transitionDays >= (e.expirationDays ?? PEXIP_INGEST_DEFAULTS.exportExpirationDays)) fail(`export.transitionDays (${e.transitionDays}) never happens before expiry`);
  if (e.storageClass !== undefined && !(STORAGE_CLASSES as readonly string[]).includes(e.storageClass)) fail(`export.storageClass must be one of ${STORAGE_CLASSES.join(', ')}, got "${e.storageClass}"`);
  const j = p.jsonCopy ?? {};
  if (j.suffix !== undefined && !LOG_GROUP_PART_RULE.pattern.test(j.suffix)) fail(`jsonCopy.suffix must be ${LOG_GROUP_PART_RULE.describe}, got "${j.suffix}"`);
  if (e.enabled === false && j.enabled === false && !p.opensearch) fail('no destination: the S3 export and the JSON copy are off and no opensearch target is given');
  if (p.opensearch) validateOpenSearchTarget(p.opensearch, fail);
  validateDeadLetter(p.deadLetter, fail);
  checkInt(fail, 'alarms.parseErrorsThreshold', p.alarms?.parseErrorsThreshold, 1, 1_000_000_000);
  checkInt(fail, 'alarms.iteratorAgeThresholdMs', p.alarms?.iteratorAgeThresholdMs, 1000, 604_800_000, ' ms');
}
