import type { AlbDocument } from './types';
import { fieldText, type Fields } from './tokenize';
import { decodeEscapes, endpoint, integer, integerText, isBlankField, LineError, measurement, quotedText, requestParts, text, noTime, timestamp } from './values';

/** Fewest fields an ALB line may have: the 2016 layout through `trace_id` (FORMATS.md §2). */
export const ALB_MIN_FIELDS = 18;


/** Parses tokenized ALB access-log fields (0-based: field N of FORMATS.md is index N-1). */
export function parseAlb(f: Fields): AlbDocument {
  const n = f.count;
  if (n < ALB_MIN_FIELDS) throw new LineError(`alb: expected at least ${ALB_MIN_FIELDS} fields, got ${n}`);
  // Fields AWS has always quoted; a bare value there means the line is shifted or corrupt.
  if (!f.quoted[12]) notQuoted(f, 12, 'request');
  if (!f.quoted[13]) notQuoted(f, 13, 'user_agent');
  if (!f.quoted[17]) notQuoted(f, 17, 'trace_id');
  const client = endpoint(f, 3, 'client:port');
  const target = endpoint(f, 4, 'target:port');
  const rawRequest = fieldText(f, 12);
  const req = requestParts(rawRequest, f.escapes);
  // conn_trace_id (field 30) is recognised only as `TID_…` or `-`: a line carrying other
  // unknown trailing values there must not have them read as known fields.
  let tid: string | undefined;
  let hasTail = false;
  if (n > 29 && !f.quoted[29]) {
    const t = fieldText(f, 29);
    if (t === '-' || t.startsWith('TID_')) {
      hasTail = true;
      if (t !== '-') tid = t;
    }
  }
  const doc: AlbDocument = {
    type: fieldText(f, 0),
    time: timestamp(f, 1, 'time')!,
    elb: fieldText(f, 2),
    client_ip: client?.ip,
    client_port: client?.port,
    target_ip: target?.ip,
    target_port: target?.port,
    request_processing_time: measurement(f, 5, 'request_processing_time'),
    target_processing_time: measurement(f, 6, 'target_processing_time'),
    response_processing_time: measurement(f, 7, 'response_processing_time'),
    elb_status_code: integer(f, 8, 'elb_status_code'),
    target_status_code: integer(f, 9, 'target_status_code'),
    received_bytes: measurement(f, 10, 'received_bytes'),
    sent_bytes: measurement(f, 11, 'sent_bytes'),
    request: isBlankField(f, 12) ? undefined : f.escapes ? decodeEscapes(rawRequest) : rawRequest,
    request_method: req.method,
    request_url: req.url,
    request_protocol: req.protocol,
    user_agent: quotedText(f, 13),
    ssl_cipher: n > 14 ? text(f, 14) : undefined,
    ssl_protocol: n > 15 ? text(f, 15) : undefined,
    target_group_arn: n > 16 ? text(f, 16) : undefined,
    trace_id: quotedText(f, 17),
    // A leading space occurs in real files (`" some-subdomain.domain.com"`): not part of the SNI.
    domain_name: n > 18 ? trimmed(quotedText(f, 18)) : undefined,
    chosen_cert_arn: n > 19 ? quotedText(f, 19) : undefined,
    matched_rule_priority: n > 20 ? integer(f, 20, 'matched_rule_priority') : undefined,
    request_creation_time: n > 21 ? timestamp(f, 21, 'request_creation_time') : undefined,
    actions_executed: n > 22 ? list(fieldText(f, 22), ',') : undefined,
    redirect_url: n > 23 ? quotedText(f, 23) : undefined,
    error_reason: n > 24 ? quotedText(f, 24) : undefined,
    target_port_list: n > 25 ? list(fieldText(f, 25), ' ') : undefined,
    target_status_code_list: n > 26 ? statusList(f, 26) : undefined,
    classification: n > 27 ? quotedText(f, 27) : undefined,
    classification_reason: n > 28 ? quotedText(f, 28) : undefined,
    conn_trace_id: tid,
    transformed_host: hasTail && n > 30 ? quotedText(f, 30) : undefined,
    transformed_uri: hasTail && n > 31 ? quotedText(f, 31) : undefined,
    request_transform_status: hasTail && n > 32 ? quotedText(f, 32) : undefined,
  };
  // Indexed by day: a record without any time (it used to throw while naming its index) fails with the reason.
  if (doc.time === undefined && doc.request_creation_time === undefined) throw noTime(f, 1);
  return doc;
}

/** `waf,forward` / `10.0.0.1:80 10.0.0.2:80` → items; `-`/empty → undefined. */
function list(raw: string, sep: string): string[] | undefined {
  if (raw === '-' || raw === '') return undefined;
  if (raw.indexOf(sep) === -1) return [raw];
  const items = raw.split(sep).filter((x) => x !== '' && x !== '-');
  return items.length > 0 ? items : undefined;
}

function statusList(f: Fields, i: number): number[] | undefined {
  // One target (the usual case): read the code straight from the line, no string or token array.
  const sp = f.line.indexOf(' ', f.start[i]!);
  if (sp === -1 || sp >= f.end[i]!) {
    const code = integer(f, i, 'target_status_code_list');
    return code === undefined ? undefined : [code];
  }
  const items = list(fieldText(f, i), ' ');
  if (!items) return undefined;
  const codes: number[] = [];
  for (const s of items) {
    const c = integerText(s, 'target_status_code_list');
    if (c !== undefined) codes.push(c);
  }
  return codes.length > 0 ? codes : undefined;
}

function trimmed(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  if (s.charCodeAt(0) !== 32 && s.charCodeAt(s.length - 1) !== 32) return s;
  const t = s.trim();
  return t === '' || t === '-' ? undefined : t;
}

function notQuoted(f: Fields, i: number, name: string): never {
  throw new LineError(`alb: field ${i + 1} (${name}) must be quoted, got "${fieldText(f, i)}"`);
}
