import type { KinesisStreamRecord } from 'aws-lambda';
import type { DeadLetterEntry, DeadLetterSource } from '../../shared/dead-letter';
import type { ItemFailure } from '../../shared/opensearch';

/**
 * Pure dead-letter entries in the shared schema (functions/shared/dead-letter.ts). A poison record
 * is kept whole (its base64 `data` as received, so it can be replayed); a rejected document keeps
 * its source text, target and the OpenSearch error.
 */
function sourceOf(record: KinesisStreamRecord): DeadLetterSource {
  return {
    type: 'kinesis',
    eventSourceArn: record.eventSourceARN,
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
  };
}

export function poisonEntry(record: KinesisStreamRecord, reason: string): DeadLetterEntry {
  return { reason, source: sourceOf(record), data: record.kinesis.data };
}

export function rejectedEntry(failure: ItemFailure<number>, records: readonly KinesisStreamRecord[]): DeadLetterEntry {
  return {
    reason: failure.error,
    status: failure.status,
    source: sourceOf(records[failure.item.ref]!),
    index: failure.item.index,
    id: failure.item.id,
    document: failure.item.source,
  };
}
