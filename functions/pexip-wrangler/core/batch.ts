import type { KinesisStreamRecord } from 'aws-lambda';
import { decodeRecordData } from '../../shared/cwl-decode';
import type { PoisonRecord } from '../../shipper/core/batch';
import { kindOfLogGroup, type PexipKind } from '../contract';
import { searchSource } from './search';
import { wrangleLine } from './wrangle';

/**
 * Pure batch step: Kinesis records → CloudWatch Logs messages → one record per syslog line.
 * A log event normally is one line; one holding several (an agent's multi-line setting) gives
 * one record per non-empty line. Nothing is dropped: undecodable records are poison (dead-lettered
 * whole), unreadable lines are records with `parse_error`.
 */
export interface BatchLine {
  /** Position of the Kinesis record in the batch. */
  ref: number;
  /** Deterministic id: the CloudWatch event id, `-<n>` for the n-th further line of one event. */
  id: string;
  /** The RAW log group the line came from. */
  logGroup: string;
  kind: PexipKind;
  cls: string;
  epochMs: number;
  node: string;
  /** The record as one JSON line (what S3 and the JSON copy store). Only the text is kept, not the object: a 6 MB batch holds ~100,000 lines. */
  json: string;
  /** The OpenSearch document when it differs from `json` (see search.ts). */
  search?: string;
}

/** A record that is not a CloudWatch Logs message (the shipper's shape: position and reason). */
export type { PoisonRecord };

export interface BatchCounts {
  records: number;
  controlMessages: number;
  poisonRecords: number;
  events: number;
  lines: number;
  parseErrors: number;
  /** Records per class. */
  classes: Record<string, number>;
}

export interface WrangledBatch {
  lines: BatchLine[];
  poison: PoisonRecord[];
  counts: BatchCounts;
}

export function emptyCounts(records: number): BatchCounts {
  return { records, controlMessages: 0, poisonRecords: 0, events: 0, lines: 0, parseErrors: 0, classes: {} };
}

/**
 * Record `r` (its base64 data) → its lines appended to `out`; returns the poison reason when it
 * is not a subscription message. The handler calls it record by record, so every line can leave
 * for OpenSearch while later records are read.
 */
export function wrangleRecord(data: string, r: number, counts: BatchCounts, out: BatchLine[]): string | undefined {
  const decoded = decodeRecordData(data);
  if (decoded.kind === 'control') {
    counts.controlMessages++;
    return undefined;
  }
  if (decoded.kind === 'poison') {
    counts.poisonRecords++;
    return decoded.reason;
  }
  const { logGroup, logStream, logEvents } = decoded.message;
  const kind = kindOfLogGroup(logGroup);
  for (const e of logEvents) {
    counts.events++;
    const parts = e.message.indexOf('\n') < 0 ? [e.message] : e.message.split('\n');
    let n = 0;
    for (const part of parts) {
      const line = part.endsWith('\r') ? part.slice(0, -1) : part;
      if (line.trim() === '' && parts.length > 1) continue;
      const w = wrangleLine(line, { kind, fallbackEpochMs: e.timestamp, fallbackNode: logStream });
      counts.lines++;
      if (w.parseError !== undefined) counts.parseErrors++;
      counts.classes[w.cls] = (counts.classes[w.cls] ?? 0) + 1;
      const json = JSON.stringify(w.record);
      const search = searchSource(w.record);
      out.push({ ref: r, id: n === 0 ? e.id : `${e.id}-${n}`, logGroup, kind: w.kind, cls: w.cls, epochMs: w.epochMs, node: w.node, json, ...(search === undefined ? {} : { search }) });
      n++;
    }
  }
  return undefined;
}

/** The whole batch at once (tests, tools). */
export function wrangleRecords(records: readonly KinesisStreamRecord[]): WrangledBatch {
  const lines: BatchLine[] = [];
  const poison: PoisonRecord[] = [];
  const counts = emptyCounts(records.length);
  for (let r = 0; r < records.length; r++) {
    const reason = wrangleRecord(records[r]!.kinesis.data, r, counts, lines);
    if (reason !== undefined) poison.push({ record: r, reason });
  }
  return { lines, poison, counts };
}
