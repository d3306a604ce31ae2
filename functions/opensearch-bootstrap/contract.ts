/**
 * The OpenSearch bootstrap's contract with the construct that deploys and invokes it: environment
 * variable names, the desired state it receives as its event, defaults, and the report it returns.
 * The construct builds the event from these types (and hashes it for the invocation's triggers);
 * the function validates it with `validateDesiredState`.
 */
import { IAM_ROLE_ARN_RULE, INDEX_PREFIX_RULE, TARGET_ENV } from '../shared/contract';

export const BOOTSTRAP_ENV = {
  endpoint: TARGET_ENV.endpoint,
  service: TARGET_ENV.service,
  /** Per-request timeout, ms. */
  requestTimeoutMs: 'REQUEST_TIMEOUT_MS',
} as const;

/** The sources whose indices the bootstrap prepares, and the documents each writes (see functions/<name>). */
export const SOURCES = ['cwl', 'elb', 'pexip'] as const;
export type Source = (typeof SOURCES)[number];

export interface SourceState {
  /** Index prefix the source's function writes (`<prefix>-…`); the template and policies cover `<prefix>-*`. */
  readonly indexPrefix: string;
  /** Delete indices this many days after creation. */
  readonly retentionDays: number;
  /** Move indices to UltraWarm after this many days (domains with UltraWarm only). @default none */
  readonly warmAfterDays?: number;
}

export interface AlertState {
  /** More than this many ELB 5xx responses (elb_status_code 500..599) in 5 minutes raise the alert. */
  readonly threshold: number;
  /** SNS topic the notification channel publishes to. */
  readonly snsTopicArn: string;
  /** IAM role OpenSearch assumes to publish to the topic. */
  readonly snsRoleArn: string;
}

/** The event: everything the cluster should hold. */
export interface DesiredState {
  readonly sources: Partial<Record<Source, SourceState>>;
  /** The shipper's nested field for parsed JSON (FIELD_PLACEMENT nested). @default 'fields' */
  readonly parsedField?: string;
  /** index.mapping.total_fields.limit of every template. @default 2000 */
  readonly totalFieldsLimit?: number;
  /** `@message` keyword sub-field's ignore_above. @default 1024 */
  readonly messageIgnoreAbove?: number;
  /** Lambda role ARNs mapped to the shipper role (fine-grained access control). @default [] */
  readonly shipperRoleArns?: readonly string[];
  /**
   * IAM role ARNs added to the `all_access` role mapping (merged, never replacing what is mapped):
   * operators, when the bootstrap's own role is the domain's master user. @default []
   */
  readonly adminRoleArns?: readonly string[];
  /** Import the Dashboards saved objects. @default true */
  readonly dashboards?: boolean;
  /** The ELB 5xx monitor; none when absent. */
  readonly alert?: AlertState;
}

export const BOOTSTRAP_DEFAULTS = {
  parsedField: 'fields',
  totalFieldsLimit: 2000,
  messageIgnoreAbove: 1024,
  requestTimeoutMs: 30_000,
  /** Security plugin role the shipper Lambda roles map to. */
  shipperRoleName: 'logs_to_opensearch_shipper',
  /** The security plugin's built-in administrator role `adminRoleArns` are added to. */
  adminRoleName: 'all_access',
  /** Alerting: monitor name and notification channel id. */
  monitorName: 'logs-to-opensearch ELB 5xx',
  channelId: 'logs-to-opensearch-sns',
  /** Marks objects this bootstrap owns (`_meta.managed_by`, ISM descriptions). */
  managedBy: 'logs-to-opensearch-bootstrap',
} as const;

/** What happened to one item. `skipped`: the cluster lacks the plugin (or it is Serverless, see `reason`). */
export type ItemResult = 'created' | 'updated' | 'unchanged' | 'skipped';

export interface ItemReport {
  readonly kind: 'index-template' | 'ism-policy' | 'role' | 'role-mapping' | 'saved-object' | 'notification-channel' | 'monitor';
  readonly name: string;
  readonly result: ItemResult;
  readonly reason?: string;
}

