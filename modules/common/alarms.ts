import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import type { TextRule } from '../../functions/shared/contract';
import { isLiteral, type Fail } from './validation';
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

/** An SNS topic ARN (alarm actions). */
export const SNS_TOPIC_ARN_RULE: TextRule = { pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, describe: 'an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)' };

/** A literal topic ARN must satisfy SNS_TOPIC_ARN_RULE (a Terraform variable carries the rule as its validation). */
export function validateAlarmsOption(a: AlarmsOption | undefined, fail: Fail): void {
  if (a?.topicArn !== undefined && isLiteral(a.topicArn) && !SNS_TOPIC_ARN_RULE.pattern.test(a.topicArn)) {
    fail(`alarms.topicArn must be ${SNS_TOPIC_ARN_RULE.describe}, got "${a.topicArn}"`);
  }
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
    // A topic given as a Terraform variable may be null (no topic): compact() drops it at plan time.
    const actions = p.topicArn === undefined ? undefined : isLiteral(p.topicArn) ? [p.topicArn] : Fn.compact([p.topicArn]);
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
