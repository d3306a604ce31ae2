import { FIELDS, type PexipKind } from '../contract';
import type { JsonRecord, SyslogHeader } from './types';

/**
 * `<syslog_time> <system> …`, as the syslog server writes each line. Splits on single spaces by
 * index; returns undefined when the line has fewer than three fields.
 */
export function syslogHeader(line: string): SyslogHeader | undefined {
  const a = line.indexOf(' ');
  if (a <= 0) return undefined;
  const b = line.indexOf(' ', a + 1);
  if (b <= a + 1) return undefined;
  let restAt = b + 1;
  while (line.charCodeAt(restAt) === 32) restAt++;
  return { syslogTime: line.slice(0, a), system: line.slice(a + 1, b), restAt };
}

/** The program tag at `at` (`audispd:`, `apache2[123]:`) without `[pid]` and `:`, or undefined. */
export function programTag(line: string, at: number): { tag: string; next: number } | undefined {
  const sp = line.indexOf(' ', at);
  const end = sp < 0 ? line.length : sp;
  if (end - at < 2 || line.charCodeAt(end - 1) !== 58 /* : */) return undefined;
  const bracket = line.indexOf('[', at);
  const tag = line.slice(at, bracket > at && bracket < end ? bracket : end - 1);
  return { tag, next: sp < 0 ? line.length : sp + 1 };
}

/** The kind a line's own shape says, when it says one. */
export function kindOfLine(line: string, h: SyslogHeader): PexipKind | undefined {
  const prog = programTag(line, h.restAt);
  if (prog) {
    const t = prog.tag.toLowerCase();
    if (t.startsWith('audispd') || t === 'audit' || t === 'auditd') return 'audit';
    if (t.startsWith('apache') || t.startsWith('httpd')) return 'web';
  }
  if (line.startsWith('node=', h.restAt) || line.startsWith('type=', h.restAt)) return 'audit';
  // `Level="` after the originating date and time (or right away)
  const lvl = line.indexOf('Level="', h.restAt);
  if (lvl >= 0 && lvl - h.restAt <= 32) return 'support';
  return undefined;
}

/** The fields every record starts with, in the order they are written (`@timestamp` is set last, by wrangle). */
export function recordHead(kind: PexipKind, cls: string, h: SyslogHeader): JsonRecord {
  return { [FIELDS.timestamp]: undefined, [FIELDS.kind]: kind, [FIELDS.class]: cls, [FIELDS.syslogTime]: h.syslogTime, [FIELDS.system]: h.system };
}
