import type { ItemWriter } from '../../shared/opensearch';
import { actionLine } from '../../shared/opensearch/ndjson';
import type { DocumentBuilder } from './documents';
import { calendarValidBytes, POW10 } from './values';

/**
 * The fast path for the common ALB line: the bulk item (action line, typed document, newline)
 * written straight from the line's bytes into the request body, with no string or object per
 * field. It takes only lines it can render exactly as the object path does (parseLine →
 * DocumentBuilder.document → JSON.stringify): printable ASCII without backslashes (so no
 * `\xHH` decoding and nothing to escape in JSON), single spaces between fields, a closing quote
 * followed by a space, at most the 33 fields of today's layout, and every value of the shape the
 * parser accepts. Anything else (escapes, UTF-8, odd spacing, values the parser would reject or
 * that need its slow conversions) is declined, and the caller runs the object path, which
 * decides and words the failure. A differential test renders generated and adversarial lines
 * both ways and compares the documents.
 *
 * `accept` checks a line and keeps its field offsets; `write` then renders it (the bulk
 * session calls it with the body buffer). Only one line is held at a time.
 */
const SP = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const ZERO = 48;
const COMMA = 44;
const LF = 10;

/** What each byte is to the tokenizer: printable ASCII needing no JSON escape, space, quote, or anything else (decline). */
const PLAIN_BYTE = 0;
const SPACE_BYTE = 1;
const QUOTE_BYTE = 2;
const OTHER_BYTE = 3;
const BYTE_CLASS = new Uint8Array(256).map((_, c) =>
  c === SP ? SPACE_BYTE : c === QUOTE ? QUOTE_BYTE : c < SP || c > 126 || c === BACKSLASH ? OTHER_BYTE : PLAIN_BYTE);

/** Fields of today's ALB layout; longer lines (unknown new fields, records run together) take the object path. */
const MAX = 33;
/** The parser's minimum (ALB_MIN_FIELDS). */
const MIN = 18;

// Numeric field shapes found by `accept`, rendered by `write`.
const OMIT = 0;
/** `-?digits`: the digits without leading zeros. */
const INT = 1;
/** `-?0+.digits` with a non-zero digit in the first six: `0.` and the digits without trailing zeros. */
const FRACTION = 2;
/** Anything else accepted: the number as JavaScript prints it (`values`). */
const OTHER = 3;

const bytes = (s: string): DataView => view(Buffer.from(s, 'utf8'));
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const K = {
  ts: bytes('{"@timestamp":"'),
  type: bytes(',"log_type":"alb","type":"'),
  time: bytes('","time":"'),
  elb: bytes(',"elb":"'),
  clientIp: bytes(',"client_ip":"'),
  clientPort: bytes(',"client_port":'),
  targetIp: bytes(',"target_ip":"'),
  targetPort: bytes(',"target_port":'),
  reqTime: bytes(',"request_processing_time":'),
  targetTime: bytes(',"target_processing_time":'),
  respTime: bytes(',"response_processing_time":'),
  elbStatus: bytes(',"elb_status_code":'),
  targetStatus: bytes(',"target_status_code":'),
  received: bytes(',"received_bytes":'),
  sent: bytes(',"sent_bytes":'),
  request: bytes(',"request":"'),
  method: bytes(',"request_method":"'),
  url: bytes(',"request_url":"'),
  protocol: bytes(',"request_protocol":"'),
  userAgent: bytes(',"user_agent":"'),
  sslCipher: bytes(',"ssl_cipher":"'),
  sslProtocol: bytes(',"ssl_protocol":"'),
  targetGroup: bytes(',"target_group_arn":"'),
  trace: bytes(',"trace_id":"'),
  domain: bytes(',"domain_name":"'),
  cert: bytes(',"chosen_cert_arn":"'),
  priority: bytes(',"matched_rule_priority":'),
  created: bytes(',"request_creation_time":"'),
  actions: bytes(',"actions_executed":['),
  redirect: bytes(',"redirect_url":"'),
  error: bytes(',"error_reason":"'),
  portList: bytes(',"target_port_list":['),
  statusList: bytes(',"target_status_code_list":['),
  classification: bytes(',"classification":"'),
  classificationReason: bytes(',"classification_reason":"'),
  connTrace: bytes(',"conn_trace_id":"'),
  host: bytes(',"transformed_host":"'),
  uri: bytes(',"transformed_uri":"'),
  transformStatus: bytes(',"request_transform_status":"'),
  idEnd: bytes('"}}\n'),
};
/** All keys, quotes and punctuation of a document with every field, with room to spare. */
const FIXED_BYTES = 2048;

