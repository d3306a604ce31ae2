/**
 * Splits one load-balancer log line into fields, as offsets into the line.
 *
 * AWS separates fields with one space and wraps some fields in double quotes; quoted fields
 * may contain spaces. Real files also hold runs of spaces between fields and a closing quote
 * directly followed by the next field (`"-"1`), so: runs of spaces count as one separator,
 * and a closing quote always ends its field. Inside quotes `\"` is an escaped quote unless
 * the quote is followed by a space or the end of the line (then the field ends with a
 * literal backslash).
 *
 * Why offsets and not strings: most fields become numbers, and converting straight from the
 * line's characters saves a string allocation per field. The scan uses native `indexOf`, not a
 * regex or a per-character loop. Together that keeps a 33-field ALB line near one microsecond.
 */
export interface Fields {
  line: string;
  /** Start (inclusive) and end (exclusive) of field i, quotes excluded. Valid up to `count`. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** 1 when field i was written inside double quotes. */
  readonly quoted: Uint8Array;
  count: number;
  /** Whether the line holds any backslash: when not, no field needs escape decoding. */
  escapes: boolean;
  /** Content remains after MAX_FIELDS fields (no layout has that many: records run together). */
  more: boolean;
}

/** No layout has half as many fields; beyond this the line is not tokenized (and `more` says so). */
export const MAX_FIELDS = 64;

export function newFields(): Fields {
  return { line: '', start: new Int32Array(MAX_FIELDS), end: new Int32Array(MAX_FIELDS), quoted: new Uint8Array(MAX_FIELDS), count: 0, escapes: false, more: false };
}

const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;

/**
 * Fills `out` with the fields of `line`; returns an error reason, or undefined on success.
 * With `quotes` false only spaces separate fields (NLB: its unquoted
 * `alpn_client_preference_list` contains quotes and commas, `"h2","http/1.1"`, which a
 * quote-aware split would cut in two, the OTel artifact of FORMATS.md §6.11).
 */
export function tokenize(line: string, out: Fields, quotes: boolean): string | undefined {
  const { start, end, quoted } = out;
  const n = line.length;
  out.line = line;
  const escapes = line.indexOf('\\') !== -1;
  out.escapes = escapes;
  let count = 0;
  let i = 0;
  // `charCodeAt` costs more than it looks (a call into the string-representation dispatch):
  // each field reads its first character once, serving both the space skip and the quote test.
  scan: while (count < MAX_FIELDS && i < n) {
    let c = line.charCodeAt(i);
    while (c === SPACE) {
      if (++i >= n) break scan;
      c = line.charCodeAt(i);
    }
    if (quotes && c === QUOTE) {
      // `"-"` is the most frequent quoted value (7 of 17 on a typical ALB line): two character
      // reads are cheaper than a native indexOf call. Not with backslashes (`"\"` is no field).
      let j = !escapes && i + 2 < n && line.charCodeAt(i + 2) === QUOTE && line.charCodeAt(i + 1) !== QUOTE ? i + 2 : line.indexOf('"', i + 1);
      // Only a line holding a backslash can hold an escaped quote.
      while (escapes && j !== -1 && line.charCodeAt(j - 1) === BACKSLASH && j + 1 < n && line.charCodeAt(j + 1) !== SPACE) {
        j = line.indexOf('"', j + 1);
      }
      if (j === -1) {
        out.count = count;
        return `unterminated quoted field starting at column ${i + 1}`;
      }
      start[count] = i + 1;
      end[count] = j;
      quoted[count] = 1;
      i = j + 1;
    } else {
      let j = line.indexOf(' ', i + 1);
      if (j === -1) j = n;
      start[count] = i;
      end[count] = j;
      quoted[count] = 0;
      i = j;
    }
    count++;
  }
  out.count = count;
  out.more = false;
  if (count === MAX_FIELDS) {
    while (i < n && line.charCodeAt(i) === SPACE) i++;
    out.more = i < n;
  }
  return undefined;
}

/** Field i as a string. */
export function fieldText(f: Fields, i: number): string {
  return f.line.slice(f.start[i]!, f.end[i]!);
}
