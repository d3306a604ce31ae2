import { fieldText, type Fields } from './tokenize';
import type { ClassicDocument } from './types';
import { decodeEscapes, endpoint, isBlankField, integer, LineError, measurement, quotedText, requestParts, text, timestamp } from './values';

/** The 2014 Classic layout stops after `request` (12 fields); user agent and SSL fields came in 2015. */
export const CLASSIC_MIN_FIELDS = 12;

/** Parses tokenized Classic ELB fields (0-based). */
export function parseClassic(f: Fields): ClassicDocument {
  const n = f.count;
  if (n < CLASSIC_MIN_FIELDS) throw new LineError(`classic: expected at least ${CLASSIC_MIN_FIELDS} fields, got ${n}`);
  if (!f.quoted[11]) throw new LineError(`classic: field 12 (request) must be quoted, got "${fieldText(f, 11)}"`);
  if (n > 12 && !f.quoted[12]) throw new LineError(`classic: field 13 (user_agent) must be quoted, got "${fieldText(f, 12)}"`);
  const client = endpoint(f, 2, 'client:port');
  const backend = endpoint(f, 3, 'backend:port');
  const rawRequest = fieldText(f, 11);
  const req = requestParts(rawRequest, f.escapes);
  return {
    time: timestamp(f, 0, 'time')!,
    elb: fieldText(f, 1),
    client_ip: client?.ip,
    client_port: client?.port,
    backend_ip: backend?.ip,
    backend_port: backend?.port,
    request_processing_time: measurement(f, 4, 'request_processing_time'),
    backend_processing_time: measurement(f, 5, 'backend_processing_time'),
    response_processing_time: measurement(f, 6, 'response_processing_time'),
    elb_status_code: integer(f, 7, 'elb_status_code'),
    backend_status_code: integer(f, 8, 'backend_status_code'),
    received_bytes: measurement(f, 9, 'received_bytes'),
    sent_bytes: measurement(f, 10, 'sent_bytes'),
    request: isBlankField(f, 11) ? undefined : f.escapes ? decodeEscapes(rawRequest) : rawRequest,
    request_method: req.method,
    request_url: req.url,
    request_protocol: req.protocol,
    user_agent: n > 12 ? quotedText(f, 12) : undefined,
    ssl_cipher: n > 13 ? text(f, 13) : undefined,
    ssl_protocol: n > 14 ? text(f, 14) : undefined,
  };
}
