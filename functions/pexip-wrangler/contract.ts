/**
 * The Pexip wrangler's contract with the PexipIngest construct, the glue-catalog helper and the
 * backfill script: environment variable names and defaults, the log kinds and their groups, the
 * record's field names, and the class, table, S3-key, index and stream naming rules. Every side
 * imports this file; no name, default or naming rule below is written anywhere else.
 *
 * Field names follow the original project's metadata (pexip_logs_metadata.json, mlnrt/pexip-logs-in-aws,
 * MIT 2019), so its users' Athena tables (`syslog_time`, `system`, `level`, `name`, `log_message`
 * struct) and Logs Insights queries (`log_message.Conference_ID`, `level`, `name`) keep working.
 */
import { BULK_BYTES, DEAD_LETTER_ENV, DEFAULT_DEAD_LETTER_PREFIX, TARGET_ENV, type TextRule } from '../shared/contract';

export const PEXIP_ENV = {
  ...TARGET_ENV,
  ...DEAD_LETTER_ENV,
  /** S3 bucket of the gzip NDJSON export for Athena; the export is on when set. @default none (export off) */
  exportBucket: 'EXPORT_BUCKET',
  /** Key prefix of the export (relative, ends with `/`); objects go under `<prefix><kind>/<table>/year=YYYY/month=MM/day=DD/`. */
  exportPrefix: 'EXPORT_PREFIX',
  /** CloudWatch Logs JSON copy, on when set: each record goes to its RAW group's name with `_RAW` replaced by this (e.g. `_JSON` → `Pexip_Nodes_Support_Logs_JSON`); the groups must exist, the function creates only streams. @default none (copy off) */
  jsonLogGroupSuffix: 'JSON_LOG_GROUP_SUFFIX',
  /** Milliseconds kept free before the Lambda timeout for dead letters and the response. */
  safetyMarginMs: 'SAFETY_MARGIN_MS',
} as const;

export const PEXIP_DEFAULTS = {
  exportPrefix: 'pexip/',
  service: 'es',
  indexPrefix: 'pexip',
  maxBulkBytes: BULK_BYTES.default,
  concurrency: 4,
  gzip: false,
  deadLetterPrefix: DEFAULT_DEAD_LETTER_PREFIX,
  safetyMarginMs: 5_000,
} as const;

/** The three log kinds a Pexip node sends over syslog (Pexip's three checkboxes). */
export const PEXIP_KINDS = ['support', 'audit', 'web'] as const;
export type PexipKind = (typeof PEXIP_KINDS)[number];

/** The RAW log groups the CloudWatch agent writes, as the original project named them. */
export const RAW_LOG_GROUPS: Record<PexipKind, string> = {
  support: 'Pexip_Nodes_Support_Logs_RAW',
  audit: 'Pexip_Nodes_Audit_Logs_RAW',
  web: 'Pexip_Nodes_Web_Server_Logs_RAW',
};
export const RAW_SUFFIX = '_RAW';

