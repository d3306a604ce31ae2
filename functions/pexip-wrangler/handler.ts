import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { DeadLetterEntry, DeadLetterWriter, S3Like } from '../shared/dead-letter';
import { writeSummary, type LineWriter } from '../shared/metrics';
import { truncateDocument, type BulkClient, type BulkOutcome } from '../shared/opensearch';
import type { PexipConfig } from './config';
import { PEXIP_DEAD_LETTER_KINDS as KINDS, PEXIP_METRICS as M } from './contract';
import { emptyCounts, wrangleRecord, type BatchLine } from './core/batch';
import { lineEntry, poisonEntry } from './core/dead-letters';
import { planExportObjects, shardOf } from './core/exports';
import { planLogEvents, PUT_LOG_EVENTS_LIMITS } from './core/json-copy';
import { bulkItem } from './core/search';
import { putExportObjects, type ExportResult } from './sinks/s3-export';
import { putJsonCopy, type JsonCopyResult, type LogsLike } from './sinks/json-copy';

export interface WranglerDeps {
  config: PexipConfig;
  /** Needed when the S3 export is on. */
  s3?: S3Like;
  /** Needed when the JSON copy is on. */
  logs?: LogsLike;
  /** Needed when OpenSearch is on. */
  bulk?: Pick<BulkClient, 'open'>;
  deadLetters: DeadLetterWriter;
  /** Where the summary/EMF line goes. @default stdout */
  writeLine?: LineWriter;
}

export type WranglerHandler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

/**
 * One invocation: wrangle every line (pure) → S3 export and OpenSearch side by side → the
 * CloudWatch Logs JSON copy (last, and only when nothing before must be retried: it is the one
 * destination that cannot recognise a repeated event) → dead letters → response → summary line.
 *
 * Retry unit is the whole batch: when anything transient fails (or a dead letter cannot be
 * written), the first record is reported, so the event source delivers the batch again from the
 * same record; the S3 objects then get the same keys (overwritten, no duplicate rows) and
 * OpenSearch answers 409 for what it already has.
 */
