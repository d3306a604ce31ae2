import { FIELDS, LOG_MESSAGE_FIELDS, supportClass } from '../contract';
import { applyDetail } from './detail';
import { withLineBreaks } from './lines';
import { keyEnd, scanPairs } from './pairs';
import { parseOriginating, parseRfc3339 } from './time';
import { recordHead } from './syslog';
import type { JsonRecord, KindParse, SyslogHeader } from './types';
import { supportKey, typedValue } from './value-rules';

/**
 * `<syslog_time> <system> <YYYY-MM-DD> <HH:MM:SS,mmm> Level="…" Name="…" Message="…" Key="…" …`
 * (the originating date and time may be missing). Level and Name become the `level` and `name`
 * columns; every other pair goes into `log_message` under its name with non-[A-Za-z0-9_]
 * characters as `_` (`Conference-ID` → `Conference_ID`), typed by the value rules.
 */
export function parseSupport(line: string, h: SyslogHeader): KindParse | undefined {
  let at = h.restAt;
  let originatingDate: string | undefined;
  let originatingTime: string | undefined;
  if (keyEnd(line, at) < 0) {
    const sp1 = line.indexOf(' ', at);
    const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp2 < 0) return undefined;
    originatingDate = line.slice(at, sp1);
    originatingTime = line.slice(sp1 + 1, sp2);
    at = sp2 + 1;
  }
  const scan = scanPairs(line, at);
  if (scan.pairs.length === 0) return undefined;

  let level: string | undefined;
  let name: string | undefined;
  let message: string | undefined;
  let detail: string | undefined;
  const logMessage: JsonRecord = {};
  const repeats = new Map<string, number>();
  for (const [key, value] of scan.pairs) {
    if (key === 'Level' && level === undefined) level = value;
    else if (key === 'Name' && name === undefined) name = value;
    else if (key === LOG_MESSAGE_FIELDS.detail && detail === undefined) {
      detail = value;
      logMessage[LOG_MESSAGE_FIELDS.detail] = undefined; // keeps the pair's place in the object
    } else {
      if (key === 'Message' && message === undefined) message = value;
      const info = supportKey(key);
      let field = info.field;
      if (field in logMessage) {
        // A repeated key keeps every value: the second is Key_2 and so on (counted, not searched: a line can repeat a key thousands of times).
        const n = (repeats.get(field) ?? 1) + 1;
        repeats.set(field, n);
        field = `${field}_${n}`;
        while (field in logMessage) field += '_'; // a literal Key_2 came first
      }
      logMessage[field] = typedValue(info.type, withLineBreaks(value));
    }
  }
  const cls = name === undefined ? 'support' : supportClass(name, message);
  const record: JsonRecord = {
    ...recordHead('support', cls, h),
    [FIELDS.originatingDate]: originatingDate ?? null,
    [FIELDS.originatingTime]: originatingTime ?? null,
    [FIELDS.level]: level ?? null,
    [FIELDS.name]: name ?? null,
    [FIELDS.logMessage]: logMessage,
  };
  if (detail !== undefined) applyDetail(cls, detail, logMessage, record);
  if (logMessage[LOG_MESSAGE_FIELDS.detail] === undefined) delete logMessage[LOG_MESSAGE_FIELDS.detail];
  // The node's own clock (UTC) wins: syslog_time is when the syslog server received it.
  const time = (originatingDate !== undefined && parseOriginating(originatingDate, originatingTime!)) || parseRfc3339(h.syslogTime);
  // A partly readable line keeps what was read, and says what was not.
  return { record, cls, time, ...(scan.problem ? { error: scan.problem } : {}) };
}
