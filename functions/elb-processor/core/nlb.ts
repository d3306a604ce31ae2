import type { Fields } from './tokenize';
import type { NlbDocument } from './types';
import { endpoint, LineError, measurement, text, timestamp } from './values';

/** Version 1.0 ended at `domain_name` (18 fields). */
export const NLB_MIN_FIELDS = 18;

/** Parses space-split NLB TLS-listener fields (0-based). */
export function parseNlb(f: Fields): NlbDocument {
  const v = f.values;
  const n = f.count;
  if (n < NLB_MIN_FIELDS) throw new LineError(`nlb: expected at least ${NLB_MIN_FIELDS} fields, got ${n}`);
  const client = endpoint(v[5]!, 'client:port');
  const destination = endpoint(v[6]!, 'destination:port');
  return {
    type: v[0]!,
    version: v[1]!,
    time: timestamp(v[2]!, 'time')!,
    elb: v[3]!,
    listener: text(v[4]!),
    client_ip: client?.ip,
    client_port: client?.port,
    destination_ip: destination?.ip,
    destination_port: destination?.port,
    connection_time: measurement(v[7]!, 'connection_time'),
    tls_handshake_time: measurement(v[8]!, 'tls_handshake_time'),
    received_bytes: measurement(v[9]!, 'received_bytes'),
    sent_bytes: measurement(v[10]!, 'sent_bytes'),
    incoming_tls_alert: text(v[11]!),
    chosen_cert_arn: text(v[12]!),
    chosen_cert_serial: text(v[13]!),
    tls_cipher: text(v[14]!),
    tls_protocol_version: text(v[15]!),
    tls_named_group: text(v[16]!),
    domain_name: text(v[17]!),
    alpn_fe_protocol: n > 18 ? text(v[18]!) : undefined,
    alpn_be_protocol: n > 19 ? text(v[19]!) : undefined,
    alpn_client_preference_list: n > 20 ? alpnList(v[20]!) : undefined,
    tls_connection_creation_time: n > 21 ? timestamp(v[21]!, 'tls_connection_creation_time') : undefined,
  };
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
