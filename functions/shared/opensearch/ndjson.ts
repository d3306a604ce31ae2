import type { BulkItem } from './types';

/**
 * The action line of a `_bulk` item (`{"create":{"_index":…,"_id":…}}` + newline); the client
 * writes it, the source and a newline into the request body (body-buffer.ts).
 */

// Index names and event ids are almost always plain ASCII: skip JSON.stringify for them.
const PLAIN = /^[A-Za-z0-9_.\-:+@/]*$/;
const q = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

// Consecutive items almost always share action and index: reuse the rendered head.
let lastAction = '';
let lastIndex = '';
let lastHead = '';

/**
 * `indexInPath`: the request goes to `/<index>/_bulk` (every item of its body has that index),
 * so the line names no `_index` (24 bytes less per item on daily indices).
 */
export function actionLine(item: Pick<BulkItem, 'action' | 'index' | 'id'>, indexInPath = false): string {
  if (indexInPath) return item.id === undefined ? `{"${item.action}":{}}\n` : `{"${item.action}":{"_id":${q(item.id)}}}\n`;
  if (item.index !== lastIndex || item.action !== lastAction) {
    lastAction = item.action;
    lastIndex = item.index;
    lastHead = `{"${item.action}":{"_index":${q(item.index)}`;
  }
  return item.id === undefined ? `${lastHead}}}\n` : `${lastHead},"_id":${q(item.id)}}}\n`;
}
