import type { SummaryInput } from '../../shared/metrics';
import type { BulkOutcome } from '../../shared/opensearch';
import type { BatchCounts, PoisonRecord } from './batch';

/** What the invocation did besides the bulk outcome. */
export interface InvocationFacts {
  functionName: string;
  requestId: string;
  counts: BatchCounts;
  poison: PoisonRecord[];
  outcome: BulkOutcome<number>;
  deadLettered: number;
  deadLetterWriteFailures: number;
  deadLetterKeys: string[];
  /** Errors of the invocation itself (dead-letter writes). */
  errors: string[];
  batchItemFailures: number;
  /** Records not transformed before the transform deadline (reported for retry). */
  deferredRecords: number;
  durationMs: number;
}

const REASONS_PER_KIND = 3;

/** Pure: the one summary line (metrics for EMF, plus the first reasons of each kind of failure). */
export function invocationSummary(f: InvocationFacts): SummaryInput {
  const { counts: c, outcome: o } = f;
  const reasons = [
    ...f.poison.slice(0, REASONS_PER_KIND).map((p) => `poison: ${p.reason}`),
    ...o.permanentFailures.slice(0, REASONS_PER_KIND).map((x) => `rejected ${x.status}: ${x.error}`),
    ...o.transientFailures.slice(0, REASONS_PER_KIND).map((x) => `transient ${x.status}: ${x.error}`),
    ...f.errors,
    ...(f.deferredRecords > 0 ? [`deadline: ${f.deferredRecords} records not transformed, reported for retry`] : []),
  ];
  return {
    functionName: f.functionName,
    message: 'kinesis batch shipped',
    level: f.errors.length > 0 ? 'ERROR' : f.batchItemFailures > 0 || f.deadLettered > 0 ? 'WARN' : 'INFO',
    metrics: {
      Records: c.records,
      ControlMessages: c.controlMessages,
      PoisonRecords: c.poisonRecords,
      Events: c.events,
      BytesIn: c.bytesIn,
      CompressedBytes: c.compressedBytes,
      Indexed: o.indexed,
      Duplicates: o.duplicates,
      Retries: o.retries,
      Rejected: o.permanentFailures.length,
      TransientFailures: o.transientFailures.length,
      DeadLettered: f.deadLettered,
      DeadLetterWriteFailures: f.deadLetterWriteFailures,
      BatchItemFailures: f.batchItemFailures,
      DeferredRecords: f.deferredRecords,
      Masked: c.masked,
      InvalidUtf8Records: c.invalidUtf8Records,
      IdCollisions: c.idCollisions,
      Truncated: o.truncated,
      BulkRequests: o.requests,
      BulkBytes: o.bytesSent,
      BulkLatencyMs: o.latenciesMs.reduce((a, b) => Math.max(a, b), 0),
      DurationMs: f.durationMs,
    },
    units: { BytesIn: 'Bytes', CompressedBytes: 'Bytes', BulkBytes: 'Bytes', BulkLatencyMs: 'Milliseconds', DurationMs: 'Milliseconds' },
    properties: {
      requestId: f.requestId,
      formats: c.formats,
      ...(f.deadLetterKeys.length > 0 ? { deadLetterKeys: f.deadLetterKeys } : {}),
      ...(reasons.length > 0 ? { reasons } : {}),
    },
  };
}
