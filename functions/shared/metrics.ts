/**
 * One structured JSON line per invocation that is both the summary log and CloudWatch
 * embedded-metric-format (EMF) metrics: namespace `LogsToOpenSearch`, one dimension
 * `FunctionName` (the log-pipeline alarms read `DeadLettered` from exactly there).
 *
 * Written straight to stdout, not through `console.log`: with Lambda's JSON log format the
 * runtime wraps console output in its own object, and CloudWatch only extracts EMF from a log
 * event whose top level carries `_aws`.
 */
import { METRIC_DIMENSION, METRIC_NAMESPACE } from './contract';

export { METRIC_DIMENSION, METRIC_NAMESPACE };

export type MetricUnit = 'Count' | 'Bytes' | 'Milliseconds';

export interface SummaryInput {
  functionName: string;
  /** Free text, e.g. "kinesis batch shipped". */
  message: string;
  /** Metric name → value (Count unless `units` says otherwise). */
  metrics: Record<string, number>;
  units?: Record<string, MetricUnit>;
  /** Extra searchable fields (request id, reasons...), not metrics. */
  properties?: Record<string, unknown>;
  level?: 'INFO' | 'WARN' | 'ERROR';
  timestamp?: number;
}

export function summaryLine(s: SummaryInput): string {
  const names = Object.keys(s.metrics);
  return JSON.stringify({
    _aws: {
      Timestamp: s.timestamp ?? Date.now(),
      CloudWatchMetrics: [{
        Namespace: METRIC_NAMESPACE,
        Dimensions: [[METRIC_DIMENSION]],
        Metrics: names.map((Name) => ({ Name, Unit: s.units?.[Name] ?? 'Count' })),
      }],
    },
    [METRIC_DIMENSION]: s.functionName,
    level: s.level ?? 'INFO',
    message: s.message,
    ...s.properties,
    ...s.metrics,
  });
}

export type LineWriter = (line: string) => void;

export const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

export function writeSummary(s: SummaryInput, write: LineWriter = stdoutWriter): string {
  const line = summaryLine(s);
  write(line);
  return line;
}
