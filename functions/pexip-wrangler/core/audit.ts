import { FIELDS, LOG_MESSAGE_FIELDS } from '../contract';
import { isSpace } from './pairs';
import { parseEpochSeconds, parseRfc3339, type EventTime } from './time';
import { recordHead } from './syslog';
import type { JsonRecord, KindParse, SyslogHeader } from './types';
import { auditValue, fieldName, integerOf } from './value-rules';

const GROUP_SEPARATOR = 0x1d; // auditd's enriched fields (UID="root") follow this character

interface AuditPair {
  key: string;
  value: string;
  quote: number;
  enriched: boolean;
}

/**
 * `k=v` pairs of an audit record: bare values end at whitespace, "…" and '…' values at their
 * closing quote (auditd does not escape inside them). Linear, one pass.
 */
function scanAuditPairs(s: string, from: number, to: number): { pairs: AuditPair[]; problem?: string } {
  const pairs: AuditPair[] = [];
  let i = from;
  let enriched = false;
  while (i < to) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      if (c === GROUP_SEPARATOR) enriched = true;
      i++;
      continue;
    }
    const eq = indexOfBefore(s, '=', i, to);
    const sp = nextSpace(s, i, to);
    if (eq < 0 || eq > sp) return { pairs, problem: `not a key=value pair: ${s.slice(i, Math.min(sp, i + 40))}` };
    const key = s.slice(i, eq);
    const q = s.charCodeAt(eq + 1);
    if (q === 34 || q === 39) {
      const close = s.indexOf(String.fromCharCode(q), eq + 2);
      if (close < 0 || close >= to) return { pairs, problem: `value of ${key} has no closing quote` };
      pairs.push({ key, value: s.slice(eq + 2, close), quote: q, enriched });
      i = close + 1;
    } else {
      pairs.push({ key, value: s.slice(eq + 1, sp), quote: 0, enriched });
      i = sp;
    }
  }
  return { pairs };
}

function indexOfBefore(s: string, ch: string, from: number, to: number): number {
  const i = s.indexOf(ch, from);
  return i < 0 || i >= to ? -1 : i;
}

function nextSpace(s: string, from: number, to: number): number {
  let i = from;
  while (i < to && !isSpace(s.charCodeAt(i))) i++;
  return i;
}

function pairsToObject(pairs: AuditPair[], into: JsonRecord): void {
  let enriched: JsonRecord | undefined;
  for (const p of pairs) {
    const target = p.enriched ? (enriched ??= {}) : into;
    const name = fieldName(p.key);
    if (!(name in target)) target[name] = auditValue(p.key, p.value);
  }
  // Enriched names (UID) differ from the raw ones (uid) only by case: beside them they would
  // clash in case-insensitive readers (Athena), so they get their own object.
  if (enriched) into.enriched = enriched;
}

/**
 * `<syslog_time> <system> audispd: node=<fqdn> type=<TYPE> msg=audit(<epoch>.<ms>:<serial>): k=v … [msg='k=v …']`.
 * `log_message.msg` is the `audit(…)` text, the nested `msg='…'` pairs are `log_message.submsg`
 * (as the original's structs), the serial is `audit_serial`, and the event time is the epoch.
 */
export function parseAudit(line: string, h: SyslogHeader, tag: string | undefined, from: number): KindParse | undefined {
  const scan = scanAuditPairs(line, from, line.length);
  if (scan.pairs.length === 0) return undefined;
  let fqdn: string | null = null;
  let type: string | undefined;
  let auditText: string | undefined;
  const logMessage: JsonRecord = {};
  const rest: AuditPair[] = [];
  for (const p of scan.pairs) {
    if (p.key === 'node' && fqdn === null && !p.enriched) fqdn = p.value;
    else if (p.key === 'type' && type === undefined && !p.enriched) type = p.value;
    else if (p.key === 'msg' && auditText === undefined && p.quote === 0 && p.value.startsWith('audit(')) {
      auditText = p.value.endsWith(':') ? p.value.slice(0, -1) : p.value;
    } else if (p.key === 'msg' && p.quote === 39 && !(LOG_MESSAGE_FIELDS.submsg in logMessage)) {
      const inner = scanAuditPairs(p.value, 0, p.value.length);
      if (inner.problem === undefined && inner.pairs.length > 0) {
        const sub: JsonRecord = {};
        pairsToObject(inner.pairs, sub);
        logMessage[LOG_MESSAGE_FIELDS.submsg] = sub;
      } else logMessage[`${LOG_MESSAGE_FIELDS.submsg}_text`] = p.value;
    } else rest.push(p);
  }
  if (type === undefined && auditText === undefined) return undefined;
  logMessage[LOG_MESSAGE_FIELDS.msg] = auditText ?? null;
  const submsg = logMessage[LOG_MESSAGE_FIELDS.submsg];
  delete logMessage[LOG_MESSAGE_FIELDS.submsg];
  pairsToObject(rest, logMessage);
  if (submsg !== undefined) logMessage[LOG_MESSAGE_FIELDS.submsg] = submsg;

  let time: EventTime | undefined;
  let serial: number | null = null;
  if (auditText !== undefined) {
    const colon = auditText.lastIndexOf(':');
    const close = auditText.lastIndexOf(')');
    if (colon > 6 && close > colon) {
      time = parseEpochSeconds(auditText.slice(6, colon));
      serial = integerOf(auditText.slice(colon + 1, close)) ?? null;
    }
  }
  const cls = type ?? 'UNKNOWN';
  const record: JsonRecord = {
    ...recordHead('audit', cls, h),
    [FIELDS.audit]: tag ?? null,
    [FIELDS.systemFqdn]: fqdn,
    [FIELDS.type]: type ?? null,
    [FIELDS.auditSerial]: serial,
    [FIELDS.logMessage]: logMessage,
  };
  return { record, cls, time: time ?? parseRfc3339(h.syslogTime), ...(scan.problem ? { error: scan.problem } : {}) };
}
