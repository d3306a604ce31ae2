import { fieldText, type Fields } from './tokenize';
import type { NlbDocument } from './types';
import { endpoint, LineError, measurement, text, noTime, timestamp } from './values';

/** Version 1.0 ended at `domain_name` (18 fields). */
export const NLB_MIN_FIELDS = 18;

/** Parses space-split NLB TLS-listener fields (0-based). */
export function parseNlb(f: Fields): NlbDocument {
  const n = f.count;
  if (n < NLB_MIN_FIELDS) throw new LineError(`nlb: expected at least ${NLB_MIN_FIELDS} fields, got ${n}`);
  const client = endpoint(f, 5, 'client:port');
  const destination = endpoint(f, 6, 'destination:port');
  const doc: NlbDocument = {
    type: fieldText(f, 0),
    version: fieldText(f, 1),
    time: timestamp(f, 2, 'time')!,
    elb: fieldText(f, 3),
    listener: text(f, 4),
    client_ip: client?.ip,
    client_port: client?.port,
    destination_ip: destination?.ip,
    destination_port: destination?.port,
    connection_time: measurement(f, 7, 'connection_time'),
    tls_handshake_time: measurement(f, 8, 'tls_handshake_time'),
    received_bytes: measurement(f, 9, 'received_bytes'),
    sent_bytes: measurement(f, 10, 'sent_bytes'),
    incoming_tls_alert: text(f, 11),
    chosen_cert_arn: text(f, 12),
    chosen_cert_serial: text(f, 13),
    tls_cipher: text(f, 14),
    tls_protocol_version: text(f, 15),
    tls_named_group: text(f, 16),
    domain_name: text(f, 17),
    alpn_fe_protocol: n > 18 ? text(f, 18) : undefined,
    alpn_be_protocol: n > 19 ? text(f, 19) : undefined,
    alpn_client_preference_list: n > 20 ? alpnList(fieldText(f, 20)) : undefined,
    tls_connection_creation_time: n > 21 ? timestamp(f, 21, 'tls_connection_creation_time') : undefined,
  };
  // Indexed by day: a record without any time (it used to throw while naming its index) fails with the reason.
  if (doc.time === undefined && doc.tls_connection_creation_time === undefined) throw noTime(f, 2);
  return doc;
}

/** `"h2","http/1.1"` (quotes inside an unquoted field; one fixture escapes them as `\"`) → `['h2', 'http/1.1']`. */
function alpnList(raw: string): string[] | undefined {
  if (raw === '-' || raw === '') return undefined;
  const items: string[] = [];
  for (const part of raw.split(',')) {
    let s = part;
    if (s.startsWith('\\"')) s = s.slice(2);
    else if (s.startsWith('"')) s = s.slice(1);
    if (s.endsWith('\\"')) s = s.slice(0, -2);
    else if (s.endsWith('"')) s = s.slice(0, -1);
    if (s !== '' && s !== '-') items.push(s);
  }
  return items.length > 0 ? items : undefined;
}
