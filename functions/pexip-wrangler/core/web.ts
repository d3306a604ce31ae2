import { FIELDS, WEB_CLASS } from '../contract';
import { parseApacheTime, parseRfc3339 } from './time';
import { recordHead } from './syslog';
import type { JsonRecord, KindParse, SyslogHeader } from './types';
import { integerOf } from './value-rules';

/**
 * Apache access-log fields: bare words end at a space, `[…]` at `]`, `"…"` at a `"` not escaped
 * by a backslash. One pass.
 */
export function accessFields(s: string, from: number): string[] {
  const out: string[] = [];
  let i = from;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 34 /* " */) {
      let j = i + 1;
      let text = '';
      let chunk = j;
      for (;;) {
        if (j >= n) break;
        const d = s.charCodeAt(j);
        // Apache writes `\"` and `\\` for those characters; `\xhh` escapes stay as written.
        if (d === 92 && (s.charCodeAt(j + 1) === 34 || s.charCodeAt(j + 1) === 92)) {
          text += s.slice(chunk, j) + s[j + 1];
          j += 2;
          chunk = j;
          continue;
        }
        if (d === 34) break;
        j++;
      }
      out.push(text + s.slice(chunk, j));
      i = j + 1;
    } else if (c === 91 /* [ */) {
      const close = s.indexOf(']', i);
      const end = close < 0 ? n : close;
      out.push(s.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < n && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 9) j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

const dash = (v: string | undefined): string | null => (v === undefined || v === '-' ? null : v);

/**
 * `<syslog_time> <system> apache…: %h %l %u %t "%r" %>s %b ["%{Referer}i" "%{User-Agent}i"] [extra…]`
 * (common and combined formats; fields a custom LogFormat adds after them are kept in `extra`).
 */
export function parseWeb(line: string, h: SyslogHeader, tag: string | undefined, from: number): KindParse {
  const f = accessFields(line, from);
  const time = f[3] !== undefined ? parseApacheTime(f[3]) : undefined;
  const status = f[5] !== undefined ? integerOf(f[5]) : undefined;
  const base: JsonRecord = { ...recordHead('web', WEB_CLASS, h), [FIELDS.program]: tag ?? null };
  if (f.length < 7 || time === undefined || status === undefined) {
    return { record: base, cls: WEB_CLASS, time: parseRfc3339(h.syslogTime), error: 'not an Apache common/combined access line' };
  }
  const request = f[4]!;
  const sp1 = request.indexOf(' ');
  const sp2 = request.lastIndexOf(' ');
  const bytes = f[6] === '-' ? null : integerOf(f[6]!) ?? null;
  const logMessage: JsonRecord = {
    client: f[0],
    ident: dash(f[1]),
    user: dash(f[2]),
    time: f[3],
    request,
    method: sp1 > 0 ? request.slice(0, sp1) : null,
    path: sp1 > 0 ? request.slice(sp1 + 1, sp2 > sp1 ? sp2 : undefined) : null,
    protocol: sp2 > sp1 && sp1 > 0 ? request.slice(sp2 + 1) : null,
    status,
    bytes,
    referrer: dash(f[7]),
    user_agent: dash(f[8]),
  };
  if (f.length > 9) logMessage.extra = f.slice(9);
  return { record: { ...base, [FIELDS.logMessage]: logMessage }, cls: WEB_CLASS, time };
}