export function createWranglerHandler(deps: WranglerDeps): WranglerHandler {
  const { config, deadLetters } = deps;
  const createdStreams = new Set<string>();
  if (config.exportBucket && !deps.s3) throw new Error('pexip-wrangler: the S3 export is on but no S3 client was given');
  if (config.jsonLogGroupSuffix && !deps.logs) throw new Error('pexip-wrangler: the JSON copy is on but no CloudWatch Logs client was given');
  if (config.opensearch && !deps.bulk) throw new Error('pexip-wrangler: OpenSearch is on but no bulk client was given');

  return async (event, context) => {
    const started = Date.now();
    const records = event.Records ?? [];
    const remaining = context.getRemainingTimeInMillis();
    const deadlineMs = started + remaining - Math.min(config.safetyMarginMs, remaining / 2);
    const counts = emptyCounts(records.length);
    const lines: BatchLine[] = [];
    const errors: string[] = [];
    let retry = false;
    const entries: Record<string, DeadLetterEntry[]> = {};
    const deadLetter = (kind: string, e: DeadLetterEntry): void => {
      (entries[kind] ??= []).push(e);
    };

    // Record by record: each line goes into the bulk session (encoded to request bytes at once,
    // full requests leave while later records are read), and only its JSON text is kept.
    const os = config.opensearch;
    const session = os && deps.bulk!.open<number>({ deadlineMs });
    for (let r = 0; r < records.length; r++) {
      const from = lines.length;
      const reason = wrangleRecord(records[r]!.kinesis.data, r, counts, lines);
      if (reason !== undefined) deadLetter(KINDS.poison, poisonEntry(records[r]!, reason));
      if (!session) continue;
      for (let i = from; i < lines.length; i++) {
        const wait = session.add(bulkItem(lines[i]!, i, os.indexPrefix));
        if (wait) await wait;
      }
    }

    // S3 and the end of the OpenSearch session side by side.
    const exportPromise: Promise<ExportResult | undefined> = config.exportBucket && lines.length > 0
      ? putExportObjects(deps.s3!, config.exportBucket, planExportObjects(lines, config.exportPrefix, shardOf(records[0]!.eventID), records[0]!.kinesis.sequenceNumber), (i) => lines[i]!.json)
      : Promise.resolve(undefined);
    const searchPromise: Promise<BulkOutcome<number> | undefined> = session ? session.finish() : Promise.resolve(undefined);
    const [exported, searched] = await Promise.all([exportPromise, searchPromise]);

    if (exported) {
      for (const t of exported.transient) errors.push(t.reason);
      if (exported.transient.length > 0) retry = true;
      for (const p of exported.permanent) for (const i of p.object.lines) deadLetter(KINDS.export, lineEntry(lines[i]!, records, p.reason));
    }
    if (searched) {
      if (searched.transientFailures.length > 0) {
        retry = true;
        errors.push(`opensearch: ${searched.transientFailures.length} documents failed transiently, first: ${searched.transientFailures[0]!.error}`);
      }
      for (const f of searched.permanentFailures) {
        deadLetter(KINDS.rejected, lineEntry(lines[f.item.ref]!, records, f.error, { status: f.status, index: f.item.index, document: f.item.source }));
      }
    }

    let copied: JsonCopyResult | undefined;
    if (config.jsonLogGroupSuffix && lines.length > 0 && !retry) {
      const messageOf = (i: number): string => truncateDocument(lines[i]!.json, PUT_LOG_EVENTS_LIMITS.maxEventBytes);
      copied = await putJsonCopy(deps.logs!, planLogEvents(lines, config.jsonLogGroupSuffix, messageOf), createdStreams);
      if (copied.transient.length > 0) {
        retry = true;
        errors.push(...copied.transient.map((t) => t.reason));
      }
      for (const p of copied.permanent) for (const i of p.batch.lines) deadLetter(KINDS.jsonCopy, lineEntry(lines[i]!, records, p.reason));
      for (const r of copied.rejected) deadLetter(KINDS.jsonCopy, lineEntry(lines[r.line]!, records, r.reason));
    }

    let deadLettered = 0;
    let deadLetterWriteFailures = 0;
    const deadLetterKeys: string[] = [];
    await Promise.all(Object.entries(entries).map(async ([kind, list]) => {
      try {
        const key = await deadLetters.write(kind, context.awsRequestId, list);
        if (key) deadLetterKeys.push(key);
        deadLettered += list.length;
      } catch (err) {
        // Nothing may be lost: without its dead letter, the batch goes back to Kinesis.
        deadLetterWriteFailures += list.length;
        retry = true;
        errors.push(`dead-letter ${kind}: ${(err as Error).message}`);
      }
    }));

    const response: KinesisStreamBatchResponse = { batchItemFailures: retry && records.length > 0 ? [{ itemIdentifier: records[0]!.kinesis.sequenceNumber }] : [] };
    const c = counts;
    writeSummary({
      functionName: context.functionName,
      message: 'pexip batch wrangled',
      level: retry ? 'WARN' : deadLettered > 0 ? 'WARN' : 'INFO',
      metrics: {
        Records: c.records,
        [M.poisonRecords]: c.poisonRecords,
        [M.lines]: c.lines,
        [M.parseErrors]: c.parseErrors,
        [M.exportedObjects]: exported?.written.length ?? 0,
        ExportedBytes: exported?.bytes ?? 0,
        [M.jsonEvents]: copied?.events ?? 0,
        [M.indexed]: searched?.indexed ?? 0,
        Duplicates: searched?.duplicates ?? 0,
        [M.deadLettered]: deadLettered,
        [M.deadLetterWriteFailures]: deadLetterWriteFailures,
        BatchItemFailures: response.batchItemFailures.length,
        DurationMs: Date.now() - started,
      },
      units: { ExportedBytes: 'Bytes', DurationMs: 'Milliseconds' },
      properties: {
        requestId: context.awsRequestId,
        classes: c.classes,
        controlMessages: c.controlMessages,
        events: c.events,
        streamsCreated: copied?.streamsCreated ?? 0,
        jsonCopySkipped: Boolean(config.jsonLogGroupSuffix) && lines.length > 0 && copied === undefined,
        deadLetterKeys,
        errors: errors.slice(0, 10),
      },
    }, deps.writeLine);
    return response;
  };
}
