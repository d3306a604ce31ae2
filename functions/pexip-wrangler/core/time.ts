/**
 * Event times to UTC. Every parser reads fixed character positions (no regex on log text), checks
 * the calendar by a round trip through Date.UTC, and keeps the source's sub-second digits
 * (milliseconds or microseconds) in the ISO text while `epochMs` carries milliseconds.
 */
export interface EventTime {
  epochMs: number;
  /** `YYYY-MM-DDTHH:MM:SS.fffZ`, more fraction digits when the source had them. */
  iso: string;
}

const MAX_EPOCH_MS = 253_402_300_800_000; // year 10000: no ISO text or index name beyond

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** Epoch ms of a civil UTC time, or undefined when a field is out of range (Feb 30, 25:00...). */
function civil(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s === 60 ? 59 : s) + (s === 60 ? 1000 : 0);
  const back = new Date(ms - (s === 60 ? 1000 : 0));
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return undefined;
  return ms;
}

/** ISO text of a whole second plus the source's fraction digits (at least 3). */
function isoOf(epochSecondsMs: number, fraction: string): string {
  const d = new Date(epochSecondsMs);
  const frac = fraction.length >= 3 ? fraction : fraction.padEnd(3, '0');
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${frac}Z`;
}

function build(wholeMs: number | undefined, fraction: string, offsetMinutes: number): EventTime | undefined {
  if (wholeMs === undefined) return undefined;
  const seconds = wholeMs - offsetMinutes * 60_000;
  if (seconds < 0 || seconds >= MAX_EPOCH_MS) return undefined;
  const ms = fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  return { epochMs: seconds + ms, iso: isoOf(seconds, fraction) };
}

/** Reads `.digits` or `,digits` at `at` (up to 9); returns the digits and the next position. */
function fractionAt(s: string, at: number): [string, number] {
  const c = s.charCodeAt(at);
  if (c !== 46 /* . */ && c !== 44 /* , */) return ['', at];
  let end = at + 1;
  while (end < s.length && end - at <= 9 && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
  return end === at + 1 ? ['', at] : [s.slice(at + 1, end), end];
}

/**
 * RFC 3339 as rsyslog writes it: `2019-05-11T08:29:33.751132+02:00`, `…Z`, fraction optional.
 * The offset is applied (10:29:33+02:00 is 08:29:33Z).
 */
export function parseRfc3339(s: string): EventTime | undefined {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (s[10] !== 'T' && s[10] !== 't' && s[10] !== ' ') || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const whole = civil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2));
  const [fraction, at] = fractionAt(s, 19);
  const rest = s.slice(at);
  let offset = 0;
  if (rest === 'Z' || rest === 'z') offset = 0;
  else if (rest.length === 6 && (rest[0] === '+' || rest[0] === '-') && rest[3] === ':') {
    const h = digits(rest, 1, 2);
    const m = digits(rest, 4, 2);
    if (h < 0 || m < 0 || h > 23 || m > 59) return undefined;
    offset = (rest[0] === '-' ? -1 : 1) * (h * 60 + m);
  } else return undefined;
  return build(whole, fraction, offset);
}

/** Pexip's originating time, UTC: `2019-05-11` and `08:29:33,751`. */
export function parseOriginating(date: string, time: string): EventTime | undefined {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return undefined;
  if (time.length < 8 || time.charCodeAt(2) !== 58 || time.charCodeAt(5) !== 58) return undefined;
  const whole = civil(digits(date, 0, 4), digits(date, 5, 2), digits(date, 8, 2), digits(time, 0, 2), digits(time, 3, 2), digits(time, 6, 2));
  const [fraction, at] = fractionAt(time, 8);
  if (at !== time.length) return undefined;
  return build(whole, fraction, 0);
}

const MONTHS: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

/** Apache `%t` without brackets: `10/Oct/2000:13:55:36 -0700`. */
export function parseApacheTime(s: string): EventTime | undefined {
  if (s.length !== 26 || s[2] !== '/' || s[6] !== '/' || s[11] !== ':' || s[20] !== ' ') return undefined;
  const mo = MONTHS[s.slice(3, 6)];
  if (mo === undefined) return undefined;
  const whole = civil(digits(s, 7, 4), mo, digits(s, 0, 2), digits(s, 12, 2), digits(s, 15, 2), digits(s, 18, 2));
  const sign = s[21] === '-' ? -1 : s[21] === '+' ? 1 : 0;
  const h = digits(s, 22, 2);
  const m = digits(s, 24, 2);
  if (sign === 0 || h < 0 || m < 0) return undefined;
  return build(whole, '', sign * (h * 60 + m));
}

/** auditd's `<epoch seconds>.<ms>`. */
export function parseEpochSeconds(s: string): EventTime | undefined {
  const dot = s.indexOf('.');
  const secText = dot < 0 ? s : s.slice(0, dot);
  if (secText.length === 0 || secText.length > 12) return undefined;
  const sec = digits(secText, 0, secText.length);
  if (sec < 0) return undefined;
  let fraction = '';
  if (dot >= 0) {
    fraction = s.slice(dot + 1);
    if (fraction.length === 0 || fraction.length > 9 || digits(fraction, 0, fraction.length) < 0) return undefined;
  }
  return build(sec * 1000, fraction, 0);
}

/** The ISO text of an epoch-ms time (the CloudWatch event time, when a line carries none). */
export function fromEpochMs(epochMs: number): EventTime {
  return { epochMs, iso: new Date(epochMs).toISOString() };
}
