/**
 * A linear scanner for the one shape CloudWatch Logs writes its subscription payloads in,
 *
 *   {"messageType":"DATA_MESSAGE","owner":"…","logGroup":"…","logStream":"…",
 *    "subscriptionFilters":[…],"logEvents":[{"id":"…","timestamp":N,"message":"…"},…]}
 *
 * compact, keys in that order. It yields each message twice: decoded (what JSON.parse gives) and,
 * when it can, as the JSON-escaped text the payload already holds, so a document can carry it as
 * `@message` without escaping it again. That raw text is handed out only when it is exactly what
 * JSON.stringify would write for the decoded message (no `\u` or `\/` escapes), so documents are
 * byte for byte what they were. Anything else (other key order, whitespace, numeric ids, control
 * characters, a malformed escape...) returns undefined and the caller parses the payload with
 * JSON.parse as before: the scanner only ever accepts a subset of what JSON.parse accepts, with
 * the same meaning.
 *
 * Attacker-influenced text: native indexOf searches and one forward pass, no regex that can
 * backtrack, no recursion; every character is looked at a bounded number of times.
 */
export interface ScannedPayload {
  owner: string;
  logGroup: string;
  logStream: string;
  ids: string[];
  timestamps: number[];
  /** Decoded messages. */
  messages: string[];
  /** Per message: its JSON escaping as in the payload (no quotes) when it equals JSON.stringify's, else undefined. */
  raws: (string | undefined)[];
}

const MAX_TIMESTAMP = 253_402_300_800_000;
const QUOTE = 34;
const BACKSLASH = 92;

// Any character JSON forbids raw inside strings (and whitespace between tokens, which the
// compact form has none of): one native search per payload instead of a test per character.
const CONTROL = /[\u0000-\u001f]/;

const HEAD = '{"messageType":"DATA_MESSAGE","owner":"';

/**
 * The escaped text that starts at `p` (just after an opening quote) ends at the returned index
 * (its closing quote), or -1. A quote counts when an even number of backslashes precedes it;
 * the runs of backslashes counted back belong to distinct quotes, so the whole is linear.
 */
function stringEnd(t: string, p: number): number {
  let q = t.indexOf('"', p);
  while (q >= 0) {
    let k = q;
    while (k > p && t.charCodeAt(k - 1) === BACKSLASH) k--;
    if (((q - k) & 1) === 0) return q;
    q = t.indexOf('"', q + 1);
  }
  return -1;
}

/** Escapes JSON.stringify writes itself (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`); `\u` and `\/` are not among them. */
function canonicalEscape(c: number): boolean {
  return c === QUOTE || c === BACKSLASH || c === 98 || c === 102 || c === 110 || c === 114 || c === 116;
}

class Scan {
  pos = 0;
  /** Next backslash at or after some earlier position (-1: none left); only moves forward. */
  private bs = 0;
  /** Whether the last string read held escapes that JSON.stringify would not write. */
  oddEscapes = false;
  constructor(readonly t: string) {}

  lit(s: string): boolean {
    if (!this.t.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  private nextBackslash(from: number): number {
    if (this.bs >= 0 && this.bs < from) this.bs = this.t.indexOf('\\', from);
    return this.bs;
  }

  /**
   * The string whose text starts at `pos` (after its opening quote), decoded; `pos` moves past
   * its closing quote; `raw` receives the escaped text. Undefined when malformed.
   */
  str(): string | undefined {
    const t = this.t;
    const p = this.pos;
    const end = stringEnd(t, p);
    if (end < 0) return undefined;
    this.pos = end + 1;
    let b = this.nextBackslash(p);
    this.oddEscapes = false;
    if (b < 0 || b >= end) return t.slice(p, end);
    // Escapes: JSON.parse decodes them (and rejects malformed ones); note any JSON.stringify would not write.
    while (b >= 0 && b < end) {
      if (!canonicalEscape(t.charCodeAt(b + 1))) this.oddEscapes = true;
      b = t.indexOf('\\', b + 2);
    }
    this.bs = b;
    try {
      return JSON.parse(t.slice(p - 1, end + 1)) as string;
    } catch {
      return undefined;
    }
  }

  /** A non-negative integer of at most 15 digits, no leading zero (exact as a double); -1 otherwise. */
  int(): number {
    const t = this.t;
    const p = this.pos;
    let i = p;
    let n = 0;
    for (let c = t.charCodeAt(i); c >= 48 && c <= 57; c = t.charCodeAt(++i)) n = n * 10 + (c - 48);
    if (i === p || i - p > 15 || (t.charCodeAt(p) === 48 && i - p > 1)) return -1;
    this.pos = i;
    return n;
  }
}

/** The scanned payload, or undefined when `text` is not in the compact CloudWatch Logs form (parse it instead). */
export function scanPayload(text: string): ScannedPayload | undefined {
  // Lone surrogates (impossible in text decoded from UTF-8) would make JSON.stringify write escapes the payload lacks.
  if (!text.startsWith(HEAD) || CONTROL.test(text) || !(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return undefined;
  const s = new Scan(text);
  s.pos = HEAD.length;
  const owner = s.str();
  if (!owner || !s.lit('","logGroup":"')) return undefined;
  const logGroup = s.str();
  if (!logGroup || !s.lit('","logStream":"')) return undefined;
  const logStream = s.str();
  if (!logStream || !s.lit('","subscriptionFilters":[')) return undefined;
  if (!s.lit(']')) {
    for (;;) {
      if (!s.lit('"') || s.str() === undefined) return undefined;
      if (s.lit(']')) break;
      if (!s.lit(',')) return undefined;
    }
  }
  if (!s.lit(',"logEvents":[')) return undefined;
  const out: ScannedPayload = { owner, logGroup, logStream, ids: [], timestamps: [], messages: [], raws: [] };
  if (s.lit(']}')) return s.pos === text.length ? out : undefined;
  for (;;) {
    if (!s.lit('{"id":"')) return undefined;
    const id = s.str();
    if (!id || !s.lit(',"timestamp":')) return undefined;
    const ts = s.int();
    if (ts < 0 || ts >= MAX_TIMESTAMP || !s.lit(',"message":"')) return undefined;
    const start = s.pos;
    const message = s.str();
    if (message === undefined || !s.lit('}')) return undefined;
    out.ids.push(id);
    out.timestamps.push(ts);
    out.messages.push(message);
    // The escaped text, when JSON.stringify(message) would write it the same (the slice is free when nothing was escaped).
    out.raws.push(s.oddEscapes ? undefined : s.pos - 2 - start === message.length ? message : text.slice(start, s.pos - 2));
    if (s.lit(']}')) return s.pos === text.length ? out : undefined;
    if (!s.lit(',')) return undefined;
  }
}
