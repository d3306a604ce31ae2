/**
 * Support/administrator `Key="value"` pairs, scanned left to right once (no regex on the log text).
 *
 * A value ends only at a `"` that is not backslash-escaped and is followed by the end of the line
 * or by whitespace and the next `Key="`; any other `"` belongs to the value, so a stray unescaped
 * quote (`From: "Alice Doe" <sip:…>` in a Detail) does not split it. `\"` in a value becomes `"`;
 * other backslashes are kept as they are.
 *
 * Linear: each quote's look-ahead reads whitespace and key characters only, and a quote ends
 * such a run, so no character is read by the look-ahead of two quotes.
 */
export interface PairScan {
  pairs: [key: string, value: string][];
  /** Text at the start that is not a pair (undefined when the text starts with a pair). */
  problem?: string;
}

export function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 /* _ */ || c === 45 /* - */ || c === 46 /* . */;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10 || c === 0x1d;
}

/** End of the key starting at `at` when `Key="` starts there, else -1. */
export function keyEnd(s: string, at: number): number {
  let i = at;
  while (i < s.length && isKeyChar(s.charCodeAt(i))) i++;
  return i > at && s.charCodeAt(i) === 61 /* = */ && s.charCodeAt(i + 1) === 34 /* " */ ? i : -1;
}

function unescapeQuotes(v: string): string {
  return v.indexOf('\\"') < 0 ? v : v.split('\\"').join('"');
}

/** Scans pairs from `from`; stops (with `problem`) at text that does not start a pair. */
export function scanPairs(s: string, from = 0): PairScan {
  const pairs: [string, string][] = [];
  const n = s.length;
  let pos = from;
  while (pos < n && isSpace(s.charCodeAt(pos))) pos++;
  while (pos < n) {
    const kEnd = keyEnd(s, pos);
    if (kEnd < 0) {
      return { pairs, problem: pairs.length === 0 ? 'no Key="value" pair' : `text after the last pair: ${s.slice(pos, pos + 40)}` };
    }
    const key = s.slice(pos, kEnd);
    const start = kEnd + 2;
    let q = start;
    let next = n;
    let end = -1;
    while (end < 0) {
      q = s.indexOf('"', q);
      if (q < 0) break;
      if (q > start && s.charCodeAt(q - 1) === 92 /* \ */) {
        q++;
        continue;
      }
      let k = q + 1;
      while (k < n && isSpace(s.charCodeAt(k))) k++;
      if (k === n) {
        end = q;
        next = n;
      } else if (k > q + 1 && keyEnd(s, k) >= 0) {
        end = q;
        next = k;
      } else q++;
    }
    if (end < 0) {
      // Unterminated (a cut line): the rest is the value, the raw line shows what arrived.
      pairs.push([key, unescapeQuotes(s.slice(start))]);
      return { pairs, problem: `value of ${key} has no closing quote` };
    }
    pairs.push([key, unescapeQuotes(s.slice(start, end))]);
    pos = next;
  }
  return { pairs };
}
