/**
 * Pure field extraction from one (already masked) log message. Recognised, in this order:
 * - a JSON object (`{…}`) → its fields, types kept;
 * - the Lambda runtime format `<ISO time>\t<request id>\t<LEVEL>\t<message or JSON>` →
 *   `level`, `request_id`, and the JSON's fields or `message`;
 * - Lambda platform lines `START|END|REPORT RequestId: …` → `type`, `request_id` and, for
 *   REPORT, numeric `duration_ms`, `billed_duration_ms`, `memory_size_mb`, `max_memory_used_mb`,
 *   `init_duration_ms`;
 * - `key=value` pairs (logfmt style; quoted values unquoted; values kept as strings so one key
 *   never changes type between messages) → up to MAX_PAIRS fields;
 * - anything else → no fields.
 * Detection looks at a few characters before any parse, so plain text costs next to nothing.
 */
export type Fields = Record<string, unknown>;

export interface Extraction {
  kind: 'json' | 'lambda' | 'platform' | 'kv' | 'text';
  fields: Fields | undefined;
  /** For `json`: the message itself when it is compact JSON on one line, reusable verbatim. */
  json?: string;
}

export const MAX_PAIRS = 64;
const TEXT: Extraction = { kind: 'text', fields: undefined };

function parseObject(text: string): Fields | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : undefined;
  } catch {
    return undefined;
  }
}

function lastNonSpace(s: string): number {
  let i = s.length - 1;
  while (i >= 0 && s.charCodeAt(i) <= 32) i--;
  return i;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * `fields[key] = value`, except that a `__proto__` key is stored as data: plain assignment (and
 * Object.assign) would hit the prototype setter, and the field would vanish (or become the
 * object's prototype).
 */
function setField(fields: Fields, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(fields, key, { value, writable: true, enumerable: true, configurable: true });
  else fields[key] = value;
}

/** `2024-01-02T03:04:05.678Z\t…`: digit, '-' at 4 and 7, 'T' at 10. */
function looksLikeLambdaLine(m: string): boolean {
  return isDigit(m.charCodeAt(0)) && m.charCodeAt(4) === 45 && m.charCodeAt(7) === 45 && m.charCodeAt(10) === 84;
}

const PLATFORM = /^(START|END|REPORT) RequestId: ([0-9a-fA-F-]{8,})/;
const REPORT_FIELDS: Record<string, string> = {
  'Duration': 'duration_ms',
  'Billed Duration': 'billed_duration_ms',
  'Memory Size': 'memory_size_mb',
  'Max Memory Used': 'max_memory_used_mb',
  'Init Duration': 'init_duration_ms',
};

function platformFields(m: string): Fields | undefined {
  const head = PLATFORM.exec(m);
  if (!head) return undefined;
  const fields: Fields = { type: head[1], request_id: head[2] };
  if (head[1] === 'REPORT') {
    for (const part of m.split('\t')) {
      const colon = part.indexOf(': ');
      if (colon < 0) continue;
      const name = REPORT_FIELDS[part.slice(0, colon).trim()];
      const value = parseFloat(part.slice(colon + 2));
      if (name && Number.isFinite(value)) fields[name] = value;
    }
  }
  return fields;
}

const PAIR = /(?:^|[\s,;])([A-Za-z_@][\w.@-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;]*)/g;

export function keyValueFields(m: string): Fields | undefined {
  let fields: Fields | undefined;
  let n = 0;
  PAIR.lastIndex = 0;
  for (let match = PAIR.exec(m); match !== null && n < MAX_PAIRS; match = PAIR.exec(m)) {
    let value = match[2]!;
    const q = value.charCodeAt(0);
    if ((q === 34 || q === 39) && value.length >= 2) value = value.slice(1, -1);
    if (q === 34 && value.includes('\\')) value = value.replace(/\\(.)/g, '$1');
    setField((fields ??= {}), match[1]!, value);
    n++;
  }
  return fields;
}

export function extractFields(message: string): Extraction {
  const first = message.charCodeAt(0);
  if (first === 123 /* { */) {
    const end = lastNonSpace(message);
    if (message.charCodeAt(end) === 125 /* } */) {
      const fields = parseObject(message);
      if (fields) {
        const oneLine = end === message.length - 1 && message.indexOf('\n') < 0 && message.indexOf('\r') < 0;
        return oneLine ? { kind: 'json', fields, json: message } : { kind: 'json', fields };
      }
    }
  } else if (isDigit(first) && looksLikeLambdaLine(message)) {
    const t1 = message.indexOf('\t');
    const t2 = t1 < 0 ? -1 : message.indexOf('\t', t1 + 1);
    const t3 = t2 < 0 ? -1 : message.indexOf('\t', t2 + 1);
    if (t1 > 0 && t1 < 40 && t2 > 0 && t3 > 0 && t3 - t2 <= 8) {
      const fields: Fields = { level: message.slice(t2 + 1, t3), request_id: message.slice(t1 + 1, t2) };
      const rest = message.slice(t3 + 1, lastNonSpace(message) + 1);
      const json = rest.charCodeAt(0) === 123 && rest.charCodeAt(rest.length - 1) === 125 ? parseObject(rest) : undefined;
      if (json) for (const key of Object.keys(json)) setField(fields, key, json[key]);
      else fields.message = rest;
      return { kind: 'lambda', fields };
    }
  } else if (first === 83 /* S */ || first === 69 /* E */ || first === 82 /* R */) {
    const fields = platformFields(message);
    if (fields) return { kind: 'platform', fields };
  }
  if (message.indexOf('=') > 0) {
    const fields = keyValueFields(message);
    if (fields) return { kind: 'kv', fields };
  }
  return TEXT;
}
