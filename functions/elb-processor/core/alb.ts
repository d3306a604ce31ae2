import type { Fields } from './tokenize';
import type { AlbDocument } from './types';
import { endpoint, integer, LineError, measurement, quotedText, requestParts, text, timestamp } from './values';

/** Fewest fields an ALB line may have: the 2016 layout through `trace_id` (FORMATS.md §2). */
export const ALB_MIN_FIELDS = 18;

/** Fields AWS has always quoted; a bare value there means the line is shifted or corrupt. */
const ALWAYS_QUOTED: ReadonlyArray<[number, string]> = [
  [12, 'request'],
  [13, 'user_agent'],
  [17, 'trace_id'],
];

/** Parses tokenized ALB access-log fields (0-based: field N of FORMATS.md is index N-1). */
export function parseAlb(f: Fields): AlbDocument {
  const v = f.values;
  const n = f.count;
  if (n < ALB_MIN_FIELDS) throw new LineError(`alb: expected at least ${ALB_MIN_FIELDS} fields, got ${n}`);
  for (const [i, name] of ALWAYS_QUOTED) {
    if (!f.quoted[i]) throw new LineError(`alb: field ${i + 1} (${name}) must be quoted, got "${v[i]}"`);
  }
  const client = endpoint(v[3]!, 'client:port');
  const target = endpoint(v[4]!, 'target:port');
  const rawRequest = v[12]!;
  const req = requestParts(rawRequest);
  // conn_trace_id (field 30) is recognised only as `TID_…` or `-`: a line carrying other
  // unknown trailing values there must not have them read as known fields.
  const tid = n > 29 && !f.quoted[29] && (v[29] === '-' || v[29]!.startsWith('TID_')) ? v[29]! : undefined;
  const hasTail = tid !== undefined;
  return {
    type: v[0]!,
    time: timestamp(v[1]!, 'time')!,
    elb: v[2]!,
    client_ip: client?.ip,
    client_port: client?.port,
    target_ip: target?.ip,
    target_port: target?.port,
    request_processing_time: measurement(v[5]!, 'request_processing_time'),
    target_processing_time: measurement(v[6]!, 'target_processing_time'),
    response_processing_time: measurement(v[7]!, 'response_processing_time'),
    elb_status_code: integer(v[8]!, 'elb_status_code'),
    target_status_code: integer(v[9]!, 'target_status_code'),
    received_bytes: measurement(v[10]!, 'received_bytes'),
    sent_bytes: measurement(v[11]!, 'sent_bytes'),
    request: quotedText(rawRequest),
    request_method: req.method,
    request_url: req.url,
    request_protocol: req.protocol,
    user_agent: quotedText(v[13]!),
    ssl_cipher: n > 14 ? text(v[14]!) : undefined,
    ssl_protocol: n > 15 ? text(v[15]!) : undefined,
    target_group_arn: n > 16 ? text(v[16]!) : undefined,
    trace_id: quotedText(v[17]!),
    // A leading space occurs in real files (`" some-subdomain.domain.com"`): not part of the SNI.
    domain_name: n > 18 ? trimmed(quotedText(v[18]!)) : undefined,
    chosen_cert_arn: n > 19 ? quotedText(v[19]!) : undefined,
    matched_rule_priority: n > 20 ? integer(v[20]!, 'matched_rule_priority') : undefined,
    request_creation_time: n > 21 ? timestamp(v[21]!, 'request_creation_time') : undefined,
    actions_executed: n > 22 ? list(v[22]!, ',') : undefined,
    redirect_url: n > 23 ? quotedText(v[23]!) : undefined,
    error_reason: n > 24 ? quotedText(v[24]!) : undefined,
    target_port_list: n > 25 ? list(v[25]!, ' ') : undefined,
    target_status_code_list: n > 26 ? statusList(v[26]!) : undefined,
    classification: n > 27 ? quotedText(v[27]!) : undefined,
    classification_reason: n > 28 ? quotedText(v[28]!) : undefined,
    conn_trace_id: tid === '-' ? undefined : tid,
    transformed_host: hasTail && n > 30 ? quotedText(v[30]!) : undefined,
    transformed_uri: hasTail && n > 31 ? quotedText(v[31]!) : undefined,
    request_transform_status: hasTail && n > 32 ? quotedText(v[32]!) : undefined,
  };
}

/** `waf,forward` / `10.0.0.1:80 10.0.0.2:80` → items; `-`/empty → undefined. */
function list(raw: string, sep: string): string[] | undefined {
  if (raw === '-' || raw === '') return undefined;
  if (raw.indexOf(sep) === -1) return [raw];
  const items = raw.split(sep).filter((x) => x !== '' && x !== '-');
  return items.length > 0 ? items : undefined;
}

function statusList(raw: string): number[] | undefined {
  const items = list(raw, ' ');
  if (!items) return undefined;
  return items.map((s) => integer(s, 'target_status_code_list')!);
}

function trimmed(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return t === '' || t === '-' ? undefined : t;
}
