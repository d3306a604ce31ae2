import type { ObjectSummary } from './handler';

/** Shared with the construct's alarms (modules/elb-processor): namespace and the one dimension. */

export const METRIC_NAMESPACE = 'LogsToOpenSearch/ElbProcessor';

/**
 * One structured line per object: the summary fields plus CloudWatch Embedded Metric Format
 * metadata, so the same line is searchable in Logs Insights and becomes metrics (lines,
 * parsed, failed, indexed, duplicates, rejected, transient, bytes, duration) without an API call.
 */
export function summaryLine(s: ObjectSummary, now = Date.now(), functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'elb-processor'): string {
  const c = s.counts;
  const metrics: Record<string, number> = c
    ? {
        Lines: c.lines, Parsed: c.parsed, Failed: c.failed, Indexed: c.indexed, Duplicates: c.duplicates,
        Rejected: c.rejected, Transient: c.transient, Bytes: c.bytes, CompressedBytes: c.compressedBytes,
      }
    : { Skipped: 1 };
  metrics.DurationMs = s.durationMs;
  const units: Record<string, string> = { Bytes: 'Bytes', CompressedBytes: 'Bytes', DurationMs: 'Milliseconds' };
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{
        Namespace: METRIC_NAMESPACE,
        Dimensions: [['FunctionName']],
        Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: units[Name] ?? 'Count' })),
      }],
    },
    FunctionName: functionName,
    level: 'INFO',
    message: 'elb log object processed',
    bucket: s.bucket,
    key: s.key,
    status: s.status,
    ...(c ? { blank: c.blank, control: c.control, requests: c.requests, retries: c.retries } : {}),
    ...metrics,
  });
}

export function logFileSummary(s: ObjectSummary): void {
  console.log(summaryLine(s));
}
