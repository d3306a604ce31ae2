/**
 * A SIP message logged in a Detail, already split into lines: the start line (request or status),
 * headers (names lower-cased, compact forms kept as they are, repeated headers as arrays, folded
 * lines joined), and the body: SDP as lines, anything else as lines.
 */
export interface SipMessage {
  start_line: string;
  method?: string;
  request_uri?: string;
  status_code?: number;
  reason?: string;
  version: string;
  headers: Record<string, string | string[]>;
  sdp?: string[];
  body?: string[];
}

function isSdpLine(line: string): boolean {
  const c = line.charCodeAt(0);
  return line.length >= 2 && c >= 97 && c <= 122 && line.charCodeAt(1) === 61 /* = */;
}

/** The parsed message, or undefined when the first line is not a SIP start line. */
export function parseSip(lines: string[]): SipMessage | undefined {
  const start = (lines[0] ?? '').trim();
  let msg: SipMessage;
  if (start.startsWith('SIP/')) {
    const sp1 = start.indexOf(' ');
    if (sp1 < 0) return undefined;
    const sp2 = start.indexOf(' ', sp1 + 1);
    const code = Number(start.slice(sp1 + 1, sp2 < 0 ? undefined : sp2));
    if (!Number.isInteger(code) || code < 100 || code > 699) return undefined;
    msg = { start_line: start, status_code: code, reason: sp2 < 0 ? '' : start.slice(sp2 + 1), version: start.slice(0, sp1), headers: {} };
  } else {
    const sp1 = start.indexOf(' ');
    const sp2 = start.lastIndexOf(' ');
    if (sp1 <= 0 || sp2 <= sp1 || !start.startsWith('SIP/', sp2 + 1)) return undefined;
    msg = { start_line: start, method: start.slice(0, sp1), request_uri: start.slice(sp1 + 1, sp2), version: start.slice(sp2 + 1), headers: {} };
  }
  let i = 1;
  let last: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      break;
    }
    if (isSdpLine(line)) break; // a body with no blank line before it
    const first = line.charCodeAt(0);
    if ((first === 32 || first === 9) && last !== undefined) {
      const cur = msg.headers[last]!;
      if (Array.isArray(cur)) cur[cur.length - 1] += ` ${line.trim()}`;
      else msg.headers[last] = `${cur} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header line: the raw line and Detail still hold it
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = msg.headers[name];
    msg.headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    last = name;
  }
  if (i < lines.length) {
    const body = lines.slice(i);
    const type = msg.headers['content-type'] ?? msg.headers.c;
    if ((typeof type === 'string' && type.toLowerCase().includes('sdp')) || isSdpLine(body[0]!)) msg.sdp = body;
    else msg.body = body;
  }
  return msg;
}
