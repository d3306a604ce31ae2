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
 */
export class LineError extends Error {
  override readonly name = 'LineError';
}

/** `-` or empty: no value. */
export function isBlank(v: string): boolean {
  return v === '-' || v === '';
}

/** A measurement: seconds or milliseconds or bytes. `-`, empty and `-1` give undefined. */
export function measurement(v: string, field: string): number | undefined {
  if (v === '-' || v === '' || v === '-1') return undefined;
  const n = +v;
  if (n !== n || !isNumeric(v)) throw new LineError(`${field}: expected a number, got "${clip(v)}"`);
  return n;
}

/** An integer code (status code, rule priority, port). `-` and empty give undefined; -1 is kept. */
export function integer(v: string, field: string): number | undefined {
  if (v === '-' || v === '') return undefined;
  const n = +v;
  if (!(n === Math.floor(n)) || !isNumeric(v)) throw new LineError(`${field}: expected an integer, got "${clip(v)}"`);
  return n;
}

/** A plain string field: `-` and empty give undefined. */
export function text(v: string): string | undefined {
  return v === '-' || v === '' ? undefined : v;
}

/** A quoted string field: `-`/empty give undefined; `\xHH` and `\"` escapes are decoded. */
export function quotedText(v: string): string | undefined {
  if (v === '-' || v === '') return undefined;
  return v.indexOf('\\') === -1 ? v : unescapeAws(v);
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
export function timestamp(v: string, field: string): string | undefined {
  if (v === '-' || v === '') return undefined;
  if (!looksLikeTimestamp(v)) throw new LineError(`${field}: expected an ISO 8601 timestamp, got "${clip(v)}"`);
  return v.charCodeAt(v.length - 1) === 90 /* Z */ ? v : `${v}Z`;
}

const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

export function looksLikeTimestamp(v: string): boolean {
  if (v.length < 19) return false;
  if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58)
    return false;
  for (const p of DIGIT_POSITIONS) {
    const c = v.charCodeAt(p);
    if (c < 48 || c > 57) return false;
  }
  // Tail: optional `.digits`, optional `Z`.
  let i = 19;
  if (i < v.length && v.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < v.length && v.charCodeAt(i) >= 48 && v.charCodeAt(i) <= 57) i++;
    if (i === start) return false;
  }
  if (i < v.length && v.charCodeAt(i) === 90) i++;
  return i === v.length;
}

/** `ip:port`, `[ipv6]:port` or unbracketed `ipv6:port`, split at the LAST colon. */
export interface Endpoint {
  ip: string;
  port: number;
}

export function endpoint(v: string, field: string): Endpoint | undefined {
  if (v === '-' || v === '' || v === '-1') return undefined;
  let ip: string;
  let portText: string;
  if (v.charCodeAt(0) === 91 /* [ */) {
    const close = v.indexOf(']');
    if (close === -1 || v.charCodeAt(close + 1) !== 58) throw new LineError(`${field}: expected [ip]:port, got "${clip(v)}"`);
    ip = v.slice(1, close);
    portText = v.slice(close + 2);
  } else {
    const colon = v.lastIndexOf(':');
    if (colon <= 0) throw new LineError(`${field}: expected ip:port, got "${clip(v)}"`);
    ip = v.slice(0, colon);
    portText = v.slice(colon + 1);
  }
  const port = +portText;
  if (portText.length === 0 || portText.length > 5 || !(port === Math.floor(port)) || !isNumeric(portText))
    throw new LineError(`${field}: expected ip:port, got "${clip(v)}"`);
  return { ip, port };
}

/** The request line: first token = method, last token = version, everything between = URL (may contain spaces). */
export interface RequestParts {
  method: string | undefined;
  url: string | undefined;
  protocol: string | undefined;
}

export function requestParts(raw: string): RequestParts {
  // AWS pads some forms with a trailing space (`"- - - "`, `"… HTTP/1.0 "`): not part of any piece.
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 32) end--;
  const first = raw.indexOf(' ');
  if (first === -1 || first >= end) return { method: text(raw.slice(0, end)), url: undefined, protocol: undefined };
  const last = raw.lastIndexOf(' ', end - 1);
  if (last === first) {
    // Two pieces: method and URL, version missing ("HTTP version is sometimes missing in real world data").
    return { method: text(raw.slice(0, first)), url: decode(raw.slice(first + 1, end)), protocol: undefined };
  }
  return {
    method: text(raw.slice(0, first)),
    url: decode(raw.slice(first + 1, last)),
    protocol: text(raw.slice(last + 1, end)),
  };
}

function decode(v: string): string | undefined {
  return quotedText(v);
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