/** The function's answer (no secrets: names and results only). */
export interface BootstrapReport {
  readonly items: ItemReport[];
  /** Items created or updated. */
  readonly changed: number;
  /** "converged: N changes" or "no changes: every item unchanged". */
  readonly summary: string;
}

/** `retentionDays` of a source (ISM's min_index_age; the registry module's retention variables carry it). */
export const RETENTION_DAYS_RULE = { min: 1, max: 36_500, unit: ' days' } as const;

const ROLE_ARN = IAM_ROLE_ARN_RULE.pattern;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Checks an event; returns every problem (empty when valid). `deferred` values are not checked
 * (the construct passes cdktf tokens, known only at apply: the function checks them then, and a
 * registry module's variables carry the same rules).
 */
export function validateDesiredState(v: unknown, deferred: (value: unknown) => boolean = () => false): string[] {
  const p: string[] = [];
  const arnOk = (pattern: RegExp, value: unknown) => deferred(value) || pattern.test(typeof value === 'string' ? value : '');
  const daysOk = (n: unknown) => deferred(n) || (Number.isInteger(n) && (n as number) >= RETENTION_DAYS_RULE.min && (n as number) <= RETENTION_DAYS_RULE.max);
  if (v === null || typeof v !== 'object') return ['the event must be a desired-state object'];
  const s = v as DesiredState;
  if (!s.sources || typeof s.sources !== 'object') p.push('sources is required');
  else {
    for (const [name, src] of Object.entries(s.sources)) {
      if (!(SOURCES as readonly string[]).includes(name)) p.push(`sources.${name}: unknown source (one of ${SOURCES.join(', ')})`);
      if (!src) continue;
      if (!deferred(src.indexPrefix) && (typeof src.indexPrefix !== 'string' || !INDEX_PREFIX_RULE.pattern.test(src.indexPrefix))) p.push(`sources.${name}.indexPrefix must be ${INDEX_PREFIX_RULE.describe}`);
      if (!daysOk(src.retentionDays)) p.push(`sources.${name}.retentionDays must be an integer in ${RETENTION_DAYS_RULE.min}..${RETENTION_DAYS_RULE.max}`);
      const warmChecked = src.warmAfterDays !== undefined && !deferred(src.warmAfterDays) && !deferred(src.retentionDays);
      if (warmChecked && (!Number.isInteger(src.warmAfterDays) || src.warmAfterDays! < 1 || src.warmAfterDays! >= src.retentionDays))
        p.push(`sources.${name}.warmAfterDays must be an integer from 1 to less than retentionDays`);
    }
  }
  if (s.parsedField !== undefined && !FIELD_NAME.test(s.parsedField)) p.push('parsedField must be a plain field name');
  if (s.totalFieldsLimit !== undefined && (!Number.isInteger(s.totalFieldsLimit) || s.totalFieldsLimit < 100 || s.totalFieldsLimit > 10_000)) p.push('totalFieldsLimit must be an integer in 100..10000');
  if (s.messageIgnoreAbove !== undefined && (!Number.isInteger(s.messageIgnoreAbove) || s.messageIgnoreAbove < 1 || s.messageIgnoreAbove > 32_766)) p.push('messageIgnoreAbove must be an integer in 1..32766');
  for (const key of ['shipperRoleArns', 'adminRoleArns'] as const)
    if (!deferred(s[key])) for (const arn of s[key] ?? []) if (!arnOk(ROLE_ARN, arn)) p.push(`${key}: not an IAM role ARN: "${arn}"`);
  if (s.alert) {
    if (!Number.isInteger(s.alert.threshold) || s.alert.threshold < 0) p.push('alert.threshold must be a non-negative integer');
    if (!arnOk(SNS_ARN, s.alert.snsTopicArn)) p.push('alert.snsTopicArn must be an SNS topic ARN');
    if (!arnOk(ROLE_ARN, s.alert.snsRoleArn)) p.push('alert.snsRoleArn must be an IAM role ARN');
  }
  return p;
}

/** `<prefix>-*`: the index pattern of a source. */
export function indexPattern(src: SourceState): string {
  return `${src.indexPrefix}-*`;
}
