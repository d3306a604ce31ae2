import { BOOTSTRAP_DEFAULTS, indexPattern, type Source, type SourceState } from '../contract';
import { contentHash, type ResolvedState } from './state';

type Mapping = Record<string, unknown>;

const KEYWORD = { type: 'keyword', ignore_above: 1024 } as const;
const INTEGER = { type: 'integer', ignore_malformed: true } as const;
const LONG = { type: 'long', ignore_malformed: true } as const;
const DOUBLE = { type: 'double', ignore_malformed: true } as const;
const IP = { type: 'ip', ignore_malformed: true } as const;
const DATE = { type: 'date', ignore_malformed: true } as const;
/** Free text searched by words, never sorted or aggregated: no positions or norms stored. */
const TEXT = { type: 'match_only_text' } as const;

function props(names: readonly string[], mapping: Mapping): Record<string, Mapping> {
  return Object.fromEntries(names.map((n) => [n, mapping]));
}

/** CloudWatch Logs documents (functions/shipper/core/document.ts): `@` fields, parsed JSON under one flat_object field. */
function cwlProperties(s: ResolvedState): Record<string, Mapping> {
  return {
    '@id': { type: 'keyword' },
    '@owner': { type: 'keyword' },
    '@log_group': { type: 'keyword' },
    '@log_stream': { type: 'keyword' },
    '@truncated': { type: 'boolean' },
    '@original_bytes': { type: 'long' },
    // One flat_object field: any JSON a log group sends is searchable by path, and adds no field to the mapping.
    [s.parsedField]: { type: 'flat_object' },
  };
}

/**
 * ELB documents (functions/elb-processor/core/types.ts and documents.ts): every field of the four
 * layouts, typed. `ignore_malformed` on numbers, IPs and dates: a value a layout change makes odd
 * is kept in `_source` rather than refusing the whole line.
 */
function elbProperties(): Record<string, Mapping> {
  return {
    ...props(
      ['log_type', 'type', 'version', 'elb', 'listener', 'request_method', 'request_protocol', 'ssl_cipher', 'ssl_protocol', 'target_group_arn', 'trace_id', 'domain_name',
        'chosen_cert_arn', 'chosen_cert_serial', 'actions_executed', 'redirect_url', 'error_reason', 'target_port_list', 'classification', 'classification_reason', 'conn_trace_id',
        'transformed_host', 'request_transform_status', 'incoming_tls_alert', 'tls_cipher', 'tls_protocol_version', 'tls_named_group', 'alpn_fe_protocol', 'alpn_be_protocol',
        'alpn_client_preference_list', 'tls_protocol', 'leaf_client_cert_subject', 'leaf_client_cert_validity', 'leaf_client_cert_serial_number', 'tls_verify_status', 'tls_keyexchange',
        'environment', 'component', 'application', 'reason'],
      KEYWORD,
    ),
    ...props(['time', 'request_creation_time', 'tls_connection_creation_time', 'leaf_client_cert_not_before', 'leaf_client_cert_not_after'], DATE),
    ...props(['client_ip', 'target_ip', 'backend_ip', 'destination_ip'], IP),
    ...props(['client_port', 'target_port', 'backend_port', 'destination_port', 'listener_port', 'elb_status_code', 'target_status_code', 'backend_status_code', 'matched_rule_priority', 'target_status_code_list'], INTEGER),
    ...props(['received_bytes', 'sent_bytes'], LONG),
    ...props(['request_processing_time', 'target_processing_time', 'response_processing_time', 'backend_processing_time', 'connection_time', 'tls_handshake_time', 'tls_handshake_latency'], DOUBLE),
    request: { type: 'match_only_text', fields: { keyword: KEYWORD } },
    request_url: { type: 'keyword', ignore_above: 2048, fields: { text: TEXT } },
    transformed_uri: { type: 'keyword', ignore_above: 2048 },
    user_agent: { type: 'keyword', ignore_above: 1024, fields: { text: TEXT } },
    raw: TEXT,
    raw_truncated: { type: 'boolean' },
    s3: { properties: { bucket: { type: 'keyword' }, key: { type: 'keyword' }, line: { type: 'long' } } },
  };
}

/**
 * Pexip documents (functions/pexip-wrangler/contract.ts FIELDS): header fields as keywords, the
 * parsed pairs (`log_message`, `sip`, `detail_object`) as flat_object: their keys are the log's
 * own and unbounded.
 */
function pexipProperties(): Record<string, Mapping> {
  return {
    ...props(['kind', 'class', 'system', 'level', 'name', 'originating_date', 'originating_time', 'syslog_time', 'audit', 'system_fqdn', 'type', 'audit_serial', 'program', 'detail_error', 'parse_error'], KEYWORD),
    ...props(['log_message', 'sip', 'detail_object'], { type: 'flat_object' }),
    raw: TEXT,
  };
}

/** The composable index template of one source (`PUT _index_template/<name>`). */
export function buildIndexTemplate(source: Source, src: SourceState, s: ResolvedState): Record<string, unknown> {
  const perSource = source === 'cwl' ? cwlProperties(s) : source === 'elb' ? elbProperties() : pexipProperties();
  const template = {
    settings: { index: { mapping: { total_fields: { limit: s.totalFieldsLimit } } } },
    mappings: {
      // Strings that look like dates stay strings: the first document of a day must not decide a field's type.
      date_detection: false,
      properties: {
        '@timestamp': { type: 'date' },
        '@message': { type: 'match_only_text', fields: { keyword: { type: 'keyword', ignore_above: s.messageIgnoreAbove } } },
        ...perSource,
      },
    },
  };
  const body = { index_patterns: [indexPattern(src)], priority: 100, template };
  return { ...body, _meta: { managed_by: BOOTSTRAP_DEFAULTS.managedBy, desired_hash: contentHash(body) } };
}

/** One template per source, named after it (`cwl`, `elb`, `pexip`): the name the shipper README's manual template used. */
export function templateName(source: Source): string {
  return source;
}