/** A part of a log group name (the JSON copy's suffix, a deployment's name prefix): log-group characters only. */
export const LOG_GROUP_PART_RULE: TextRule = {
  pattern: /^[\w\-./#]{1,100}$/,
  describe: 'log group name characters (a-z, A-Z, 0-9, "_", "-", "/", ".", "#"), 1..100 of them',
};

/** Glue databases (support and audit as the original; web is new: the original never exported web logs). */
export const GLUE_DATABASES: Record<PexipKind, string> = {
  support: 'gluedb_pexip_support_logs',
  audit: 'gluedb_pexip_audit_logs',
  web: 'gluedb_pexip_web_logs',
};

/** Record field names (top level). `log_message` holds the parsed pairs / audit fields / access-log fields. */
export const FIELDS = {
  timestamp: '@timestamp',
  kind: 'kind',
  class: 'class',
  syslogTime: 'syslog_time',
  system: 'system',
  // support
  originatingDate: 'originating_date',
  originatingTime: 'originating_time',
  level: 'level',
  name: 'name',
  logMessage: 'log_message',
  /** support.sip.*: the SIP message parsed (start line, headers, SDP). */
  sip: 'sip',
  /** A JSON or Python-dict Detail of a class whose `Detail` column is an array of lines. */
  detailObject: 'detail_object',
  /** Why a Detail body could not be parsed as its shape promised (the text is still in `log_message.Detail`). */
  detailError: 'detail_error',
  // audit
  audit: 'audit',
  systemFqdn: 'system_fqdn',
  type: 'type',
  auditSerial: 'audit_serial',
  // web
  program: 'program',
  // every kind
  parseError: 'parse_error',
  raw: 'raw',
} as const;

/** Keys inside `log_message` that are not a log's own pair names. */
export const LOG_MESSAGE_FIELDS = {
  /** Support: the Detail pair (array of lines, or an object for support.rest.*). */
  detail: 'Detail',
  /** Audit: the `audit(<epoch>.<ms>:<serial>)` text, and the nested `msg='…'` pairs. */
  msg: 'msg',
  submsg: 'submsg',
} as const;

/** The class of a line that matched no shape (exported with `parse_error`, never dropped). */
export const UNPARSED_CLASS = 'unparsed';
/** The class of web server access lines. */
export const WEB_CLASS = 'web';

/** Names split by their Detail body's direction, as the original's metadata and tables do. */
export const SPLIT_NAMES = ['support.sip', 'support.rest'] as const;

/**
 * The class of a support/administrator line: `support.sip` and `support.rest` split into
 * `.received` / `.sending` / `.other` by the Message's first word (Received…, Sending…/Sent…),
 * every other Name is its own class (unknown names pass through as they are).
 */
export function supportClass(name: string, message: string | undefined): string {
  if (!(SPLIT_NAMES as readonly string[]).includes(name)) return name;
  const m = (message ?? '').trimStart().slice(0, 8).toLowerCase();
  if (m.startsWith('receiv')) return `${name}.received`;
  if (m.startsWith('send') || m.startsWith('sent')) return `${name}.sending`;
  return `${name}.other`;
}

/** Glue table name of a class: lower case, `.` and anything else outside [a-z0-9_] → `_` (`support.sip.received` → `support_sip_received`, `SYSCALL` → `syscall`). */
export function classTableName(cls: string): string {
  const t = cls.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return t === '' ? UNPARSED_CLASS : t;
}

/** The kind of a log group: the RAW group names, then any group whose name says support/audit/web. */
export function kindOfLogGroup(logGroup: string): PexipKind | undefined {
  for (const k of PEXIP_KINDS) if (RAW_LOG_GROUPS[k] === logGroup) return k;
  const n = logGroup.toLowerCase();
  if (n.includes('audit')) return 'audit';
  if (n.includes('web')) return 'web';
  if (n.includes('support')) return 'support';
  return undefined;
}

/** The JSON copy's group: the RAW group's name with its `_RAW` ending replaced by `suffix` (appended when it has none). */
export function jsonLogGroupName(rawGroup: string, suffix: string): string {
  return rawGroup.endsWith(RAW_SUFFIX) ? `${rawGroup.slice(0, -RAW_SUFFIX.length)}${suffix}` : `${rawGroup}${suffix}`;
}

function ymd(epochMs: number): [string, string, string] {
  const d = new Date(epochMs);
  const mm = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return [String(d.getUTCFullYear()).padStart(4, '0'), mm < 10 ? `0${mm}` : `${mm}`, dd < 10 ? `0${dd}` : `${dd}`];
}

/** S3 folder of a class's records for one event day: `<prefix><kind>/<table>/year=YYYY/month=MM/day=DD/` (Hive style, zero-padded: Athena partition projection). */
export function exportFolder(prefix: string, kind: string, cls: string, epochMs: number): string {
  const [y, m, d] = ymd(epochMs);
  return `${prefix}${kind}/${classTableName(cls)}/year=${y}/month=${m}/day=${d}/`;
}

/** Partition projection settings for the glue-catalog helper: the key pattern under a table's folder. */
export const EXPORT_PARTITION_TEMPLATE = 'year=${year}/month=${month}/day=${day}';
export const EXPORT_OBJECT_SUFFIX = '.json.gz';

/** OpenSearch index of a record: `<prefix>-<kind>-YYYY.MM.DD` by event time (UTC). */
export function indexName(prefix: string, kind: string, epochMs: number): string {
  const [y, m, d] = ymd(epochMs);
  return `${prefix}-${kind}-${y}.${m}.${d}`;
}

/** The JSON copy's stream: one per node per event day, `YYYY/MM/DD/<node>` (characters CloudWatch refuses, `:` and `*`, become `_`). */
export function jsonLogStreamName(node: string, epochMs: number): string {
  const [y, m, d] = ymd(epochMs);
  const safe = node.replace(/[:*]/g, '_').slice(0, 400) || 'unknown';
  return `${y}/${m}/${d}/${safe}`;
}

/** EMF metric names the construct's alarms read. */
export const PEXIP_METRICS = {
  lines: 'Lines',
  parseErrors: 'ParseErrors',
  deadLettered: 'DeadLettered',
  deadLetterWriteFailures: 'DeadLetterWriteFailures',
  poisonRecords: 'PoisonRecords',
  exportedObjects: 'ExportedObjects',
  jsonEvents: 'JsonEvents',
  indexed: 'Indexed',
} as const;

/** Dead-letter kinds (the `<kind>` in the key and each entry's `kind`). */
export const PEXIP_DEAD_LETTER_KINDS = {
  poison: 'poison-record',
  rejected: 'rejected-document',
  export: 'export-failed',
  jsonCopy: 'json-copy-rejected',
} as const;
