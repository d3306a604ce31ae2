import type { PexipKind } from '../contract';

export type JsonRecord = Record<string, unknown>;

/** One wrangled line: the record and what the exports need to place it. */
export interface Wrangled {
  record: JsonRecord;
  kind: PexipKind;
  /** The class (`support.sip.received`, `administrator.conference`, `SYSCALL`, `web`, `unparsed`). */
  cls: string;
  /** Event time (ms) the record's `@timestamp` says: its partition, index and CloudWatch time. */
  epochMs: number;
  /** The node (record `system`), for the JSON copy's stream. */
  node: string;
  /** Set when the line matched no shape (the record carries `parse_error` too). */
  parseError?: string;
}

/** What each kind's parser returns: the record (no `@timestamp`/`raw` yet), its class and event time. */
export interface KindParse {
  record: JsonRecord;
  cls: string;
  time: import('./time').EventTime | undefined;
  /** What could not be read (the record keeps what could). */
  error?: string;
}

/** What every kind's parser gets: the line split after the syslog header. */
export interface SyslogHeader {
  syslogTime: string;
  system: string;
  /** Position of the text after `<syslog_time> <system> `. */
  restAt: number;
}