export class AlbByteRenderer implements ItemWriter {
  /** Set by `accept`: the line's index, and the most bytes `write` will write. */
  index = '';
  maxBytes = 0;
  sourceStart = 0;

  private src: Uint8Array = new Uint8Array(0);
  private count = 0;
  private lineNumber = 0;
  private readonly start = new Int32Array(MAX);
  private readonly end = new Int32Array(MAX);
  private readonly quoted = new Uint8Array(MAX);
  /** Numeric fields: OMIT, INT, FRACTION or OTHER; `values` holds the number for OTHER. */
  private readonly shape = new Uint8Array(MAX);
  private readonly values = new Float64Array(MAX);
  // Endpoints (fields 3 and 4): address range and port, or absent.
  private readonly ipStart = new Int32Array(2);
  private readonly ipEnd = new Int32Array(2);
  private readonly port = new Int32Array(2);
  private readonly hasEndpoint = new Uint8Array(2);
  // The request line's pieces (-1: absent) and the trimmed domain name.
  private methodEnd = 0;
  private urlStart = -1;
  private urlEnd = 0;
  private protocolStart = -1;
  private protocolEnd = 0;
  private domainStart = -1;
  private domainEnd = 0;
  /** Fields 30-33 are read (field 30 is `-` or `TID_…`). */
  private tail = false;
  /** Field whose timestamp is `@timestamp`: request_creation_time (21) when present, else time (1). */
  private tsField = 1;

  private readonly suffix: DataView;
  private readonly meta: DataView;
  private head: DataView = bytes('');
  /** The date (10 bytes) of the last index computed. */
  private readonly day = new Uint8Array(10);
  private fixed = 0;

  constructor(private readonly builder: DocumentBuilder) {
    this.suffix = bytes(builder.tail);
    this.meta = bytes(builder.metaJson);
  }

  /** Checks `b[s, e)` and keeps what `write` needs; false when the object path must take the line. */
  accept(b: Uint8Array, s: number, e: number, lineNumber: number): boolean {
    if (!this.tokenize(b, s, e)) return false;
    const { start, end, quoted } = this;
    const n = this.count;
    if (n < MIN || !quoted[12] || !quoted[13] || !quoted[17]) return false;
    if (anotherRecord(b, start, end, quoted, n)) return false;
    if (!timestampAt(b, start[1]!, end[1]!)) return false;
    if (!this.endpoint(b, 3, 0) || !this.endpoint(b, 4, 1)) return false;
    if (!this.number(b, 5, true) || !this.number(b, 6, true) || !this.number(b, 7, true)) return false;
    if (!this.number(b, 8, false) || !this.number(b, 9, false)) return false;
    if (!this.number(b, 10, true) || !this.number(b, 11, true)) return false;
    this.request(b, start[12]!, end[12]!);
    this.domainStart = -1;
    if (n > 18) this.domain(b, start[18]!, end[18]!);
    if (n > 20 && !this.number(b, 20, false)) return false;
    this.tsField = 1;
    if (n > 21 && !isBlank(b, start[21]!, end[21]!)) {
      if (!timestampAt(b, start[21]!, end[21]!)) return false;
      this.tsField = 21;
    }
    if (n > 26 && !statusListValid(b, start[26]!, end[26]!)) return false;
    this.tail = false;
    if (n > 29 && !quoted[29]) {
      const from = start[29]!;
      const len = end[29]! - from;
      this.tail = (len === 1 && b[from] === DASH) || (len >= 4 && b[from] === 84 && b[from + 1] === 73 && b[from + 2] === 68 && b[from + 3] === 95); // TID_
    }
    this.src = b;
    this.lineNumber = lineNumber;
    this.setIndex(b, start[this.tsField]!);
    this.maxBytes = this.fixed + 3 * (e - s);
    return true;
  }

