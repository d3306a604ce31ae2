/**
 * Pure classification of `_bulk` answers. Item statuses: 2xx indexed; 409 on `create` is a
 * duplicate (the event was indexed by an earlier delivery); 429/502/503/504 and the dynamic
 * mapping race below are transient (retried); anything else is permanent (dead-lettered with
 * the error).
 */
export type ItemVerdict = 'indexed' | 'duplicate' | 'transient' | 'permanent';

const TRANSIENT = new Set([429, 502, 503, 504]);

/**
 * A 400 that may be a race, not a bad document: two bulk requests adding the same new field with
 * different types at once. The loser's document fits the mapping the winner created (a number
 * into a text field) or fails with a real mapping error on retry, so it is retried. But a document
 * can conflict with itself the same way (`"a.b": 1` next to `"a": {"b": "x"}`): OpenSearch then
 * gives the identical error on every try, so the same error again on the item's retry
 * (`previousError`) is permanent and dead-lettered, instead of being redelivered until the event
 * source gives up on the whole batch.
 */
const MAPPING_RACE = /^illegal_argument_exception: mapper \[[^\]]*\] cannot be changed from type/;

export function classifyItemStatus(status: number, action: 'create' | 'index', error?: string, previousError?: string): ItemVerdict {
  if (status >= 200 && status < 300) return 'indexed';
  if (status === 409 && action === 'create') return 'duplicate';
  if (status === 400 && error !== undefined && MAPPING_RACE.test(error)) return error === previousError ? 'permanent' : 'transient';
  return TRANSIENT.has(status) ? 'transient' : 'permanent';
}

/**
 * What to do with a whole request answered with a non-2xx status:
 * - `split`: 413, the body is too large for the cluster; halve the chunk and retry.
 * - `retry`: 429/5xx and network errors, retried with backoff.
 * - `defer`: 401/403, credentials or permissions; retrying within the invocation will not help,
 *   but the items are reported as transient so the event source redelivers them after the fix.
 * - `reject`: other 4xx (malformed request, wrong path): permanent for every item.
 */
export type RequestVerdict = 'split' | 'retry' | 'defer' | 'reject';

export function classifyRequestStatus(status: number): RequestVerdict {
  if (status === 413) return 'split';
  if (status === 401 || status === 403) return 'defer';
  if (status === 429 || status >= 500 || status === 0) return 'retry';
  return 'reject';
}

export interface ItemResult {
  status: number;
  error?: string;
}

interface RawItem {
  [action: string]: { status?: number; error?: unknown } | undefined;
}

/** The first `bytes` bytes of a body received in parts, as text. */
export function headOf(parts: Buffer[], bytes: number): string {
  const first = parts[0];
  if (first === undefined) return '';
  if (first.length >= bytes || parts.length === 1) return first.toString('utf8', 0, bytes);
  return Buffer.concat(parts).toString('utf8', 0, bytes);
}

function describeError(error: unknown): string {
  if (error === undefined || error === null) return '';
  if (typeof error === 'string') return error;
  const e = error as { type?: unknown; reason?: unknown; caused_by?: { type?: unknown; reason?: unknown } };
  let text = `${String(e.type ?? 'error')}: ${String(e.reason ?? '')}`;
  if (e.caused_by && typeof e.caused_by === 'object') text += ` (caused by ${String(e.caused_by.type)}: ${String(e.caused_by.reason)})`;
  return text;
}

/**
 * Per-item results of a 2xx `_bulk` answer, or `'all-ok'` when the answer says `"errors":false`
 * (checked on the head of the text first, so a large all-success answer is never parsed).
 * Throws when the answer is not a bulk response or has a different number of items.
 */
export function parseBulkResponse(body: string | Buffer[], expectedItems: number): ItemResult[] | 'all-ok' {
  const head = typeof body === 'string' ? body.slice(0, 200) : headOf(body, 200);
  if (/"errors"\s*:\s*false/.test(head)) return 'all-ok';
  const parsed = JSON.parse(typeof body === 'string' ? body : Buffer.concat(body).toString('utf8')) as { errors?: boolean; items?: RawItem[] };
  if (!Array.isArray(parsed.items)) throw new Error('bulk answer has no "items" array');
  if (parsed.errors === false) return 'all-ok';
  if (parsed.items.length !== expectedItems)
    throw new Error(`bulk answer has ${parsed.items.length} items for ${expectedItems} sent`);
  return parsed.items.map((raw) => {
    const key = Object.keys(raw)[0];
    const r = key === undefined ? undefined : raw[key];
    const status = typeof r?.status === 'number' ? r.status : 0;
    const error = r?.error === undefined ? undefined : describeError(r.error);
    return error === undefined ? { status } : { status, error };
  });
}
