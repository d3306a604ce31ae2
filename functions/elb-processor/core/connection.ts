import { fieldText, type Fields } from './tokenize';
import type { ConnectionDocument } from './types';
import { integer, LineError, measurement, quotedText, text, timestamp, timestampText } from './values';

/** Lines without `conn_trace_id` have 11 fields (FORMATS.md §3). */
export const CONNECTION_MIN_FIELDS = 11;

/** Parses tokenized ALB connection-log fields (0-based). */
export function parseConnection(f: Fields): ConnectionDocument {
  const n = f.count;
  if (n < CONNECTION_MIN_FIELDS)
    throw new LineError(`alb-connection: expected at least ${CONNECTION_MIN_FIELDS} fields, got ${n}`);
  if (!f.quoted[7]) throw new LineError(`alb-connection: field 8 (leaf_client_cert_subject) must be quoted, got "${fieldText(f, 7)}"`);
  const validity = text(f, 8);
  return {
    time: timestamp(f, 0, 'time')!,
    client_ip: text(f, 1),
    client_port: integer(f, 2, 'client_port'),
    listener_port: integer(f, 3, 'listener_port'),
    tls_protocol: text(f, 4),
    tls_cipher: text(f, 5),
    tls_handshake_latency: measurement(f, 6, 'tls_handshake_latency'),
    leaf_client_cert_subject: quotedText(f, 7),
    leaf_client_cert_validity: validity,
    leaf_client_cert_not_before: validity ? validityPart(validity, 'NotBefore=') : undefined,
    leaf_client_cert_not_after: validity ? validityPart(validity, 'NotAfter=') : undefined,
    leaf_client_cert_serial_number: text(f, 9),
    tls_verify_status: text(f, 10),
    conn_trace_id: n > 11 ? text(f, 11) : undefined,
    tls_keyexchange: n > 12 ? text(f, 12) : undefined,
  };
}

/** `NotBefore=2023-09-21T22:43:21Z;NotAfter=2026-06-17T22:43:21Z` → the named timestamp. */
function validityPart(validity: string, key: string): string | undefined {
  const at = validity.indexOf(key);
  if (at === -1) return undefined;
  const start = at + key.length;
  const end = validity.indexOf(';', start);
  return timestampText(validity.slice(start, end === -1 ? validity.length : end), `leaf_client_cert_validity ${key.slice(0, -1)}`);
}
