/**
 * The named queries the workgroup ships with (pure SQL builders, so the README and the tests show
 * the exact text). The first two are the original project's CloudWatch Logs Insights questions
 * (../shared/reference/pexip/queries/) in Athena SQL over the class tables.
 * Each query filters on its partition columns, so projection reads only the days it needs.
 */
import { FIELDS } from '../../functions/pexip-wrangler/contract';
import { TIMESTAMP_COLUMN } from '../../functions/glue-partitions/core/pexip-tables';
import { classTableName } from '../../functions/pexip-wrangler/contract';

export interface NamedQuerySpec {
  /** Construct id and (with `-`) the query name suffix. */
  readonly id: string;
  readonly description: string;
  readonly database: string;
  readonly sql: string;
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const table = (db: string, t: string): string => `${q(db)}.${q(t)}`;
/** Pexip partitions of the current month (projection enumerates only these). */
const THIS_MONTH = `year = date_format(current_date, '%Y') AND month = date_format(current_date, '%m')`;
const LAST_7_DAYS = `day >= date_format(current_date - interval '7' day, '%Y/%m/%d')`;

/** Logs Insights `stats count_distinct(log_message.Conference_ID) by bin(1d) | filter name like 'administrator.conference'`. */
export function conferencesPerDay(supportDb: string): NamedQuerySpec {
  return {
    id: 'conferences_per_day',
    description: 'Number of distinct conferences per day this month (the original NumberOfConferencesPerDay query)',
    database: supportDb,
    sql: [
      `SELECT date(from_iso8601_timestamp(${TIMESTAMP_COLUMN})) AS log_date,`,
      `       count(DISTINCT ${FIELDS.logMessage}.conference_id) AS number_of_conferences`,
      `FROM ${table(supportDb, classTableName('administrator.conference'))}`,
      `WHERE ${THIS_MONTH}`,
      'GROUP BY 1',
      'ORDER BY 1',
    ].join('\n'),
  };
}

/** Logs Insights `stats count(name) by bin(1d) | filter level like 'ERROR'`, over every support class table. */
export function errorLevelSupportLogsPerDay(supportDb: string, supportTables: readonly string[]): NamedQuerySpec {
  const parts = supportTables.map(
    (t) => `  SELECT ${TIMESTAMP_COLUMN} FROM ${table(supportDb, t)} WHERE ${THIS_MONTH} AND ${FIELDS.level} = 'ERROR'`,
  );
  return {
    id: 'error_level_support_logs_per_day',
    description: 'Number of ERROR-level support log lines per day this month, all classes (the original NumberOfErrorLevelSupportLogsPerDay query)',
    database: supportDb,
    sql: [
      `SELECT date(from_iso8601_timestamp(${TIMESTAMP_COLUMN})) AS log_date, count(*) AS number_of_error_level_logs`,
      'FROM (',
      parts.join('\n  UNION ALL\n'),
      ')',
      'GROUP BY 1',
      'ORDER BY 1',
    ].join('\n'),
  };
}

export function topElb5xxTargets(db: string, albTable: string): NamedQuerySpec {
  return {
    id: 'top_elb_5xx_targets',
    description: 'ALB targets with the most 5xx answers (from the target or the load balancer) in the last 7 days',
    database: db,
    sql: [
      'SELECT elb, target_ip, target_port,',
      '       count(*) AS responses_5xx,',
      '       count_if(target_status_code >= 500) AS from_target,',
      '       count_if(target_status_code IS NULL) AS without_target_answer',
      `FROM ${table(db, albTable)}`,
      `WHERE ${LAST_7_DAYS}`,
      '  AND elb_status_code >= 500',
      'GROUP BY 1, 2, 3',
      'ORDER BY responses_5xx DESC',
      'LIMIT 25',
    ].join('\n'),
  };
}

export function slowestAlbRequests(db: string, albTable: string): NamedQuerySpec {
  return {
    id: 'slowest_alb_requests',
    description: 'The 50 ALB requests with the longest total time (request + target + response processing) in the last 7 days',
    database: db,
    sql: [
      'SELECT time, elb, request, target_ip, elb_status_code,',
      '       request_processing_time + target_processing_time + response_processing_time AS total_seconds,',
      '       target_processing_time',
      `FROM ${table(db, albTable)}`,
      `WHERE ${LAST_7_DAYS}`,
      // -1 means not dispatched or timed out: not a duration.
      '  AND request_processing_time >= 0 AND target_processing_time >= 0 AND response_processing_time >= 0',
      'ORDER BY total_seconds DESC',
      'LIMIT 50',
    ].join('\n'),
  };
}

export function deadLettersByReason(db: string, deadLetterTables: readonly string[]): NamedQuerySpec {
  const parts = deadLetterTables.map((t) => `  SELECT function_name, kind, reason FROM ${table(db, t)} WHERE ${LAST_7_DAYS}`);
  return {
    id: 'dead_letters_by_reason',
    description: 'Dead-lettered records and documents of the last 7 days by function, kind and reason',
    database: db,
    sql: [
      'SELECT function_name, kind, reason, count(*) AS entries',
      'FROM (',
      parts.join('\n  UNION ALL\n'),
      ')',
      'GROUP BY 1, 2, 3',
      'ORDER BY entries DESC',
      'LIMIT 100',
    ].join('\n'),
  };
}
