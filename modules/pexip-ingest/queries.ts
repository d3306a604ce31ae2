/**
 * The original project's CloudWatch Logs Insights queries (mlnrt/pexip-logs-in-aws, MIT 2019:
 * queries/NumberOfConferencesPerDay.txt and NumberOfErrorLevelSupportLogsPerDay.txt), saved on
 * the support JSON group: the records keep the field names they use.
 */
export const SAVED_QUERIES = {
  NumberOfConferencesPerDay: 'stats count_distinct(log_message.Conference_ID) as NumberOfConferences by bin(1d) as Date\n| filter name like \'administrator.conference\'',
  NumberOfErrorLevelSupportLogsPerDay: 'stats count(name) as NumberOfErrorLevelLogs by bin(1d) as Date\n| filter level like \'ERROR\'',
} as const;
