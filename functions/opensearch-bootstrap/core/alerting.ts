import { BOOTSTRAP_DEFAULTS, indexPattern, type AlertState, type SourceState } from '../contract';

/** Notification channel (`POST _plugins/_notifications/configs`): SNS topic, published to with the given role. */
export function buildSnsChannel(alert: AlertState): Record<string, unknown> {
  return {
    config_id: BOOTSTRAP_DEFAULTS.channelId,
    config: {
      name: 'logs-to-opensearch alerts',
      description: 'SNS topic of the logs-to-opensearch monitors',
      config_type: 'sns',
      is_enabled: true,
      sns: { topic_arn: alert.snsTopicArn, role_arn: alert.snsRoleArn },
    },
  };
}

/**
 * Query-level monitor (`POST _plugins/_alerting/monitors`): every 5 minutes, count ELB documents
 * with `elb_status_code` 500..599 in the last 5 minutes; trigger when the count exceeds the
 * threshold, notifying the SNS channel. The query is written in the form the Alerting plugin
 * stores it (ranges as from/to/include_*), so the stored copy compares equal to the desired one.
 */
export function buildElb5xxMonitor(elb: SourceState, alert: AlertState): Record<string, unknown> {
  const range = (from: unknown, to: unknown, extra: Record<string, unknown> = {}) => ({ from, to, include_lower: true, include_upper: true, ...extra, boost: 1 });
  return {
    type: 'monitor',
    monitor_type: 'query_level_monitor',
    name: BOOTSTRAP_DEFAULTS.monitorName,
    enabled: true,
    schedule: { period: { interval: 5, unit: 'MINUTES' } },
    inputs: [
      {
        search: {
          indices: [indexPattern(elb)],
          query: {
            size: 0,
            query: {
              bool: {
                filter: [
                  { range: { '@timestamp': range('{{period_end}}||-5m', '{{period_end}}', { format: 'epoch_millis' }) } },
                  { range: { elb_status_code: range(500, 599) } },
                ],
                adjust_pure_negative: true,
                boost: 1,
              },
            },
          },
        },
      },
    ],
    triggers: [
      {
        query_level_trigger: {
          name: `more than ${alert.threshold} ELB 5xx in 5 minutes`,
          severity: '2',
          condition: { script: { source: `ctx.results[0].hits.total.value > ${alert.threshold}`, lang: 'painless' } },
          actions: [
            {
              name: 'notify SNS',
              destination_id: BOOTSTRAP_DEFAULTS.channelId,
              subject_template: { source: 'ELB 5xx above {{ctx.trigger.name}}', lang: 'mustache' },
              message_template: { source: 'Monitor {{ctx.monitor.name}}: {{ctx.results.0.hits.total.value}} ELB 5xx responses between {{ctx.periodStart}} and {{ctx.periodEnd}}.', lang: 'mustache' },
              throttle_enabled: false,
            },
          ],
        },
      },
    ],
  };
}