  /** Writes the accepted line's item (action line, document, newline) at `out[at]`; returns the end. */
  write(out: Buffer, at: number): number {
    const b = this.src;
    setViews(out, b);
    const { start, end } = this;
    const n = this.count;
    at = put(out, at, this.head);
    at = uint(out, at, this.lineNumber);
    at = put(out, at, K.idEnd);
    this.sourceStart = at;
    at = put(out, at, K.ts);
    at = this.timestamp(out, at, this.tsField);
    at = put(out, at, K.type);
    at = copy(out, at, b, start[0]!, end[0]!);
    at = put(out, at, K.time);
    at = this.timestamp(out, at, 1);
    at = put(out, at, K.elb);
    at = copy(out, at, b, start[2]!, end[2]!);
    out[at++] = QUOTE;
    if (this.hasEndpoint[0]) {
      at = str(out, at, K.clientIp, b, this.ipStart[0]!, this.ipEnd[0]!);
      at = uint(out, put(out, at, K.clientPort), this.port[0]!);
    }
    if (this.hasEndpoint[1]) {
      at = str(out, at, K.targetIp, b, this.ipStart[1]!, this.ipEnd[1]!);
      at = uint(out, put(out, at, K.targetPort), this.port[1]!);
    }
    at = this.num(out, at, K.reqTime, 5);
    at = this.num(out, at, K.targetTime, 6);
    at = this.num(out, at, K.respTime, 7);
    at = this.num(out, at, K.elbStatus, 8);
    at = this.num(out, at, K.targetStatus, 9);
    at = this.num(out, at, K.received, 10);
    at = this.num(out, at, K.sent, 11);
    const rs = start[12]!;
    const re = end[12]!;
    if (!isBlank(b, rs, re)) at = str(out, at, K.request, b, rs, re);
    at = text(out, at, K.method, b, rs, this.methodEnd);
    if (this.urlStart !== -1) at = text(out, at, K.url, b, this.urlStart, this.urlEnd);
    if (this.protocolStart !== -1) at = text(out, at, K.protocol, b, this.protocolStart, this.protocolEnd);
    at = text(out, at, K.userAgent, b, start[13]!, end[13]!);
    if (n > 14) at = text(out, at, K.sslCipher, b, start[14]!, end[14]!);
    if (n > 15) at = text(out, at, K.sslProtocol, b, start[15]!, end[15]!);
    if (n > 16) at = text(out, at, K.targetGroup, b, start[16]!, end[16]!);
    at = text(out, at, K.trace, b, start[17]!, end[17]!);
    if (this.domainStart !== -1) at = str(out, at, K.domain, b, this.domainStart, this.domainEnd);
    if (n > 19) at = text(out, at, K.cert, b, start[19]!, end[19]!);
    if (n > 20) at = this.num(out, at, K.priority, 20);
    if (this.tsField === 21) {
      at = put(out, at, K.created);
      at = this.timestamp(out, at, 21);
    }
    if (n > 22) at = list(out, at, K.actions, b, start[22]!, end[22]!, COMMA);
    if (n > 23) at = text(out, at, K.redirect, b, start[23]!, end[23]!);
    if (n > 24) at = text(out, at, K.error, b, start[24]!, end[24]!);
    if (n > 25) at = list(out, at, K.portList, b, start[25]!, end[25]!, SP);
    if (n > 26) at = statusList(out, at, b, start[26]!, end[26]!);
    if (n > 27) at = text(out, at, K.classification, b, start[27]!, end[27]!);
    if (n > 28) at = text(out, at, K.classificationReason, b, start[28]!, end[28]!);
    if (this.tail) {
      at = text(out, at, K.connTrace, b, start[29]!, end[29]!);
      if (n > 30) at = text(out, at, K.host, b, start[30]!, end[30]!);
      if (n > 31) at = text(out, at, K.uri, b, start[31]!, end[31]!);
      if (n > 32) at = text(out, at, K.transformStatus, b, start[32]!, end[32]!);
    }
    at = put(out, at, this.suffix);
    at = uint(out, at, this.lineNumber);
    out[at++] = 125; // }
    at = put(out, at, this.meta);
    out[at++] = 125;
    out[at++] = LF;
    return at;
  }

