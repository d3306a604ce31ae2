import type { KinesisStreamBatchResponse } from 'aws-lambda';

/**
 * Pure mapping to the partial-batch response: every record with at least one item still failing
 * transiently (or whose dead letter could not be written) is reported, in batch order. The
 * event source mapping resumes from the lowest reported sequence number, and the events it
 * re-sends are idempotent through `create` + 409 (see the README for aoss time series).
 */
export function toBatchResponse(sequenceNumbers: readonly string[], failedRecords: Iterable<number>): KinesisStreamBatchResponse {
  const failed = [...new Set(failedRecords)].sort((a, b) => a - b);
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: sequenceNumbers[r]! })) };
}
