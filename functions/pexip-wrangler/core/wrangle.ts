import { FIELDS, UNPARSED_CLASS, type PexipKind } from '../contract';
import { parseAudit } from './audit';
import { parseSupport } from './support';
import { kindOfLine, programTag, syslogHeader } from './syslog';
import { fromEpochMs, parseRfc3339, type EventTime } from './time';
import type { JsonRecord, KindParse, SyslogHeader, Wrangled } from './types';
import { parseWeb } from './web';

export interface WrangleOptions {
  /** The log group's kind; when absent the line's shape decides (support when it says nothing). */
  kind?: PexipKind;
  /** Event time when the line carries none it can be trusted with (the CloudWatch event time). */
  fallbackEpochMs?: number;
  /** The node when the line has no syslog header (the CloudWatch stream name). */
  fallbackNode?: string;
}

/** parse_error of a record whose line holds no valid time: @timestamp is the CloudWatch event time (or the epoch). */
export const NO_EVENT_TIME = 'no valid event time in the line: @timestamp is the CloudWatch event time';

function parseAs(kind: PexipKind, line: string, h: SyslogHeader): KindParse | undefined {
  if (kind === 'support') return parseSupport(line, h);
  const prog = programTag(line, h.restAt);
  const from = prog ? prog.next : h.restAt;
  if (kind === 'audit') return parseAudit(line, h, prog?.tag, from);
  const web = parseWeb(line, h, prog?.tag, from);
  return web.error ? undefined : web;
}

/**
 * One raw syslog line → one record. The hinted kind's parser is tried first, then the kind the
 * line's shape says; a line neither reads becomes an `unparsed` record with `parse_error` and
 * its raw text. `@timestamp` is the event's own time: support → originating date/time (UTC, the
 * node's clock) else syslog_time; audit → the `audit(<epoch>…)` time else syslog_time; web →
 * Apache's `%t` else syslog_time; syslog_time's offset is applied; last the fallback (CloudWatch
 * event time), else the epoch.
 */
export function wrangleLine(line: string, opts: WrangleOptions = {}): Wrangled {
  const h = syslogHeader(line);
  let kind: PexipKind = opts.kind ?? 'support';
  let parsed: KindParse | undefined;
  let error = 'no "<syslog_time> <system> …" header';
  if (h) {
    const shape = kindOfLine(line, h);
    if (opts.kind === undefined && shape) kind = shape;
    parsed = parseAs(kind, line, h);
    if (!parsed && shape && shape !== kind) {
      parsed = parseAs(shape, line, h);
      if (parsed) kind = shape;
    }
    error = `not ${kind === 'audit' ? 'an' : 'a'} ${kind} line`;
  }
  const fallback = (): EventTime => fromEpochMs(opts.fallbackEpochMs ?? 0);
  if (!parsed) {
    // The header fields are kept only when the first one really is a syslog time.
    const syslogTime = h && parseRfc3339(h.syslogTime);
    const time = syslogTime || fallback();
    const node = (syslogTime && h?.system) || opts.fallbackNode;
    const record: JsonRecord = {
      [FIELDS.timestamp]: time.iso,
      [FIELDS.kind]: kind,
      [FIELDS.class]: UNPARSED_CLASS,
      [FIELDS.syslogTime]: syslogTime ? h!.syslogTime : null,
      [FIELDS.system]: node ?? null,
      [FIELDS.parseError]: error,
      [FIELDS.raw]: line,
    };
    return { record, kind, cls: UNPARSED_CLASS, epochMs: time.epochMs, node: node ?? 'unknown', parseError: error };
  }
  const time = parsed.time ?? fallback();
  const record = parsed.record;
  record[FIELDS.timestamp] = time.iso;
  // A line that parses but whose every time is impossible (2019-13-45T99:99:99Z) says so: its @timestamp is not its own.
  const problem = parsed.time ? parsed.error : [parsed.error, NO_EVENT_TIME].filter(Boolean).join('; ');
  if (problem) record[FIELDS.parseError] = problem;
  record[FIELDS.raw] = line;
  return { record, kind, cls: parsed.cls, epochMs: time.epochMs, node: h!.system, ...(problem ? { parseError: problem } : {}) };
}
