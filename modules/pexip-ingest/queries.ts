/**
 * The original project's CloudWatch Logs Insights queries (mlnrt/pexip-logs-in-aws, MIT 2019:
 * queries/NumberOfConferencesPerDay.txt and NumberOfErrorLevelSupportLogsPerDay.txt), saved on
 * the support JSON group: the records keep the field names they use. One line each (the pipe
 * needs no line break), so the synthesized HCL holds no multi-line string.
 */
export const SAVED_QUERIES = {
  NumberOfConferencesPerDay: "stats count_distinct(log_message.Conference_ID) as NumberOfConferences by bin(1d) as Date | filter name like 'administrator.conference'",
  NumberOfErrorLevelSupportLogsPerDay: "stats count(name) as NumberOfErrorLevelLogs by bin(1d) as Date | filter level like 'ERROR'",
} as const;
