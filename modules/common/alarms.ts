import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';

/**
 * The alarms option every construct takes (`alarms?: …`), extended per module with its thresholds.
 * Alarms are on by default: a pipeline that silently stops shipping is the failure users fear most.
 */
export interface AlarmsOption {
  /** `false` creates no alarms. @default true */
  readonly enabled?: boolean;
  /** SNS topic notified on ALARM and OK. @default none (alarms visible in the console only) */
  readonly topicArn?: string;
}

/** One alarm: a metric, how to aggregate it over 5 minutes, and when it breaches. */
export interface AlarmSpec {
  /** Construct id (`iterator_age`) and, with `-` for `_`, the alarm name suffix (`<name>-iterator-age`). */
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: 'Maximum' | 'Sum';
  readonly threshold: number;
  /** @default 'GreaterThanOrEqualToThreshold' */
  readonly comparison?: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold';
}

export interface MetricAlarmsProps {
  /** Prefix of every alarm name. */
  readonly name: string;
  readonly specs: AlarmSpec[];
  readonly topicArn?: string;
  readonly tags?: Record<string, string>;
}

/** A set of 5-minute alarms; all treat missing data as OK (no traffic is not a failure). */
export class MetricAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, p: MetricAlarmsProps) {
    super(scope, id);
    const actions = p.topicArn ? [p.topicArn] : undefined;
    this.alarms = p.specs.map(
      (s) =>
        new CloudwatchMetricAlarm(this, s.id, {
          alarmName: `${p.name}-${s.id.replace(/_/g, '-')}`,
          alarmDescription: s.description,
          namespace: s.namespace,
          metricName: s.metricName,
          dimensions: s.dimensions,
          statistic: s.statistic,
          period: 300,
          evaluationPeriods: 1,
          threshold: s.threshold,
          comparisonOperator: s.comparison ?? 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'notBreaching',
          alarmActions: actions,
          okActions: actions,
          tags: p.tags,
        }),
    );
  }
}

export const alarmsEnabled = (a: AlarmsOption | undefined): boolean => a?.enabled !== false;