  /**
   * Fields at single spaces, quoted or not, each byte printable ASCII and no backslash; false
   * for anything else (the tokenizer of the object path handles it).
   */
  private tokenize(b: Uint8Array, s: number, e: number): boolean {
    const { start, end, quoted } = this;
    const v = srcView(b);
    // The first field is the type word: http https h2 grpcs ws wss (as detectLineType).
    let i = s;
    while (i < e && i - s < 6 && b[i] !== SP) i++;
    if (!isAlbType(b, s, i - s)) return false;
    let count = 0;
    i = s;
    while (i < e) {
      if (count === MAX) return false;
      if (b[i] === QUOTE) {
        const from = i + 1;
        let j = from;
        let k = 0;
        // Four bytes per step while all are plain or spaces (the long quoted fields), then byte by byte.
        while (j + 4 <= e && classes(v.getUint32(j)) <= SPACE_BYTE) j += 4;
        while (j < e && (k = BYTE_CLASS[b[j]!]!) <= SPACE_BYTE) j++;
        if (j === e || k !== QUOTE_BYTE) return false;
        start[count] = from;
        end[count] = j;
        quoted[count] = 1;
        i = j + 1;
        if (i < e && b[i] !== SP) return false;
      } else {
        let j = i;
        let k = 0;
        while (j + 4 <= e && classes(v.getUint32(j)) === PLAIN_BYTE) j += 4;
        while (j < e && (k = BYTE_CLASS[b[j]!]!) === PLAIN_BYTE) j++;
        if (j < e && k !== SPACE_BYTE) return false;
        start[count] = i;
        end[count] = j;
        quoted[count] = 0;
        i = j;
      }
      count++;
      // One space, then a field: no runs of spaces, no trailing space.
      if (i < e && (++i === e || b[i] === SP)) return false;
    }
    this.count = count;
    return true;
  }

  /** `ip:port`, `[ip]:port`, or absent (`-`, empty, `-1`); false for the object path's errors. */
  private endpoint(b: Uint8Array, i: number, k: number): boolean {
    const from = this.start[i]!;
    const to = this.end[i]!;
    const len = to - from;
    if (len === 0 || (b[from] === DASH && (len === 1 || (len === 2 && b[from + 1] === 49)))) {
      this.hasEndpoint[k] = 0;
      return true;
    }
    let port = 0;
    let scale = 1;
    let j = to - 1;
    while (j >= from && j >= to - 5) {
      const c = b[j]!;
      if (c < ZERO || c > 57) break;
      port += (c - ZERO) * scale;
      scale *= 10;
      j--;
    }
    if (j === to - 1 || j <= from || b[j] !== COLON) return false;
    let ipFrom = from;
    let ipTo = j;
    if (b[from] === 91 && b[j - 1] === 93) {
      ipFrom++;
      ipTo--;
    }
    if (ipTo <= ipFrom) return false;
    this.ipStart[k] = ipFrom;
    this.ipEnd[k] = ipTo;
    this.port[k] = port;
    this.hasEndpoint[k] = 1;
    return true;
  }

  /**
   * A measurement (`-`, empty and `-1` absent) or an integer (`-`, empty absent, `-1` kept), in the
   * shapes rendered here; false for anything else (the object path accepts or rejects it).
   */
  private number(b: Uint8Array, i: number, measurement: boolean): boolean {
    const from = this.start[i]!;
    const to = this.end[i]!;
    const len = to - from;
    const shape = this.shape;
    if (len === 0 || (b[from] === DASH && (len === 1 || (measurement && len === 2 && b[from + 1] === 49)))) {
      shape[i] = OMIT;
      return true;
    }
    let j = b[from] === DASH ? from + 1 : from;
    const intStart = j;
    let int = 0;
    let c = 0;
    while (j < to && (c = b[j]!) >= ZERO && c <= 57) {
      int = int * 10 + (c - ZERO);
      j++;
    }
    const intDigits = j - intStart;
    if (intDigits === 0 || intDigits > 15) return false;
    if (j === to) {
      shape[i] = INT;
      return true;
    }
    // Integers in fractional form (`200.0`) and exponents are left to the object path.
    if (!measurement || c !== DOT) return false;
    const fracStart = ++j;
    let frac = 0;
    let firstNonZero = -1;
    while (j < to && (c = b[j]!) >= ZERO && c <= 57) {
      if (firstNonZero === -1 && c !== ZERO) firstNonZero = j;
      frac = frac * 10 + (c - ZERO);
      j++;
    }
    const digits = j - fracStart;
    if (j !== to || digits === 0 || digits > 15) return false;
    if (int === 0 && (firstNonZero === -1 || firstNonZero - fracStart < 6)) {
      shape[i] = FRACTION;
      return true;
    }
    // The object path's arithmetic (values.ts `decimal`), so the same double and the same digits.
    const value = int + frac / POW10[digits]!;
    this.values[i] = b[from] === DASH ? -value : value;
    shape[i] = OTHER;
    return true;
  }

