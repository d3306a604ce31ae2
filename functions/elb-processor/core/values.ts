import { fieldText, type Fields } from './tokenize';
import { ReasonError } from '../../shared/reason-error';

/**
 * Field value conversions shared by every log type, and THE sentinel policy:
 *
 * - `-`, `"-"` and an empty field mean "no value": the field is left out of the document.
 * - `-1` in a measurement (processing/handshake/connection times, byte counts) or in an
 *   address field means "not dispatched / not measured" in AWS's docs: also left out, so
 *   averages and sums are never skewed by it. Query `NOT _exists_:target_processing_time`
 *   to find such requests.
 * - `matched_rule_priority` keeps `-1`: AWS defines it as "rule-evaluation error", a value.
 * - `0` is always a value (a backend status code of 0 occurs in real files).
 *
 * Values that are present but not of the documented shape (a word where a number belongs)
 * throw a LineError: that is how a shifted or corrupted line is caught instead of indexed
 * with fields in the wrong places.
 *
 * Converters read straight from the line (`Fields` offsets) and allocate a string only for
 * values that stay strings.
 */
export class LineError extends ReasonError {
  override readonly name = 'LineError';
}

const DASH = 45;

/** Field i is `-` or empty: no value. */
export function isBlankField(f: Fields, i: number): boolean {
  const len = f.end[i]! - f.start[i]!;
  return len === 0 || (len === 1 && f.line.charCodeAt(f.start[i]!) === DASH);
}

function isMinusOne(f: Fields, i: number): boolean {
  const s = f.start[i]!;
  return f.end[i]! - s === 2 && f.line.charCodeAt(s) === DASH && f.line.charCodeAt(s + 1) === 49;
}

/** A measurement: seconds or milliseconds or bytes. `-`, empty and `-1` give undefined. */
export function measurement(f: Fields, i: number, field: string): number | undefined {
  const from = f.start[i]!;
  const to = f.end[i]!;
  const len = to - from;
  if (len === 0) return undefined;
  if (len <= 2 && f.line.charCodeAt(from) === DASH && (len === 1 || f.line.charCodeAt(from + 1) === 49)) return undefined;
  const n = decimal(f.line, from, to);
  if (n !== n) throw new LineError(`${field}: expected a number, got "${clip(fieldText(f, i))}"`);
  return n;
}

/** An integer code (status code, rule priority, port). `-` and empty give undefined; -1 is kept. */
export function integer(f: Fields, i: number, field: string): number | undefined {
  const from = f.start[i]!;
  const to = f.end[i]!;
  if (to === from || (to - from === 1 && f.line.charCodeAt(from) === DASH)) return undefined;
  const n = decimal(f.line, from, to);
  if (!(n === Math.floor(n))) throw new LineError(`${field}: expected an integer, got "${clip(fieldText(f, i))}"`);
  return n;
}

/** An integer from a string (list items). */
export function integerText(v: string, field: string): number | undefined {
  if (v === '-' || v === '') return undefined;
  const n = decimal(v, 0, v.length);
  if (!(n === Math.floor(n))) throw new LineError(`${field}: expected an integer, got "${clip(v)}"`);
  return n;
}

/** A plain string field: `-` and empty give undefined. */
export function text(f: Fields, i: number): string | undefined {
  const from = f.start[i]!;
  const to = f.end[i]!;
  if (to === from || (to - from === 1 && f.line.charCodeAt(from) === DASH)) return undefined;
  return f.line.slice(from, to);
}

/** A quoted string field: `-`/empty give undefined; `\xHH` and `\"` escapes are decoded. */
export function quotedText(f: Fields, i: number): string | undefined {
  const v = text(f, i);
  return v !== undefined && f.escapes ? decodeEscapes(v) : v;
}

/** A string with AWS escapes decoded (see unescapeAws). */
export function decodeEscapes(v: string): string {
  return v.indexOf('\\') === -1 ? v : unescapeAws(v);
}

