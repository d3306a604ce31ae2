import { writeSummary, type LineWriter, type MetricUnit } from '../shared/metrics';
import { ELB_METRICS } from './contract';
import type { ObjectSummary } from './handler';

/**
 * One summary line per object through the shared EMF writer (namespace and dimension from
 * functions/shared/contract.ts): searchable in Logs Insights and turned into metrics without an
 * API call. The construct's alarms read the ELB_METRICS names of the contract from here.
 */

export function logObjectSummary(functionName: string, s: ObjectSummary, write?: LineWriter): string {
  const c = s.counts;
  const metrics: Record<string, number> = c
    ? {
        Lines: c.lines,
        ParsedLines: c.parsed,
        [ELB_METRICS.failedLines]: c.failed,
        IndexedDocuments: c.indexed,
        DuplicateDocuments: c.duplicates,
        [ELB_METRICS.rejectedDocuments]: c.rejected,
        [ELB_METRICS.deadLettered]: s.deadLettered ?? 0,
        TransientFailures: c.transient,
        Bytes: c.bytes,
        InvalidUtf8Lines: c.invalidUtf8Lines,
        CompressedBytes: c.compressedBytes,
        DurationMs: s.durationMs,
      }
    : s.status === 'skipped-test-file'
      ? { TestFiles: 1, DurationMs: s.durationMs } // ELB writes one when logging is turned on: expected, not an alarm
      : { [ELB_METRICS.skippedObjects]: 1, DurationMs: s.durationMs };
  const units: Record<string, MetricUnit> = { Bytes: 'Bytes', CompressedBytes: 'Bytes', DurationMs: 'Milliseconds' };
  return writeSummary(
    {
      functionName,
      message: s.status === 'processed' ? 'elb log object processed' : `elb object ${s.status}`,
      metrics,
      units,
      properties: {
        bucket: s.bucket,
        key: s.key,
        status: s.status,
        ...(s.reason === undefined ? {} : { reason: s.reason }),
        ...(c ? { blankLines: c.blank, controlLines: c.control, requests: c.requests, retries: c.retries, corrupt: c.corrupt } : {}),
      },
      level: s.status === 'skipped-missing' || s.status === 'failed' || (c && (c.failed > 0 || c.rejected > 0 || c.transient > 0 || c.corrupt)) ? 'WARN' : 'INFO',
    },
    write,
  );
}
