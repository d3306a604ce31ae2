/** The four load-balancer log layouts this processor reads (FORMATS.md §1-4). */
export type LogType = 'alb' | 'alb-connection' | 'classic' | 'nlb';

export const LOG_TYPES: readonly LogType[] = ['alb', 'alb-connection', 'classic', 'nlb'];

/** ALB access log (33 fields today; every earlier layout down to 17 fields). AWS field names; absent = `-`/`-1` (see values.ts). */
export interface AlbDocument {
  type: string;
  time: string;
  elb: string;
  client_ip: string | undefined;
  client_port: number | undefined;
  target_ip: string | undefined;
  target_port: number | undefined;
  request_processing_time: number | undefined;
  target_processing_time: number | undefined;
  response_processing_time: number | undefined;
  elb_status_code: number | undefined;
  target_status_code: number | undefined;
  received_bytes: number | undefined;
  sent_bytes: number | undefined;
  request: string | undefined;
  request_method: string | undefined;
  request_url: string | undefined;
  request_protocol: string | undefined;
  user_agent: string | undefined;
  ssl_cipher: string | undefined;
  ssl_protocol: string | undefined;
  target_group_arn: string | undefined;
  trace_id: string | undefined;
  domain_name: string | undefined;
  chosen_cert_arn: string | undefined;
  matched_rule_priority: number | undefined;
  request_creation_time: string | undefined;
  actions_executed: string[] | undefined;
  redirect_url: string | undefined;
  error_reason: string | undefined;
  target_port_list: string[] | undefined;
  target_status_code_list: number[] | undefined;
  classification: string | undefined;
  classification_reason: string | undefined;
  conn_trace_id: string | undefined;
  transformed_host: string | undefined;
  transformed_uri: string | undefined;
  request_transform_status: string | undefined;
}

/** Classic ELB access log (15 fields; the 2014 layout stops after `request`). */
export interface ClassicDocument {
  time: string;
  elb: string;
  client_ip: string | undefined;
  client_port: number | undefined;
  backend_ip: string | undefined;
  backend_port: number | undefined;
  request_processing_time: number | undefined;
  backend_processing_time: number | undefined;
  response_processing_time: number | undefined;
  elb_status_code: number | undefined;
  backend_status_code: number | undefined;
  received_bytes: number | undefined;
  sent_bytes: number | undefined;
  request: string | undefined;
  request_method: string | undefined;
  request_url: string | undefined;
  request_protocol: string | undefined;
  user_agent: string | undefined;
  ssl_cipher: string | undefined;
  ssl_protocol: string | undefined;
}

/** NLB TLS-listener access log (v1.0: 18 fields, v2.0: 21-22 fields). Times in milliseconds. */
export interface NlbDocument {
  type: string;
  version: string;
  time: string;
  elb: string;
  listener: string | undefined;
  client_ip: string | undefined;
  client_port: number | undefined;
  destination_ip: string | undefined;
  destination_port: number | undefined;
  connection_time: number | undefined;
  tls_handshake_time: number | undefined;
  received_bytes: number | undefined;
  sent_bytes: number | undefined;
  incoming_tls_alert: string | undefined;
  chosen_cert_arn: string | undefined;
  chosen_cert_serial: string | undefined;
  tls_cipher: string | undefined;
  tls_protocol_version: string | undefined;
  tls_named_group: string | undefined;
  domain_name: string | undefined;
  alpn_fe_protocol: string | undefined;
  alpn_be_protocol: string | undefined;
  alpn_client_preference_list: string[] | undefined;
  tls_connection_creation_time: string | undefined;
}

/** ALB connection log (11-13 fields). IP and port are separate fields here. */
export interface ConnectionDocument {
  time: string;
  client_ip: string | undefined;
  client_port: number | undefined;
  listener_port: number | undefined;
  tls_protocol: string | undefined;
  tls_cipher: string | undefined;
  tls_handshake_latency: number | undefined;
  leaf_client_cert_subject: string | undefined;
  leaf_client_cert_validity: string | undefined;
  leaf_client_cert_not_before: string | undefined;
  leaf_client_cert_not_after: string | undefined;
  leaf_client_cert_serial_number: string | undefined;
  tls_verify_status: string | undefined;
  conn_trace_id: string | undefined;
  tls_keyexchange: string | undefined;
}

export type ElbDocument = AlbDocument | ClassicDocument | NlbDocument | ConnectionDocument;

/** What one line became. */
export type LineResult =
  | {
      kind: 'doc';
      type: LogType;
      /** ISO 8601 UTC: when the request (or connection) began, as far as the layout records it. */
      timestamp: string;
      doc: ElbDocument;
    }
  /** AWS's "Enable AccessLog for ELB: …" text: not a log entry, skipped and counted. */
  | { kind: 'control' }
  /** Empty or whitespace-only line: skipped and counted. */
  | { kind: 'blank' }
  | { kind: 'failed'; type: LogType | undefined; reason: string };