/**
 * `[-]digits[.digits]` in v[from, to) → number, NaN for anything else (exponents fall back
 * to `Number`). Hand-rolled because it is the hottest conversion (8+ per line): integer part
 * and fraction are exact integers, so `int + frac / 10^k` is the correctly rounded value
 * `Number(v)` gives.
 */
export function decimal(v: string, from: number, to: number): number {
  let i = from;
  let neg = false;
  if (i < to && v.charCodeAt(i) === DASH) {
    neg = true;
    i++;
  }
  const startInt = i;
  let int = 0;
  let c = 0;
  while (i < to && (c = v.charCodeAt(i)) >= 48 && c <= 57) {
    int = int * 10 + (c - 48);
    i++;
  }
  const intDigits = i - startInt;
  let value = int;
  if (i < to && c === 46) {
    i++;
    const startFrac = i;
    let frac = 0;
    while (i < to && (c = v.charCodeAt(i)) >= 48 && c <= 57) {
      frac = frac * 10 + (c - 48);
      i++;
    }
    const digits = i - startFrac;
    if (digits === 0 && intDigits === 0) return NaN;
    if (digits > 15) return slow(v, from, to);
    value = int + frac / POW10[digits]!;
  } else if (intDigits === 0) {
    return NaN;
  }
  if (i !== to || intDigits > 15) return slow(v, from, to);
  return neg ? -value : value;
}

export const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function slow(v: string, from: number, to: number): number {
  const s = v.slice(from, to);
  return isNumeric(s) ? +s : NaN;
}

// `+' '` is 0 and `+'0x1f'` is 31: accept only what AWS writes (optional sign, digits, dot, exponent).
function isNumeric(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69)) return false;
  }
  return v.length > 0;
}

