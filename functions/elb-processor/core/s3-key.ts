import type { LogType } from './types';

/** What an S3 object key is, judged by its name alone (FORMATS.md §5). */
export type KeyKind =
  | { kind: 'log'; type: LogType; gzip: boolean }
  /** `AWSLogs/<acct>/ELBAccessLogTestFile`, written when logging is enabled: not a log. */
  | { kind: 'test-file' }
  /** Anything else under the prefix (folders, manifests, other services' logs). */
  | { kind: 'other'; reason: string };

/**
 * `…/AWSLogs/<acct>/elasticloadbalancing/<region>/yyyy/mm/dd/<file>` where the file name is
 * `[conn_log_]<acct>_elasticloadbalancing_<region>_<lb>_…log[.gz]`. The `<lb>` segment says
 * the type: `app.` ALB, `net.` NLB, anything else a Classic LB name. One AWS page spells the
 * connection-log prefix `conn_log.`, so both are accepted.
 */
export function classifyKey(key: string): KeyKind {
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  if (name === 'ELBAccessLogTestFile') return { kind: 'test-file' };
  if (!key.includes('/elasticloadbalancing/')) return { kind: 'other', reason: 'not under AWSLogs/<account>/elasticloadbalancing/' };
  const gzip = name.endsWith('.log.gz');
  if (!gzip && !name.endsWith('.log')) return { kind: 'other', reason: 'file name does not end in .log or .log.gz' };
  let rest = name;
  let connection = false;
  if (rest.startsWith('conn_log_') || rest.startsWith('conn_log.')) {
    connection = true;
    rest = rest.slice('conn_log_'.length);
  }
  const marker = '_elasticloadbalancing_';
  const at = rest.indexOf(marker);
  if (at === -1) return { kind: 'other', reason: 'file name lacks _elasticloadbalancing_' };
  // After the marker: `<region>_<lb>_…`.
  const afterRegion = rest.indexOf('_', at + marker.length);
  const lb = afterRegion === -1 ? '' : rest.slice(afterRegion + 1);
  if (connection) return { kind: 'log', type: 'alb-connection', gzip };
  if (lb.startsWith('app.')) return { kind: 'log', type: 'alb', gzip };
  if (lb.startsWith('net.')) return { kind: 'log', type: 'nlb', gzip };
  return { kind: 'log', type: 'classic', gzip };
}
