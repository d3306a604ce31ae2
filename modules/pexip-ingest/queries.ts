/**
 * The original project's CloudWatch Logs Insights queries (its `queries/` folder, MIT 2019), saved
 * on the JSON groups the wrangler writes: the field names they use (`log_message.Conference_ID`,
 * `name`, `level`) are the record fields the wrangler keeps for exactly this reason.
 */
export const PEXIP_QUERIES = [
  {
    id: 'conferences_per_day',
    kind: 'support',
    name: 'NumberOfConferencesPerDay',
    query: "stats count_distinct(log_message.Conference_ID) as NumberOfConferences by bin(1d) as Date\n| filter name like 'administrator.conference'",
  },
  {
    id: 'error_logs_per_day',
    kind: 'support',
    name: 'NumberOfErrorLevelSupportLogsPerDay',
    query: "stats count(name) as NumberOfErrorLevelLogs by bin(1d) as Date\n| filter level like 'ERROR'",
  },
] as const;