export function clip(v: string, max = 80): string {
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

/**
 * A timestamp as AWS writes it (`2018-07-02T22:23:00.186641Z`, NLB's `2018-12-20T02:59:40`
 * without zone, which is UTC) → ISO 8601 UTC with `Z`, fraction kept as written.
 */
export function timestamp(f: Fields, i: number, field: string): string | undefined {
  const from = f.start[i]!;
  const to = f.end[i]!;
  // Validated on the (flat) line before slicing: the cheapest place to read characters.
  // `-`/empty never match, so the blank test is only needed on the rare miss.
  if (!timestampAt(f.line, from, to)) {
    if (isBlankField(f, i)) return undefined;
    throw new LineError(`${field}: expected an ISO 8601 timestamp, got "${clip(fieldText(f, i))}"`);
  }
  if (!calendarValid(f.line, from)) throw new LineError(`${field}: "${clip(fieldText(f, i))}" is not a real date and time`);
  const v = f.line.slice(from, to);
  return f.line.charCodeAt(to - 1) === 90 /* Z */ ? v : `${v}Z`;
}

/** A record with no time at all (its time fields all `-` or empty) cannot be indexed by day: it fails with this. */
export function noTime(f: Fields, i: number): LineError {
  return new LineError(`time: expected an ISO 8601 timestamp, got "${clip(fieldText(f, i))}"`);
}

export function timestampText(v: string, field: string): string {
  if (!looksLikeTimestamp(v)) throw new LineError(`${field}: expected an ISO 8601 timestamp, got "${clip(v)}"`);
  if (!calendarValid(v, 0)) throw new LineError(`${field}: "${clip(v)}" is not a real date and time`);
  return v.charCodeAt(v.length - 1) === 90 /* Z */ ? v : `${v}Z`;
}

export function looksLikeTimestamp(v: string): boolean {
  return timestampAt(v, 0, v.length);
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction][Z]` exactly spans v[from, to). A sticky regex: one call into
 * compiled native code costs less than the ~25 `charCodeAt` calls of a hand-written check
 * (measured on ALB lines, two timestamps per line). Greedy, so it ends at `to` exactly when
 * the whole field has the shape.
 */
const TIMESTAMP = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?/y;

export function timestampAt(v: string, from: number, to: number): boolean {
  TIMESTAMP.lastIndex = from;
  return TIMESTAMP.test(v) && TIMESTAMP.lastIndex === to;
}

/**
 * The shape says nothing about the calendar: `2024-13-45T25:61:00Z` has it. A date that does not
 * exist would name an index (`elb-alb-2024.13.45`) and poison a date field, so the line fails
 * instead. Reads the digits of a shape-checked timestamp at v[from]; seconds stop at 59 (AWS
 * writes no leap seconds).
 */
export function calendarValid(v: string, from: number): boolean {
  // Digits read in place (no helper closure: this runs twice per line). `- 528` is `- 48 * 11`.
  const month = v.charCodeAt(from + 5) * 10 + v.charCodeAt(from + 6) - 528;
  const day = v.charCodeAt(from + 8) * 10 + v.charCodeAt(from + 9) - 528;
  const hour = v.charCodeAt(from + 11) * 10 + v.charCodeAt(from + 12) - 528;
  if (!clockValid(month, day, hour, v.charCodeAt(from + 14), v.charCodeAt(from + 17))) return false;
  if (day <= 28) return true;
  const year = (v.charCodeAt(from) - 48) * 1000 + (v.charCodeAt(from + 1) - 48) * 100 + (v.charCodeAt(from + 2) - 48) * 10 + v.charCodeAt(from + 3) - 48;
  return dayInMonth(year, month, day);
}

/** The same check on the bytes of a shape-checked timestamp at b[from] (the byte-level ALB path). */
export function calendarValidBytes(b: Uint8Array, from: number): boolean {
  const month = b[from + 5]! * 10 + b[from + 6]! - 528;
  const day = b[from + 8]! * 10 + b[from + 9]! - 528;
  const hour = b[from + 11]! * 10 + b[from + 12]! - 528;
  if (!clockValid(month, day, hour, b[from + 14]!, b[from + 17]!)) return false;
  if (day <= 28) return true;
  const year = (b[from]! - 48) * 1000 + (b[from + 1]! - 48) * 100 + (b[from + 2]! - 48) * 10 + b[from + 3]! - 48;
  return dayInMonth(year, month, day);
}

/** Month 1..12, day ≥ 1, hour ≤ 23, minutes and seconds (their tens digit's character code) ≤ 59. */
function clockValid(month: number, day: number, hour: number, minuteTens: number, secondTens: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minuteTens <= 53 && secondTens <= 53;
}

/** Whether `day` (> 28) exists in that month. */
function dayInMonth(year: number, month: number, day: number): boolean {
  if (month === 2) return day <= (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/** `ip:port`, `[ipv6]:port` or unbracketed `ipv6:port`, split at the LAST colon. */
export interface Endpoint {
  ip: string;
  port: number;
}

export function endpoint(f: Fields, i: number, field: string): Endpoint | undefined {
  if (isBlankField(f, i) || isMinusOne(f, i)) return undefined;
  const line = f.line;
  const from = f.start[i]!;
  const to = f.end[i]!;
  // The port is the digits after the LAST colon (IPv6 addresses hold colons too), at most 5.
  let port = 0;
  let scale = 1;
  let k = to - 1;
  while (k >= from && k >= to - 5) {
    const c = line.charCodeAt(k);
    if (c < 48 || c > 57) break;
    port += (c - 48) * scale;
    scale *= 10;
    k--;
  }
  if (k === to - 1 || k <= from || line.charCodeAt(k) !== 58 /* : */) throw new LineError(`${field}: expected ip:port, got "${clip(fieldText(f, i))}"`);
  // `[ipv6]:port` (OTel fixture) or bare `ipv6:port` (Vector fixture): brackets are not part of the address.
  const bracketed = line.charCodeAt(from) === 91 && line.charCodeAt(k - 1) === 93;
  const ip = bracketed ? line.slice(from + 1, k - 1) : line.slice(from, k);
  if (ip.length === 0) throw new LineError(`${field}: expected ip:port, got "${clip(fieldText(f, i))}"`);
  return { ip, port };
}

/** The request line: first token = method, last token = version, everything between = URL (may contain spaces). */
export interface RequestParts {
  method: string | undefined;
  url: string | undefined;
  protocol: string | undefined;
}

export function requestParts(raw: string, escapes = true): RequestParts {
  // AWS pads some forms with a trailing space (`"- - - "`, `"… HTTP/1.0 "`): not part of any piece.
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 32) end--;
  const first = raw.indexOf(' ');
  if (first === -1 || first >= end) return { method: str(raw.slice(0, end)), url: undefined, protocol: undefined };
  const last = raw.lastIndexOf(' ', end - 1);
  if (last === first) {
    // Two pieces: method and URL, version missing ("HTTP version is sometimes missing in real world data").
    return { method: str(raw.slice(0, first)), url: escapes ? decode(raw.slice(first + 1, end)) : str(raw.slice(first + 1, end)), protocol: undefined };
  }
  return {
    method: str(raw.slice(0, first)),
    url: escapes ? decode(raw.slice(first + 1, last)) : str(raw.slice(first + 1, last)),
    protocol: str(raw.slice(last + 1, end)),
  };
}

function str(v: string): string | undefined {
  return v === '-' || v === '' ? undefined : v;
}

function decode(v: string): string | undefined {
  return v === '-' || v === '' ? undefined : decodeEscapes(v);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Escape policy (FORMATS.md §6.3): AWS writes `"`, control and non-ASCII bytes inside quoted
 * fields as `\xHH`. Each run of consecutive `\xHH` escapes is decoded as UTF-8 when that gives
 * printable text (`\x22` → `"`, `\xEC\x97\x90` → `에`); a run that is not valid UTF-8 or decodes
 * to control characters (`\x00`) is kept exactly as AWS wrote it, so nothing becomes U+FFFD or
 * a NUL in the index. `\"` becomes `"`. Any other backslash is literal (`/index/\a\app`).
 */
export function unescapeAws(v: string): string {
  let out = '';
  let last = 0;
  let i = v.indexOf('\\');
  while (i !== -1 && i < v.length - 1) {
    const next = v.charCodeAt(i + 1);
    if (next === 34) {
      out += v.slice(last, i) + '"';
      last = i + 2;
      i = v.indexOf('\\', last);
      continue;
    }
    if (next === 120 /* x */ && isHexPair(v, i + 2)) {
      // Collect the run of \xHH escapes.
      let j = i;
      const bytes: number[] = [];
      while (j + 3 < v.length + 0 && v.charCodeAt(j) === 92 && v.charCodeAt(j + 1) === 120 && isHexPair(v, j + 2)) {
        bytes.push(parseInt(v.slice(j + 2, j + 4), 16));
        j += 4;
      }
      const decoded = decodeRun(bytes);
      out += v.slice(last, i) + (decoded ?? v.slice(i, j));
      last = j;
      i = v.indexOf('\\', last);
      continue;
    }
    i = v.indexOf('\\', i + 1);
  }
  return last === 0 ? v : out + v.slice(last);
}

function isHexPair(v: string, at: number): boolean {
  return at + 1 < v.length && isHex(v.charCodeAt(at)) && isHex(v.charCodeAt(at + 1));
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function decodeRun(bytes: number[]): string | undefined {
  // ASCII (`\x22`, `\x5C`): no decoder needed.
  let ascii = true;
  for (let k = 0; k < bytes.length; k++) {
    const b = bytes[k]!;
    if (b < 32 || b === 127) return undefined;
    if (b > 127) ascii = false;
  }
  if (ascii) {
    // A loop, not `String.fromCharCode(...bytes)`: a spread of 10^5 arguments overflows the stack.
    let s = '';
    for (let k = 0; k < bytes.length; k++) s += String.fromCharCode(bytes[k]!);
    return s;
  }
  let s: string;
  try {
    s = utf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 32 || c === 127) return undefined;
  }
  return s;
}
