import type { KinesisStreamRecord } from 'aws-lambda';
import type { DeadLetterEntry } from '../../shared/dead-letter';
import { poisonEntry } from '../../shipper/core/dead-letters';
import type { BatchLine } from './batch';

/**
 * Pure dead-letter entries in the shared schema (functions/shared/dead-letter.ts). A poison record
 * is written exactly as the shipper writes one (its entry is reused); a line refused by a
 * destination keeps the record (or document) text, its id and the reason.
 */
export { poisonEntry };

export function lineEntry(line: BatchLine, records: readonly KinesisStreamRecord[], reason: string, extra: { status?: number; index?: string; document?: string } = {}): DeadLetterEntry {
  // The Kinesis source of a line is its record's, described as for a poison record.
  const { source } = poisonEntry(records[line.ref]!, reason);
  return {
    reason,
    ...(extra.status === undefined ? {} : { status: extra.status }),
    source,
    ...(extra.index === undefined ? {} : { index: extra.index }),
    id: line.id,
    document: extra.document ?? line.json,
  };
}
