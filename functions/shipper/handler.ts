import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { DeadLetterEntry, DeadLetterWriter } from '../shared/dead-letter';
import { writeSummary, type LineWriter } from '../shared/metrics';
import type { BulkClient, BulkItem } from '../shared/opensearch';
import type { ShipperConfig } from './config';
import { createBatchIds, emptyCounts, transformRecord, type PoisonRecord, type TransformOptions } from './core/batch';
import { decodeRecordData } from '../shared/cwl-decode';
import { createIndexNamer } from './core/index-name';
import { createMasker } from './core/mask';
import { toBatchResponse } from './core/response';
import { poisonEntry, rejectedEntry } from './core/dead-letters';
import { invocationSummary } from './core/summary';

export interface ShipperDeps {
  config: ShipperConfig;
  bulk: Pick<BulkClient, 'open'>;
  deadLetters: DeadLetterWriter;
  /** Where the summary/EMF line goes. @default stdout */
  writeLine?: LineWriter;
  /** Clock for the transform deadline (tests make time jump). @default Date.now */
  now?: () => number;
}

/**
 * Share of the time before the send deadline that transforming may use: records not started by
 * then are reported for retry, so the documents already added still have time to be sent (and a
 * batch of slow records cannot run the invocation into its timeout, be retried whole, bisected and
 * lost when the retries run out).
 */
export const TRANSFORM_SHARE = 0.8;

export type ShipperHandler = (event: KinesisStreamEvent, context: Context) => Promise<KinesisStreamBatchResponse>;

/**
 * The shipper's invocation flow: transform (pure) → bulk send with retries until the deadline →
 * dead-letter poison records and rejected documents → partial-batch response → one summary line.
 * Only the bulk session and the dead-letter writes are I/O; everything else is in core/.
 */
export function createShipperHandler(deps: ShipperDeps): ShipperHandler {
  const { config, bulk, deadLetters } = deps;
  const options: TransformOptions = {
    namer: createIndexNamer(config.indexPrefix, config.indexRules),
    masker: createMasker(config.maskPatterns, config.maskSecrets),
    placement: config.placement,
    idMode: config.service === 'aoss' && config.aossCollectionType === 'timeseries' ? 'index-without-id' : 'create-with-id',
  };

  const now = deps.now ?? Date.now;

  return async (event, context) => {
    const started = now();
    const records = event.Records ?? [];
    const remaining = context.getRemainingTimeInMillis();
    // Keep time for the dead-letter writes and the response; never less than half the remaining time for sending.
    const deadlineMs = started + remaining - Math.min(config.safetyMarginMs, remaining / 2);
    const transformUntil = started + (deadlineMs - started) * TRANSFORM_SHARE;

    // Record by record into the bulk session: documents become request bytes right away and
    // full requests leave while later records are transformed (bounded by the session's backpressure).
    const session = bulk.open<number>({ deadlineMs });
    const counts = emptyCounts(records.length);
    const maskedBefore = options.masker.count;
    const poison: PoisonRecord[] = [];
    const items: BulkItem<number>[] = [];
    const ids = createBatchIds((r, e) => {
      const d = decodeRecordData(records[r]!.kinesis.data);
      return d.kind === 'data' ? d.message.logEvents[e] : undefined;
    });
    let deferredFrom = records.length;
    for (let r = 0; r < records.length; r++) {
      if (now() >= transformUntil) {
        deferredFrom = r;
        break;
      }
      items.length = 0;
      const reason = transformRecord(records[r]!.kinesis.data, r, options, counts, items, ids);
      if (reason !== undefined) poison.push({ record: r, reason });
      // A record's documents go into the body with one write (see BulkSession.addMany).
      const wait = session.addMany(items);
      if (wait) await wait;
    }
    counts.masked = options.masker.count - maskedBefore;
    const outcome = await session.finish();

    const failed = new Set<number>();
    for (const f of outcome.transientFailures) failed.add(f.item.ref);
    // Records the deadline left untransformed go back to the stream, retried by a fresh invocation.
    for (let r = deferredFrom; r < records.length; r++) failed.add(r);

    let deadLettered = 0;
    let deadLetterWriteFailures = 0;
    const deadLetterKeys: string[] = [];
    const errors: string[] = [];
    const write = async (kind: string, entries: DeadLetterEntry[], recordsOf: () => number[]): Promise<void> => {
      if (entries.length === 0) return;
      try {
        const key = await deadLetters.write(kind, context.awsRequestId, entries);
        if (key) deadLetterKeys.push(key);
        deadLettered += entries.length;
      } catch (err) {
        // Nothing may be lost: when the dead letter cannot be written, the records go back to Kinesis.
        deadLetterWriteFailures += entries.length;
        errors.push(`dead-letter ${kind}: ${(err as Error).message}`);
        for (const r of recordsOf()) failed.add(r);
      }
    };
    await Promise.all([
      write('poison-record', poison.map((p) => poisonEntry(records[p.record]!, p.reason)), () => poison.map((p) => p.record)),
      write('rejected-document', outcome.permanentFailures.map((f) => rejectedEntry(f, records)), () => outcome.permanentFailures.map((f) => f.item.ref)),
    ]);

    const response = toBatchResponse(records.map((r) => r.kinesis.sequenceNumber), failed);
    writeSummary(invocationSummary({
      functionName: context.functionName,
      requestId: context.awsRequestId,
      counts,
      poison,
      outcome,
      deadLettered,
      deadLetterWriteFailures,
      deadLetterKeys,
      errors,
      batchItemFailures: response.batchItemFailures.length,
      deferredRecords: records.length - deferredFrom,
      durationMs: now() - started,
    }), deps.writeLine);
    return response;
  };
}
