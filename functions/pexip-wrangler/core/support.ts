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
  const names = new LogMessageNames();
  for (const [key, value] of scan.pairs) {
    if (key === 'Level' && level === undefined) level = value;
    else if (key === 'Name' && name === undefined) name = value;
    else if (key === LOG_MESSAGE_FIELDS.detail && detail === undefined) {
      detail = value;
      logMessage[names.claim(LOG_MESSAGE_FIELDS.detail, 'detail')] = undefined; // keeps the pair's place in the object
    } else {
      if (key === 'Message' && message === undefined) message = value;
      const info = supportKey(key);
      logMessage[names.claim(info.field, info.folded)] = typedValue(info.type, withLineBreaks(value));
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
  if (detail !== undefined) applyDetail(cls, detail, logMessage, record, () => names.claim(DETAIL_LINES, DETAIL_LINES.toLowerCase()));
  if (logMessage[LOG_MESSAGE_FIELDS.detail] === undefined) delete logMessage[LOG_MESSAGE_FIELDS.detail];
  // The node's own clock (UTC) wins: syslog_time is when the syslog server received it.
  const time = (originatingDate !== undefined && parseOriginating(originatingDate, originatingTime!)) || parseRfc3339(h.syslogTime);
  // A partly readable line keeps what was read, and says what was not.
  return { record, cls, time, ...(scan.problem ? { error: scan.problem } : {}) };
}

/**
 * The field names of one record's `log_message`, unique ignoring case. Athena's JSON SerDe and the
 * Glue columns of the metadata file (`licenses:int`) fold case, so `Licenses` and `LICENSES` on one
 * line would be two values for one column: the SerDe refuses the row (all nulls). The first
 * spelling on the line names the field (case kept: Logs Insights and OpenSearch are
 * case-sensitive, and the original's queries use `log_message.Conference_ID`); a later pair whose
 * name differs from it only in case is a repeat of that key, like an exact repeat: its value goes to
 * `<first spelling>_2`, `_3`, … (every value kept; `raw` keeps the line as written).
 */
const DETAIL_LINES = `${LOG_MESSAGE_FIELDS.detail}_lines`;

class LogMessageNames {
  /** Folded name → the spelling the record uses. */
  private readonly used = new Map<string, string>();
  /** Folded name → values seen so far (counted, not searched: a line can repeat a key thousands of times). */
  private readonly repeats = new Map<string, number>();

  /** The field name for a pair named `field` (`folded` = `field.toLowerCase()`), reserving it. */
  claim(field: string, folded: string): string {
    const first = this.used.get(folded);
    if (first === undefined) {
      this.used.set(folded, field);
      return field;
    }
    const n = (this.repeats.get(folded) ?? 1) + 1;
    this.repeats.set(folded, n);
    let name = `${first}_${n}`;
    while (this.used.has(name.toLowerCase())) name += '_'; // a literal Key_2 (in any case) came first
    this.used.set(name.toLowerCase(), name);
    return name;
  }
}