  /** The request line's method, URL and version (as `requestParts`: first and last space; trailing spaces dropped). */
  private request(b: Uint8Array, from: number, to: number): void {
    let end = to;
    while (end > from && b[end - 1] === SP) end--;
    let first = from;
    while (first < to && b[first] !== SP) first++;
    this.urlStart = -1;
    this.protocolStart = -1;
    if (first >= end) {
      this.methodEnd = end;
      return;
    }
    this.methodEnd = first;
    let last = end - 1;
    while (b[last] !== SP) last--;
    this.urlStart = first + 1;
    if (last === first) {
      this.urlEnd = end;
      return;
    }
    this.urlEnd = last;
    this.protocolStart = last + 1;
    this.protocolEnd = end;
  }

  /** domain_name without the leading/trailing spaces real files hold; absent when that leaves `-` or nothing. */
  private domain(b: Uint8Array, from: number, to: number): void {
    if (isBlank(b, from, to)) return;
    while (from < to && b[from] === SP) from++;
    while (to > from && b[to - 1] === SP) to--;
    if (isBlank(b, from, to)) return;
    this.domainStart = from;
    this.domainEnd = to;
  }

  /** A timestamp field as ISO 8601 UTC: its bytes, and `Z` when AWS wrote none. */
  private timestamp(out: Buffer, at: number, i: number): number {
    const to = this.end[i]!;
    at = copy(out, at, this.src, this.start[i]!, to);
    if (this.src[to - 1] !== 90) out[at++] = 90;
    out[at++] = QUOTE;
    return at;
  }

  private num(out: Buffer, at: number, key: DataView, i: number): number {
    const shape = this.shape[i];
    if (shape === OMIT) return at;
    at = put(out, at, key);
    const b = this.src;
    const from = this.start[i]!;
    const to = this.end[i]!;
    if (shape === INT) return integer(out, at, b, from, to);
    if (shape === FRACTION) return fraction(out, at, b, from, to);
    return ascii(out, at, String(this.values[i]));
  }

  private setIndex(b: Uint8Array, from: number): void {
    const day = this.day;
    let same = this.head.byteLength > 0;
    for (let k = 0; k < 10 && same; k++) same = day[k] === b[from + k];
    if (same) return;
    for (let k = 0; k < 10; k++) day[k] = b[from + k]!;
    this.index = this.builder.indexFor('alb', Buffer.from(day).toString('latin1'));
    // The action line as the bulk client writes it (ndjson.ts), up to the line number of the id.
    const line = actionLine({ action: 'create', index: this.index, id: this.builder.idPrefix });
    this.head = bytes(line.slice(0, line.length - K.idEnd.byteLength));
    this.fixed = FIXED_BYTES + this.head.byteLength + this.suffix.byteLength + this.meta.byteLength;
  }
}

function isAlbType(b: Uint8Array, s: number, len: number): boolean {
  const c0 = b[s];
  switch (len) {
    case 2: return (c0 === 104 && b[s + 1] === 50) || (c0 === 119 && b[s + 1] === 115); // h2 ws
    case 3: return c0 === 119 && b[s + 1] === 115 && b[s + 2] === 115; // wss
    case 4: return c0 === 104 && b[s + 1] === 116 && b[s + 2] === 116 && b[s + 3] === 112; // http
    case 5: // https grpcs
      return (c0 === 104 && b[s + 1] === 116 && b[s + 2] === 116 && b[s + 3] === 112 && b[s + 4] === 115) ||
        (c0 === 103 && b[s + 1] === 114 && b[s + 2] === 112 && b[s + 3] === 99 && b[s + 4] === 115);
    default: return false;
  }
}

