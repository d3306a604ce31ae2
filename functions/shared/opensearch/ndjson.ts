import type { BulkItem } from './types';

/**
 * Pure `_bulk` body building: one action line and one source line per item, each ending in
 * "\n" (the API requires the trailing newline).
 */

// Index names and event ids are almost always plain ASCII: skip JSON.stringify for them.
const PLAIN = /^[A-Za-z0-9_.\-:+@/]*$/;
const q = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

// Consecutive items almost always share action and index: reuse the rendered head.
let lastAction = '';
let lastIndex = '';
let lastHead = '';

export function actionLine(item: Pick<BulkItem, 'action' | 'index' | 'id'>): string {
  if (item.index !== lastIndex || item.action !== lastAction) {
    lastAction = item.action;
    lastIndex = item.index;
    lastHead = `{"${item.action}":{"_index":${q(item.index)}`;
  }
  return item.id === undefined ? `${lastHead}}}\n` : `${lastHead},"_id":${q(item.id)}}}\n`;
}

/** UTF-8 bytes the item takes in a body (action line + source + two newlines). */
export function itemBytes(item: Pick<BulkItem, 'action' | 'index' | 'id' | 'source'>): number {
  return Buffer.byteLength(actionLine(item)) + Buffer.byteLength(item.source) + 1;
}

/** An item with its action line rendered once, so sizing and body building share it. */
export interface PreparedLine {
  line: string;
  source: string;
}

export function joinBody(entries: readonly PreparedLine[]): string {
  let body = '';
  for (const e of entries) body += e.line + e.source + '\n';
  return body;
}

export function buildBulkBody(items: readonly Pick<BulkItem, 'action' | 'index' | 'id' | 'source'>[]): string {
  return joinBody(items.map((item) => ({ line: actionLine(item), source: item.source })));
}

/**
 * Splits items into consecutive chunks whose bodies stay within `maxBytes`. `sizes[i]` is
 * `itemBytes(items[i])`; an item alone larger than the cap gets a chunk of its own (callers
 * truncate such items before chunking).
 */
export function chunkBySize<T>(items: readonly T[], sizes: readonly number[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (let i = 0; i < items.length; i++) {
    const size = sizes[i]!;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(items[i]!);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
