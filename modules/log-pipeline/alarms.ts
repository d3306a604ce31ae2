import { METRIC_DIMENSION, METRIC_NAMESPACE } from '../../functions/shared/contract';
import { SHIPPER_METRICS } from '../../functions/shipper/contract';
import type { AlarmSpec } from '../common/alarms';

/** One alarm per way the pipeline can fall behind or lose data. */
export function pipelineAlarmSpecs(p: { functionName: string; queueName: string; iteratorAgeThresholdMs: number }): AlarmSpec[] {
  const fn = { FunctionName: p.functionName };
  return [
    {
      id: 'iterator_age',
      description: `Shipper is more than ${p.iteratorAgeThresholdMs} ms behind the stream: logs arrive late and may expire`,
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensions: fn,
      statistic: 'Maximum',
      threshold: p.iteratorAgeThresholdMs,
      comparison: 'GreaterThanThreshold',
    },
    { id: 'errors', description: 'Shipper invocations failed (whole batches are retried)', namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: fn, statistic: 'Sum', threshold: 1 },
    {
      id: 'throttles',
      description: 'Shipper invocations were throttled (reserved or account concurrency exhausted)',
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: fn,
      statistic: 'Sum',
      threshold: 1,
    },
    {
      id: 'failure_queue',
      description: 'Batches gave up after retries/record age: their metadata is in the failure queue, replay before stream retention ends',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: p.queueName },
      statistic: 'Maximum',
      threshold: 1,
    },
    {
      id: 'dead_letters',
      description: 'The shipper wrote records OpenSearch refused permanently to the dead-letter bucket',
      namespace: METRIC_NAMESPACE,
      metricName: SHIPPER_METRICS.deadLettered,
      dimensions: { [METRIC_DIMENSION]: p.functionName },
      statistic: 'Sum',
      threshold: 1,
    },
  ];
}
