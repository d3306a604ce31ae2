import type { BulkItem } from '../../shared/opensearch';
import { FIELDS, indexName, LOG_MESSAGE_FIELDS } from '../contract';
import type { BatchLine } from './batch';
import type { JsonRecord } from './types';

/**
 * The OpenSearch document of a line: the record, except that a REST Detail dict moves from
 * `log_message.Detail` to `detail_object`. Every class of one kind shares a daily index, and
 * `log_message.Detail` is an array of lines in all the others: left in place, the first REST dict
 * or the first line array of a day would make the other kind of document fail its mapping.
 */
/** Undefined when the document is the record itself. */
export function searchSource(record: JsonRecord): string | undefined {
  const lm = record[FIELDS.logMessage] as JsonRecord | undefined;
  const detail = lm?.[LOG_MESSAGE_FIELDS.detail];
  if (!lm || detail === null || typeof detail !== 'object' || Array.isArray(detail)) return undefined;
  const { [LOG_MESSAGE_FIELDS.detail]: moved, ...rest } = lm;
  return JSON.stringify({ ...record, [FIELDS.logMessage]: rest, [FIELDS.detailObject]: moved });
}

/** `create` with the line's deterministic id into `<prefix>-<kind>-YYYY.MM.DD`: a redelivered line answers 409. */
export function bulkItem(line: BatchLine, index: number, prefix: string): BulkItem<number> {
  return { index: indexName(prefix, line.kind, line.epochMs), id: line.id, action: 'create', source: line.search ?? line.json, ref: index };
}
