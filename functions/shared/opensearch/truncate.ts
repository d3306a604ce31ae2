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

function collectStrings(node: Json, out: StringSlot[]): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => (typeof v === 'string' ? out.push({ parent: node, key: i, value: v }) : collectStrings(v, out)));
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') out.push({ parent: node, key: k, value: v });
      else collectStrings(v, out);
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
    const obj = doc as { [k: string]: Json };
    delete obj[TRUNCATED_FIELD];
    delete obj[ORIGINAL_BYTES_FIELD];
    const withMarkers = (): string =>
      JSON.stringify({ [TRUNCATED_FIELD]: true, [ORIGINAL_BYTES_FIELD]: originalBytes, ...obj });
    const slots: StringSlot[] = [];
    collectStrings(obj, slots);
    slots.sort((a, b) => b.value.length - a.value.length);
    // Two passes: escaping makes serialized sizes larger than raw string sizes.
    for (let pass = 0; pass < 2; pass++) {
      let excess = Buffer.byteLength(withMarkers()) - maxBytes;
      for (const slot of slots) {
        if (excess <= 0) break;
        const current = slot.parent[slot.key as never] as unknown as string;
        const bytes = Buffer.byteLength(current);
        if (bytes <= SUFFIX.length * 2) continue;
        const keep = Math.max(0, bytes - excess - Buffer.byteLength(SUFFIX) - 8);
        const cut = cutUtf8(current, keep) + SUFFIX;
        (slot.parent as Record<string | number, Json>)[slot.key] = cut;
        excess -= bytes - Buffer.byteLength(cut);
      }
      const out = withMarkers();
      if (Buffer.byteLength(out) <= maxBytes) return out;
    }
  }
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
