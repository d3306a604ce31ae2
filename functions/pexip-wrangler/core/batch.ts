import type { KinesisStreamRecord } from 'aws-lambda';
import { decodeRecordData } from '../../shared/cwl-decode';
import type { PoisonRecord } from '../../shipper/core/batch';
import { kindOfLogGroup } from '../contract';
import type { Wrangled } from './types';
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
  wrangled: Wrangled;
  /** The record as one JSON line (what S3 and the JSON copy store). */
  json: string;
  /** Deterministic id: the CloudWatch event id, `-<n>` for the n-th further line of one event. */
  id: string;
  /** The RAW log group the line came from. */
  logGroup: string;
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

export function wrangleRecords(records: readonly KinesisStreamRecord[]): WrangledBatch {
  const lines: BatchLine[] = [];
  const poison: PoisonRecord[] = [];
  const counts: BatchCounts = { records: records.length, controlMessages: 0, poisonRecords: 0, events: 0, lines: 0, parseErrors: 0, classes: {} };
  for (let r = 0; r < records.length; r++) {
    const decoded = decodeRecordData(records[r]!.kinesis.data);
    if (decoded.kind === 'control') {
      counts.controlMessages++;
      continue;
    }
    if (decoded.kind === 'poison') {
      counts.poisonRecords++;
      poison.push({ record: r, reason: decoded.reason });
      continue;
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
        const wrangled = wrangleLine(line, { kind, fallbackEpochMs: e.timestamp, fallbackNode: logStream });
        counts.lines++;
        if (wrangled.parseError !== undefined) counts.parseErrors++;
        counts.classes[wrangled.cls] = (counts.classes[wrangled.cls] ?? 0) + 1;
        lines.push({ ref: r, wrangled, json: JSON.stringify(wrangled.record), id: n === 0 ? e.id : `${e.id}-${n}`, logGroup });
        n++;
      }
    }
  }
  return { lines, poison, counts };
}