/**
 * A bare timestamp anywhere but `time` might start another record (parse.ts `secondRecordAt`):
 * the object path decides. Field 21 is `request_creation_time`; there it is another record
 * only after an ALB type word (field 20) or `tls ` (field 19), which the object path words.
 */
function anotherRecord(b: Uint8Array, start: Int32Array, end: Int32Array, quoted: Uint8Array, n: number): boolean {
  for (let i = 2; i < n; i++) {
    const from = start[i]!;
    const len = end[i]! - from;
    if (len < 19 || len > 31 || quoted[i] || b[from + 10] !== 84 || b[from + 4] !== DASH) continue;
    if (i !== 21) return true;
    if (!quoted[20] && isAlbType(b, start[20]!, end[20]! - start[20]!)) return true;
    const t = start[19]!;
    if (b[t] === 116 && b[t + 1] === 108 && b[t + 2] === 115 && b[t + 3] === SP) return true; // "tls "
  }
  return false;
}

/** `YYYY-MM-DDTHH:MM:SS[.digits][Z]` spanning b[from, to) exactly, and a real date (values.ts `timestampAt` + `calendarValid`). */
function timestampAt(b: Uint8Array, from: number, to: number): boolean {
  if (to - from < 19) return false;
  for (let k = 0; k < 19; k++) {
    const c = b[from + k]!;
    switch (k) {
      case 4: case 7: if (c !== DASH) return false; break;
      case 10: if (c !== 84) return false; break;
      case 13: case 16: if (c !== COLON) return false; break;
      default: if (c < ZERO || c > 57) return false;
    }
  }
  let j = from + 19;
  if (j < to && b[j] === DOT) {
    const digits = ++j;
    while (j < to && b[j]! >= ZERO && b[j]! <= 57) j++;
    if (j === digits) return false;
  }
  if (j < to && b[j] === 90) j++;
  return j === to && calendarValidBytes(b, from);
}

function isBlank(b: Uint8Array, from: number, to: number): boolean {
  return to === from || (to - from === 1 && b[from] === DASH);
}

/** target_status_code_list: one code, or codes separated by spaces (`-` and empty items skipped). */
function statusListValid(b: Uint8Array, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    let j = i;
    while (j < to && b[j] !== SP) j++;
    if (!isBlank(b, i, j) && !isInteger(b, i, j)) return false;
    i = j + 1;
  }
  return true;
}

function isInteger(b: Uint8Array, from: number, to: number): boolean {
  if (b[from] === DASH) from++;
  if (to - from < 1 || to - from > 15) return false;
  for (let j = from; j < to; j++) if (b[j]! < ZERO || b[j]! > 57) return false;
  return true;
}

/**
 * Views of the body being written and of the chunk holding the line, for `put` and `copy`:
 * moving 4 bytes per DataView call costs about a third of moving them one by one.
 */
let OUT = bytes('');
let OUT_BUF: Uint8Array | undefined;
let SRC = OUT;
let SRC_BUF: Uint8Array | undefined;

function setViews(out: Uint8Array, src: Uint8Array): void {
  if (out !== OUT_BUF) {
    OUT = view(out);
    OUT_BUF = out;
  }
  srcView(src);
}

function srcView(src: Uint8Array): DataView {
  if (src !== SRC_BUF) {
    SRC = view(src);
    SRC_BUF = src;
  }
  return SRC;
}

/** The OR of the classes of a word's four bytes: PLAIN_BYTE only when all four are plain. */
function classes(w: number): number {
  return BYTE_CLASS[w >>> 24]! | BYTE_CLASS[(w >>> 16) & 255]! | BYTE_CLASS[(w >>> 8) & 255]! | BYTE_CLASS[w & 255]!;
}

