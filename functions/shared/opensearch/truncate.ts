/**
 * Pure truncation policy for documents larger than a bulk request may carry: the document is
 * never dropped; its longest string values are cut (suffix `…[truncated]`) until it fits, and
 * two marker fields say so: `"@truncated": true` and `"@original_bytes": <n>`. A document that
 * is not a JSON object, or that cannot be brought under the cap by cutting strings (thousands
 * of small fields), becomes `{ "@truncated": true, "@original_bytes": n, "@message": <prefix of
 * the original text> }` so its beginning stays searchable.
 */
export const TRUNCATED_FIELD = '@truncated';
export const ORIGINAL_BYTES_FIELD = '@original_bytes';
const SUFFIX = '…[truncated]';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface StringSlot {
  parent: Json[] | { [k: string]: Json };
  key: string | number;
  value: string;
}

/** Every string value of the document, found with an explicit stack: depth is attacker-chosen, the call stack is not. */
function collectStrings(root: Json, out: StringSlot[]): void {
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i]!;
        if (typeof v === 'string') out.push({ parent: node, key: i, value: v });
        else if (v !== null && typeof v === 'object') stack.push(v);
      }
    } else if (node !== null && typeof node === 'object') {
      for (const k of Object.keys(node)) {
        const v = node[k]!;
        if (typeof v === 'string') out.push({ parent: node, key: k, value: v });
        else if (v !== null && typeof v === 'object') stack.push(v);
      }
    }
  }
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a surrogate pair. */
export function cutUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value) <= maxBytes) return value;
  let out = Buffer.from(value).subarray(0, Math.max(0, maxBytes)).toString('utf8');
  // A multi-byte character cut in half decodes to U+FFFD; drop it.
  while (out.endsWith('\uFFFD') && !value.startsWith(out)) out = out.slice(0, -1);
  return out;
}

/**
 * Returns `source` itself when it fits in `maxBytes` UTF-8 bytes, else a truncated document
 * that does (see the module comment). `maxBytes` must leave room for the markers (≥ 256).
 */
export function truncateDocument(source: string, maxBytes: number): string {
  const originalBytes = Buffer.byteLength(source);
  if (originalBytes <= maxBytes) return source;
  let doc: Json;
  try {
    doc = JSON.parse(source) as Json;
  } catch {
    doc = null;
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    try {
      const out = cutStrings(doc as { [k: string]: Json }, originalBytes, maxBytes);
      if (out !== undefined) return out;
    } catch (err) {
      // JSON.stringify recurses: a document nested deeper than the stack cannot be re-serialized,
      // so it takes the flat form below (its beginning stays searchable).
      if (!(err instanceof RangeError)) throw err;
    }
  }
  return flatForm(source, originalBytes, maxBytes);
}

/** The "water level" cut of the longest strings; undefined when cutting strings cannot make it fit. */
function cutStrings(obj: { [k: string]: Json }, originalBytes: number, maxBytes: number): string | undefined {
  delete obj[TRUNCATED_FIELD];
  delete obj[ORIGINAL_BYTES_FIELD];
  const withMarkers = (): string =>
    JSON.stringify({ [TRUNCATED_FIELD]: true, [ORIGINAL_BYTES_FIELD]: originalBytes, ...obj });
  const slots: StringSlot[] = [];
  collectStrings(obj, slots);
  const lens = slots.map((slot) => Buffer.byteLength(slot.value));
  const total = lens.reduce((a, b) => a + b, 0);
  const suffixBytes = Buffer.byteLength(SUFFIX);
  // "Water level": every string longer than L is cut to L bytes, so each long field keeps a
  // fair share instead of the longest one vanishing. Escaping can make the serialized form
  // larger than the raw bytes, so re-measure and lower the level if needed.
  let excess = Buffer.byteLength(withMarkers()) - maxBytes;
  for (let pass = 0; pass < 4 && slots.length > 0; pass++) {
    const target = total - excess;
    const cost = (level: number): number => lens.reduce((sum, len) => sum + (len > level ? level + suffixBytes : len), 0);
    let lo = 0;
    let hi = lens.reduce((a, b) => Math.max(a, b), 0); // no spread: a document may hold 10^5 strings
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (cost(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    slots.forEach((slot, i) => {
      // defineProperty, not assignment: a "__proto__" key is data here, and assigning it would hit the prototype setter.
      Object.defineProperty(slot.parent, slot.key, { value: lens[i]! > lo ? cutUtf8(slot.value, lo) + SUFFIX : slot.value, writable: true, enumerable: true, configurable: true });
    });
    const out = withMarkers();
    const over = Buffer.byteLength(out) - maxBytes;
    if (over <= 0) return out;
    if (lo === 0) break;
    excess += over;
  }
  return undefined;
}

/** `{ "@truncated": true, "@original_bytes": n, "@message": <prefix of the original text> }`. */
function flatForm(source: string, originalBytes: number, maxBytes: number): string {
  const head = JSON.stringify({ [TRUNCATED_FIELD]: true, [ORIGINAL_BYTES_FIELD]: originalBytes, '@message': '' });
  // Escaping can grow the text up to 6×; shrink until the serialized form fits.
  let budget = maxBytes - Buffer.byteLength(head) - Buffer.byteLength(SUFFIX);
  for (;;) {
    const out = JSON.stringify({
      [TRUNCATED_FIELD]: true,
      [ORIGINAL_BYTES_FIELD]: originalBytes,
      '@message': cutUtf8(source, Math.max(0, budget)) + SUFFIX,
    });
    if (Buffer.byteLength(out) <= maxBytes || budget <= 0) return out;
    budget -= Math.max(16, Buffer.byteLength(out) - maxBytes);
  }
}
