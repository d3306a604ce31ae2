import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';

/**
 * The metric the shipper emits (EMF) for every record or document it writes to the
 * dead-letter bucket. Shared contract with functions/shipper.
 */
export const DEAD_LETTER_METRIC = { namespace: 'LogsToOpenSearch', metricName: 'DeadLettered', dimension: 'FunctionName' } as const;

export interface PipelineAlarmsProps {
  readonly name: string;
  readonly functionName: string;
  readonly queueName: string;
  readonly iteratorAgeThresholdMs: number;
  readonly topicArn?: string;
  readonly tags?: Record<string, string>;
}

interface AlarmSpec {
  id: string;
  suffix: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: 'Maximum' | 'Sum';
  threshold: number;
  comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
}

/** One alarm per way the pipeline can fall behind or lose data; all treat missing data as OK. */
export class PipelineAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, p: PipelineAlarmsProps) {
    super(scope, id);
    const fn = { FunctionName: p.functionName };
    const specs: AlarmSpec[] = [
      {
        id: 'iterator_age',
        suffix: 'iterator-age',
        description: `Shipper is more than ${p.iteratorAgeThresholdMs} ms behind the stream: logs arrive late and may expire`,
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensions: fn,
        statistic: 'Maximum',
        threshold: p.iteratorAgeThresholdMs,
        comparison: 'GreaterThanThreshold',
      },
      {
        id: 'errors',
        suffix: 'errors',
        description: 'Shipper invocations failed (whole batches are retried)',
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: fn,
        statistic: 'Sum',
        threshold: 1,
        comparison: 'GreaterThanOrEqualToThreshold',
      },
      {
        id: 'throttles',
        suffix: 'throttles',
        description: 'Shipper invocations were throttled (reserved or account concurrency exhausted)',
        namespace: 'AWS/Lambda',
        metricName: 'Throttles',
        dimensions: fn,
        statistic: 'Sum',
        threshold: 1,
        comparison: 'GreaterThanOrEqualToThreshold',
      },
      {
        id: 'failure_queue',
        suffix: 'failure-queue',
        description: 'Batches gave up after retries/record age: their metadata is in the failure queue, replay before stream retention ends',
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: p.queueName },
        statistic: 'Maximum',
        threshold: 1,
        comparison: 'GreaterThanOrEqualToThreshold',
      },
      {
        id: 'dead_letters',
        suffix: 'dead-letters',
        description: 'The shipper wrote records OpenSearch refused permanently to the dead-letter bucket',
        namespace: DEAD_LETTER_METRIC.namespace,
        metricName: DEAD_LETTER_METRIC.metricName,
        dimensions: { [DEAD_LETTER_METRIC.dimension]: p.functionName },
        statistic: 'Sum',
        threshold: 1,
        comparison: 'GreaterThanOrEqualToThreshold',
      },
    ];
    const actions = p.topicArn ? [p.topicArn] : undefined;
    this.alarms = specs.map(
      (s) =>
        new CloudwatchMetricAlarm(this, s.id, {
          alarmName: `${p.name}-${s.suffix}`,
          alarmDescription: s.description,
          namespace: s.namespace,
          metricName: s.metricName,
          dimensions: s.dimensions,
          statistic: s.statistic,
          period: 300,
          evaluationPeriods: 1,
          threshold: s.threshold,
          comparisonOperator: s.comparison,
          treatMissingData: 'notBreaching',
          alarmActions: actions,
          okActions: actions,
          tags: p.tags,
        }),
    );
  }
}