function move(to: DataView, at: number, from: DataView, start: number, end: number): number {
  let j = start;
  for (; j + 4 <= end; j += 4, at += 4) to.setUint32(at, from.getUint32(j));
  for (; j < end; j++) to.setUint8(at++, from.getUint8(j));
  return at;
}

function put(_out: Buffer, at: number, k: DataView): number {
  return move(OUT, at, k, 0, k.byteLength);
}

/** From here on bytes are copied natively: below, the call costs more than moving them. */
const NATIVE_COPY = 128;

function copy(out: Buffer, at: number, b: Uint8Array, from: number, to: number): number {
  if (to - from >= NATIVE_COPY) {
    out.set(b.subarray(from, to), at);
    return at + to - from;
  }
  return move(OUT, at, SRC, from, to);
}

function ascii(out: Buffer, at: number, s: string): number {
  for (let j = 0; j < s.length; j++) out[at++] = s.charCodeAt(j);
  return at;
}

/** `key` + `b[from, to)` + `"` (the key ends with the opening quote). */
function str(out: Buffer, at: number, key: DataView, b: Uint8Array, from: number, to: number): number {
  at = copy(out, put(out, at, key), b, from, to);
  out[at++] = QUOTE;
  return at;
}

/** A text field: absent when `-` or empty. */
function text(out: Buffer, at: number, key: DataView, b: Uint8Array, from: number, to: number): number {
  return isBlank(b, from, to) ? at : str(out, at, key, b, from, to);
}

/** Items separated by `sep`, `-` and empty ones skipped; the key is taken back when none is left. */
function list(out: Buffer, at: number, key: DataView, b: Uint8Array, from: number, to: number, sep: number): number {
  const before = at;
  at = put(out, at, key);
  let items = 0;
  let i = from;
  while (i < to) {
    let j = i;
    while (j < to && b[j] !== sep) j++;
    if (!isBlank(b, i, j)) {
      if (items++ > 0) out[at++] = COMMA;
      out[at++] = QUOTE;
      at = copy(out, at, b, i, j);
      out[at++] = QUOTE;
    }
    i = j + 1;
  }
  if (items === 0) return before;
  out[at++] = 93; // ]
  return at;
}

function statusList(out: Buffer, at: number, b: Uint8Array, from: number, to: number): number {
  const before = at;
  at = put(out, at, K.statusList);
  let items = 0;
  let i = from;
  while (i < to) {
    let j = i;
    while (j < to && b[j] !== SP) j++;
    if (!isBlank(b, i, j)) {
      if (items++ > 0) out[at++] = COMMA;
      at = integer(out, at, b, i, j);
    }
    i = j + 1;
  }
  if (items === 0) return before;
  out[at++] = 93;
  return at;
}

/** `-?digits` as JSON prints the number: no leading zeros, `-0` is `0`. */
function integer(out: Buffer, at: number, b: Uint8Array, from: number, to: number): number {
  const neg = b[from] === DASH;
  if (neg) from++;
  while (from < to - 1 && b[from] === ZERO) from++;
  if (neg && !(to - from === 1 && b[from] === ZERO)) out[at++] = DASH;
  return copy(out, at, b, from, to);
}

/** `-?0+.digits` as JSON prints the number: `0.` and the digits without trailing zeros, or `0`. */
function fraction(out: Buffer, at: number, b: Uint8Array, from: number, to: number): number {
  const neg = b[from] === DASH;
  while (to > from && b[to - 1] === ZERO) to--;
  if (b[to - 1] === DOT) {
    out[at++] = ZERO;
    return at;
  }
  if (neg) out[at++] = DASH;
  out[at++] = ZERO;
  let dot = from;
  while (b[dot] !== DOT) dot++;
  return copy(out, at, b, dot, to);
}

/** A non-negative integer below 2^31 (ports, line numbers) in decimal. */
function uint(out: Buffer, at: number, v: number): number {
  if (v < 10) {
    out[at++] = ZERO + v;
    return at;
  }
  let digits = 1;
  for (let x = v; x >= 10; x = (x / 10) | 0) digits++;
  at += digits;
  for (let k = at - 1; k >= at - digits; k--) {
    const q = (v / 10) | 0;
    out[k] = ZERO + v - q * 10;
    v = q;
  }
  return at;
}
