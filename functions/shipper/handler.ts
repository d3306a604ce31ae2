import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { DeadLetterEntry, DeadLetterWriter } from '../shared/dead-letter';
import { writeSummary, type LineWriter } from '../shared/metrics';
import type { BulkClient, BulkItem } from '../shared/opensearch';
import type { ShipperConfig } from './config';
import { emptyCounts, transformRecord, type PoisonRecord, type TransformOptions } from './core/batch';
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
}

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

  return async (event, context) => {
    const started = Date.now();
    const records = event.Records ?? [];
    const remaining = context.getRemainingTimeInMillis();
    // Keep time for the dead-letter writes and the response; never less than half the remaining time for sending.
    const deadlineMs = started + remaining - Math.min(config.safetyMarginMs, remaining / 2);

    // Record by record into the bulk session: documents become request bytes right away and
    // full requests leave while later records are transformed (bounded by the session's backpressure).
    const session = bulk.open<number>({ deadlineMs });
    const counts = emptyCounts(records.length);
    const maskedBefore = options.masker.count;
    const poison: PoisonRecord[] = [];
    const items: BulkItem<number>[] = [];
    for (let r = 0; r < records.length; r++) {
      items.length = 0;
      const reason = transformRecord(records[r]!.kinesis.data, r, options, counts, items);
      if (reason !== undefined) poison.push({ record: r, reason });
      for (const item of items) {
        const wait = session.add(item);
        if (wait) await wait;
      }
    }
    counts.masked = options.masker.count - maskedBefore;
    const outcome = await session.finish();

    const failed = new Set<number>();
    for (const f of outcome.transientFailures) failed.add(f.item.ref);

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
      durationMs: Date.now() - started,
    }), deps.writeLine);
    return response;
  };
}
