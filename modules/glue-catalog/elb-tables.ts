/**
 * Load-balancer access-log tables over the bucket the load balancers write to (the
 * ElbProcessor's, or any): one regex per log type, the field lists of
 * ../shared/reference/elb/FORMATS.md in AWS's order, and partition projection on
 * `<prefix>AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/MM/dd/`.
 *
 * The regexes are written for both Java (Athena's RegexSerDe, which must match the whole line)
 * and RE2 (DuckDB, which the schema conformance test uses): no lookaround, no backreferences,
 * no nested quantifiers over the same characters, so matching stays linear on hostile lines.
 * Newer fields are optional groups and anything after the last known field is ignored
 * (AWS appends fields; a line from an older layout still matches with the newer columns null).
 */
import { REGEX_SERDE, TEXT_INPUT_FORMAT, TEXT_OUTPUT_FORMAT, checkLocationTemplate, s3Location, type ColumnSpec, type TableSpec } from '../../functions/glue-partitions/core/table-spec';

export const ELB_LOG_TYPES = ['alb', 'alb_connection', 'classic', 'nlb'] as const;
export type ElbLogType = (typeof ELB_LOG_TYPES)[number];

/** One field: a column (or two, `host:port`) and its regex piece. */
interface Field {
  readonly columns: readonly ColumnSpec[];
  readonly re: string;
}

/** A bare token (`-` for empty). */
const t = (name: string, type = 'string'): Field => ({ columns: [{ name, type }], re: '([^ ]*)' });
/** A double-quoted value; `\"` and `\xHH` escapes stay as written. */
const q = (name: string): Field => ({ columns: [{ name, type: 'string' }], re: String.raw`"([^"\\]*(?:\\.[^"\\]*)*)"` });
/**
 * A value quoted in current layouts but bare in older ones (2016 ALB `domain_name`,
 * `chosen_cert_arn`): the quotes are optional and not captured; the value has no space except
 * one leading space, which SNI values have been seen with.
 */
const qt = (name: string): Field => ({ columns: [{ name, type: 'string' }], re: '"?( ?[^ "]*)"?' });
/** The first token, tolerating a run of spaces after it (seen after ALB `type` in the wild). */
const first = (name: string): Field => ({ columns: [{ name, type: 'string' }], re: '([^ ]*) *' });

/** `ip:port` split at the last colon (IPv6 too), or `-` (both null). */
const hp = (prefix: string): Field => ({
  columns: [{ name: `${prefix}_ip`, type: 'string' }, { name: `${prefix}_port`, type: 'int' }],
  re: '(?:([^ ]*):([0-9]+)|[^ ]*)',
});

/** A layout: required fields, then groups of fields each optional after the previous (newest last). */
interface Layout {
  readonly required: readonly Field[];
  readonly optional: readonly (readonly Field[])[];
}

function build(l: Layout): { regex: string; columns: ColumnSpec[] } {
  const join = (fs: readonly Field[]): string => fs.map((f) => f.re).join(' ');
  let tail = '';
  for (let n = l.optional.length - 1; n >= 0; n--) tail = `(?: ${join(l.optional[n])}${tail})?`;
  const columns = [...l.required, ...l.optional.flat()].flatMap((f) => f.columns);
  // Unknown trailing fields (AWS adds at the end) are ignored, never an error.
  return { regex: `${join(l.required)}${tail}(?: .*)?`, columns };
}

