import { ELB_METRICS } from '../../functions/elb-processor/contract';
import { METRIC_DIMENSION, METRIC_NAMESPACE } from '../../functions/shared/contract';
import type { AlarmSpec } from '../common/alarms';

/** One alarm per way an object or a line can be lost, delayed or refused. */
export function elbAlarmSpecs(p: { functionName: string; failedLinesThreshold: number }): AlarmSpec[] {
  const byFunction = { FunctionName: p.functionName };
  const own = { [METRIC_DIMENSION]: p.functionName };
  return [
    { id: 'errors', description: 'ELB processor invocations failed (objects are retried; after the retries they go to the failure destination)', namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: byFunction, statistic: 'Sum', threshold: 1 },
    { id: 'dropped_events', description: 'S3 events dropped after every asynchronous retry failed (objects not processed; see the failure destination)', namespace: 'AWS/Lambda', metricName: 'AsyncEventsDropped', dimensions: byFunction, statistic: 'Sum', threshold: 1 },
    { id: 'failed_lines', description: 'Load-balancer log lines did not parse (indexed into <prefix>-failed with the reason)', namespace: METRIC_NAMESPACE, metricName: ELB_METRICS.failedLines, dimensions: own, statistic: 'Sum', threshold: p.failedLinesThreshold },
    { id: 'rejected', description: 'OpenSearch rejected documents permanently (see dead_letters)', namespace: METRIC_NAMESPACE, metricName: ELB_METRICS.rejectedDocuments, dimensions: own, statistic: 'Sum', threshold: 1 },
    { id: 'dead_letters', description: 'Documents were written to the dead-letter bucket: fix the cause and replay them', namespace: METRIC_NAMESPACE, metricName: ELB_METRICS.deadLettered, dimensions: own, statistic: 'Sum', threshold: 1 },
    { id: 'skipped_objects', description: 'Objects under the log prefix were skipped (not a load-balancer log name, or deleted before read): check the bucket layout', namespace: METRIC_NAMESPACE, metricName: ELB_METRICS.skippedObjects, dimensions: own, statistic: 'Sum', threshold: 1 },
  ];
}
