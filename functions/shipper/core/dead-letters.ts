import type { KinesisStreamRecord } from 'aws-lambda';
import type { DeadLetterEntry } from '../../shared/dead-letter';
import type { ItemFailure } from '../../shared/opensearch';

/**
 * Pure dead-letter entries. A poison record is kept whole (its base64 `data` as received, so it
 * can be replayed); a rejected document keeps its source, target and the OpenSearch error.
 */
export function poisonEntry(record: KinesisStreamRecord, reason: string): DeadLetterEntry {
  return {
    reason,
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    approximateArrivalTimestamp: record.kinesis.approximateArrivalTimestamp,
    eventID: record.eventID,
    eventSourceARN: record.eventSourceARN,
    data: record.kinesis.data,
  };
}

export function rejectedEntry(failure: ItemFailure<number>, records: readonly KinesisStreamRecord[]): DeadLetterEntry {
  return {
    reason: failure.error,
    status: failure.status,
    index: failure.item.index,
    id: failure.item.id,
    sequenceNumber: records[failure.item.ref]!.kinesis.sequenceNumber,
    document: failure.item.source,
  };
}
