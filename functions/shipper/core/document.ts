import type { Extraction, Fields } from './extract';

/**
 * Pure document rendering, straight to the JSON text the bulk body needs (no intermediate
 * object for the fixed fields). Shape, compatible with the AWS console blueprint:
 *
 *   {"@id","@timestamp","@message","@owner","@log_group","@log_stream", <extracted fields>}
 *
 * Extracted fields go under one object field (placement `nested`, default name `fields`) or at
 * the top level (placement `top`, as the blueprint). At the top level a key that would clash
 * with the fixed fields or with OpenSearch metadata (leading `_`, e.g. `_type`, `_id`) or is
 * empty is renamed `field<key>` (`_type` → `field_type`), so no document is rejected for it.
 */
export type FieldPlacement = { mode: 'top' } | { mode: 'nested'; field: string };

export const RESERVED = new Set(['@id', '@timestamp', '@message', '@owner', '@log_group', '@log_stream', '@truncated', '@original_bytes']);

/** The per-record part every document of that record shares, serialized once. */
export function recordSuffix(owner: string, logGroup: string, logStream: string): string {
  return `,"@owner":${JSON.stringify(owner)},"@log_group":${JSON.stringify(logGroup)},"@log_stream":${JSON.stringify(logStream)}`;
}

const DIGITS = /^[0-9]+$/;
const YEAR_10000 = 253_402_300_800_000;
let cachedSecond = NaN;
let cachedPrefix = '';

/**
 * `new Date(ts).toISOString()`, memoized per second: events of a batch share seconds, and
 * toISOString costs more than the rest of a document together.
 */
export function isoTimestamp(ts: number): string {
  if (!Number.isInteger(ts) || ts < 0 || ts >= YEAR_10000) return new Date(ts).toISOString();
  const ms = ts % 1000;
  const second = ts - ms;
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second).toISOString().slice(0, 20);
  }
  return `${cachedPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

export function renderDocument(
  id: string,
  timestamp: number,
  message: string,
  suffix: string,
  extraction: Extraction,
  placement: FieldPlacement,
): string {
  const idJson = DIGITS.test(id) ? `"${id}"` : JSON.stringify(id);
  let doc = `{"@id":${idJson},"@timestamp":"${isoTimestamp(timestamp)}","@message":${JSON.stringify(message)}${suffix}`;
  const fields = extraction.fields;
  if (fields === undefined) return `${doc}}`;
  if (placement.mode === 'nested') {
    return `${doc},"${placement.field}":${extraction.json ?? JSON.stringify(fields)}}`;
  }
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    const safeKey = key === '' || key.charCodeAt(0) === 95 /* _ */ || RESERVED.has(key) ? `field${key}` : key;
    doc += `,${JSON.stringify(safeKey)}:${JSON.stringify(value)}`;
  }
  return `${doc}}`;
}

export function parsePlacement(value: string): FieldPlacement | string {
  if (value === 'top') return { mode: 'top' };
  if (value === 'nested') return { mode: 'nested', field: 'fields' };
  const m = /^nested:([A-Za-z][\w-]{0,63})$/.exec(value);
  if (m) {
    if (RESERVED.has(m[1]!)) return `field name ${m[1]} is reserved`;
    return { mode: 'nested', field: m[1]! };
  }
  return `must be "top", "nested" or "nested:<field name>", got "${value}"`;
}

export type { Fields };