const LAYOUTS: Record<ElbLogType, Layout> = {
  alb: {
    required: [
      first('type'), t('time'), t('elb'), hp('client'), hp('target'),
      t('request_processing_time', 'double'), t('target_processing_time', 'double'), t('response_processing_time', 'double'),
      t('elb_status_code', 'int'), t('target_status_code', 'int'), t('received_bytes', 'bigint'), t('sent_bytes', 'bigint'),
      q('request'), q('user_agent'), t('ssl_cipher'), t('ssl_protocol'), t('target_group_arn'), q('trace_id'),
    ],
    optional: [
      [qt('domain_name'), qt('chosen_cert_arn')],
      [t('matched_rule_priority'), t('request_creation_time'), q('actions_executed')],
      [q('redirect_url')],
      [q('error_reason')],
      [q('target_port_list'), q('target_status_code_list'), q('classification'), q('classification_reason')],
      [t('conn_trace_id')],
      [q('transformed_host'), q('transformed_uri'), q('request_transform_status')],
    ],
  },
  alb_connection: {
    required: [
      t('time'), t('client_ip'), t('client_port', 'int'), t('listener_port', 'int'), t('tls_protocol'), t('tls_cipher'),
      t('tls_handshake_latency', 'double'), q('leaf_client_cert_subject'), t('leaf_client_cert_validity'),
      t('leaf_client_cert_serial_number'), t('tls_verify_status'),
    ],
    optional: [[t('conn_trace_id')], [t('tls_keyexchange')]],
  },
  classic: {
    required: [
      t('time'), t('elb'), hp('client'), hp('backend'),
      t('request_processing_time', 'double'), t('backend_processing_time', 'double'), t('response_processing_time', 'double'),
      t('elb_status_code', 'int'), t('backend_status_code', 'int'), t('received_bytes', 'bigint'), t('sent_bytes', 'bigint'),
      q('request'),
    ],
    optional: [[q('user_agent'), t('ssl_cipher'), t('ssl_protocol')]],
  },
  nlb: {
    required: [
      t('type'), t('version'), t('time'), t('elb'), t('listener'), hp('client'), hp('destination'),
      t('connection_time', 'bigint'), t('tls_handshake_time', 'bigint'), t('received_bytes', 'bigint'), t('sent_bytes', 'bigint'),
      t('incoming_tls_alert'), t('chosen_cert_arn'), t('chosen_cert_serial'), t('tls_cipher'), t('tls_protocol_version'),
      t('tls_named_group'), t('domain_name'),
    ],
    optional: [[t('alpn_fe_protocol'), t('alpn_be_protocol'), t('alpn_client_preference_list')], [t('tls_connection_creation_time')]],
  },
};

/** The regex and columns of each log type (pure; the conformance test reads these). */
export const ELB_LAYOUTS: Record<ElbLogType, { regex: string; columns: ColumnSpec[] }> = Object.fromEntries(
  ELB_LOG_TYPES.map((k) => [k, build(LAYOUTS[k])]),
) as Record<ElbLogType, { regex: string; columns: ColumnSpec[] }>;

/** Table names, as AWS's own Athena examples call them. */
export const ELB_TABLE_NAMES: Record<ElbLogType, string> = {
  alb: 'alb_access_logs',
  alb_connection: 'alb_connection_logs',
  classic: 'classic_elb_access_logs',
  nlb: 'nlb_access_logs',
};

export const ELB_PARTITION_KEYS = ['account', 'region', 'day'] as const;

export interface ElbTablesInput {
  readonly database: string;
  readonly bucket: string;
  /** The prefix configured on the load balancers, per log type (`''` or ending with `/`). */
  readonly prefixes: Readonly<Record<ElbLogType, string>>;
  /** Accounts whose logs the bucket holds (projection values). */
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** First day of the `day` projection, `yyyy/MM/dd`. */
  readonly firstDay: string;
  readonly projection: boolean;
  /** Log types to catalog. */
  readonly types: readonly ElbLogType[];
}

/** `day` projection over AWS's delivery-date folders, from `firstDay` to today. */
export function datePartitionProjection(firstDay: string): Record<string, string> {
  return {
    'projection.day.type': 'date',
    'projection.day.format': 'yyyy/MM/dd',
    'projection.day.range': `${firstDay},NOW`,
    'projection.day.interval': '1',
    'projection.day.interval.unit': 'DAYS',
  };
}

export function elbTables(i: ElbTablesInput): TableSpec[] {
  return i.types.map((type) => {
    const { regex, columns } = ELB_LAYOUTS[type];
    const location = s3Location(i.bucket, `${i.prefixes[type]}AWSLogs/`);
    const template = `${location}\${account}/elasticloadbalancing/\${region}/\${day}/`;
    checkLocationTemplate(template, ELB_PARTITION_KEYS);
    return {
      database: i.database,
      name: ELB_TABLE_NAMES[type],
      description: `${type} logs as AWS writes them (regex SerDe; a line of another layout reads as nulls)`,
      location,
      columns,
      partitionKeys: [
        { name: 'account', type: 'string', comment: 'Account id in the key' },
        { name: 'region', type: 'string', comment: 'Region in the key' },
        { name: 'day', type: 'string', comment: 'Delivery date folder, yyyy/MM/dd (UTC)' },
      ],
      serde: { library: REGEX_SERDE, parameters: { 'input.regex': regex } },
      inputFormat: TEXT_INPUT_FORMAT,
      outputFormat: TEXT_OUTPUT_FORMAT,
      parameters: {
        classification: 'elb-logs',
        ...(i.projection
          ? {
              'projection.enabled': 'true',
              'projection.account.type': 'enum',
              'projection.account.values': i.accounts.join(','),
              'projection.region.type': 'enum',
              'projection.region.values': i.regions.join(','),
              ...datePartitionProjection(i.firstDay),
              'storage.location.template': template,
            }
          : {}),
      },
    };
  });
}
