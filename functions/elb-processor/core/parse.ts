import { parseAlb } from './alb';
import { parseClassic } from './classic';
import { parseConnection } from './connection';
import { parseNlb } from './nlb';
import { MAX_FIELDS, newFields, tokenize, type Fields } from './tokenize';
import type { AlbDocument, LineResult, LogType, NlbDocument } from './types';
import { clip, LineError, looksLikeTimestamp, timestampAt } from './values';

/** ALB `type` values AWS documents (FORMATS.md §2, field 1): http https h2 grpcs ws wss. */

/**
 * Which layout a line is in, from its first token (as OTel does): an ALB request type,
 * `tls` (NLB), or a timestamp (Classic, or a connection log when the third field is a bare
 * port rather than `ip:port`). `Enable … for ELB` is AWS's control text.
 */
export function detectLineType(line: string): LogType | 'control' | undefined {
  const sp = line.indexOf(' ');
  // ALB type words are 2..5 letters: skip the slice and set lookup for anything longer.
  if (sp >= 2 && sp <= 5 && isAlbType(line, sp)) return 'alb';
  const first = sp === -1 ? line : line.slice(0, sp);
  if (first === 'tls') return 'nlb';
  if (first === 'Enable' && line.includes(' for ELB')) return 'control';
  if (looksLikeTimestamp(first)) {
    // Classic: `time elb client:port …`; connection log: `time client_ip client_port …`.
    const second = line.indexOf(' ', sp + 1);
    if (second === -1) return 'classic';
    let third = line.indexOf(' ', second + 1);
    if (third === -1) third = line.length;
    const token = line.slice(second + 1, third);
    return isDigits(token) ? 'alb-connection' : 'classic';
  }
  return undefined;
}

function isAlbType(line: string, sp: number): boolean {
  switch (sp) {
    case 2: return line.startsWith('h2') || line.startsWith('ws');
    case 3: return line.startsWith('wss');
    case 4: return line.startsWith('http');
    case 5: return line.startsWith('https') || line.startsWith('grpcs');
    default: return false;
  }
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

// One reusable field buffer: parsing is synchronous, so no two lines share it at once.
const fields: Fields = newFields();

/** Parses one line (without its line terminator) into a typed document, a skip, or a failure with a reason. */
export function parseLine(line: string): LineResult {
  if (isBlank(line)) return { kind: 'blank' };
  const type = detectLineType(line);
  if (type === 'control') return { kind: 'control' };
  if (type === undefined) {
    const sp = line.indexOf(' ');
    return { kind: 'failed', type: undefined, reason: `unknown log type: first field "${clip(sp === -1 ? line : line.slice(0, sp), 40)}"` };
  }
  try {
    const err = tokenize(line, fields, type !== 'nlb');
    if (err !== undefined) return { kind: 'failed', type, reason: err };
    // Checked before the layout, whose tolerance of unknown trailing fields would hide a second record.
    const second = secondRecordAt(fields, type);
    if (second !== -1) {
      return { kind: 'failed', type, reason: `field ${second + 1} is the timestamp of another record: the line holds more than one (missing line break?)` };
    }
    if (fields.more) return { kind: 'failed', type, reason: `more than ${MAX_FIELDS} fields: records run together (missing line breaks?)` };
    switch (type) {
      case 'nlb': {
        const doc = parseNlb(fields);
        return { kind: 'doc', type, timestamp: nlbTimestamp(doc), doc };
      }
      case 'alb': {
        const doc = parseAlb(fields);
        return { kind: 'doc', type, timestamp: albTimestamp(doc), doc };
      }
      case 'classic': {
        const doc = parseClassic(fields);
        return { kind: 'doc', type, timestamp: doc.time, doc };
      }
      case 'alb-connection': {
        const doc = parseConnection(fields);
        return { kind: 'doc', type, timestamp: doc.time, doc };
      }
    }
  } catch (e) {
    if (e instanceof LineError) return { kind: 'failed', type, reason: e.message };
    throw e;
  }
}

/** Where each layout has timestamps (0-based); a bare timestamp anywhere else starts another record. */
const TIME_FIELDS: Record<LogType, readonly number[]> = { alb: [1, 21], nlb: [2, 21], classic: [0], 'alb-connection': [0] };
const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);
// Shortest and longest timestamps AWS writes (`2018-12-20T02:59:40` … nanoseconds and `Z`).
const MIN_TIME_LENGTH = 19;
const MAX_TIME_LENGTH = 31;

/**
 * The field index of a second record's timestamp in a tokenized line, or -1. Every layout has
 * a timestamp within its first three fields and nowhere else but `TIME_FIELDS`, so a record
 * glued to the previous one (missing line break) shows as a bare timestamp out of place; at a
 * layout's own later time field it is another record when the fields before it start one
 * (`http <time>`, `tls 2.0 <time>`). Lengths are compared first: most lines cost no character read.
 */
function secondRecordAt(f: Fields, type: LogType): number {
  const own = TIME_FIELDS[type];
  const line = f.line;
  for (let i = 1; i < f.count; i++) {
    const from = f.start[i]!;
    const len = f.end[i]! - from;
    // Length, then `T` at 10 and `-` at 4, before the full shape: most fields fail on the first test.
    if (len < MIN_TIME_LENGTH || len > MAX_TIME_LENGTH || line.charCodeAt(from + 10) !== 84 || line.charCodeAt(from + 4) !== 45) continue;
    if (i === own[0] || f.quoted[i] || !timestampAt(line, from, from + len)) continue;
    if (!own.includes(i)) return i;
    if (isField(f, i - 1, ALB_TYPES) || (i > 1 && line.startsWith('tls ', f.start[i - 2]!))) return i;
  }
  return -1;
}

function isField(f: Fields, i: number, words: ReadonlySet<string>): boolean {
  const len = f.end[i]! - f.start[i]!;
  return len >= 2 && len <= 5 && !f.quoted[i] && words.has(f.line.slice(f.start[i]!, f.end[i]!));
}

// ALB `time` is when the response was generated; `request_creation_time` is when the
// request arrived (FORMATS.md §6.6). Layouts before 2018-07 lack the latter.
function albTimestamp(doc: AlbDocument): string {
  return doc.request_creation_time ?? doc.time;
}

// NLB `time` is the END of the TLS connection; `tls_connection_creation_time` (newest layout) its start.
function nlbTimestamp(doc: NlbDocument): string {
  return doc.tls_connection_creation_time ?? doc.time;
}

function isBlank(line: string): boolean {
  // Lines start with a non-space character; only then is the whole line scanned.
  if (line.length > 0 && line.charCodeAt(0) !== 32 && line.charCodeAt(0) !== 9) return false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
