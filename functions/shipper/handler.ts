import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { DeadLetterEntry, DeadLetterWriter } from '../shared/dead-letter';
import { writeSummary, type LineWriter } from '../shared/metrics';
import type { BulkClient, BulkItem } from '../shared/opensearch';
import type { ShipperConfig } from './config';
import { emptyCounts, transformRecord, type PoisonRecord, type TransformOptions } from './core/batch';
import { createIndexNamer } from './core/index-name';
import { createMasker } from './core/mask';
import { toBatchResponse } from './core/response';

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
    const batch = { poison, counts };

    const failed = new Set<number>();
    for (const f of outcome.transientFailures) failed.add(f.item.ref);

    const seq = (r: number): string => records[r]!.kinesis.sequenceNumber;
    const poisonEntries: DeadLetterEntry[] = batch.poison.map((p) => {
      const rec = records[p.record]!;
      return {
        reason: p.reason,
        sequenceNumber: rec.kinesis.sequenceNumber,
        partitionKey: rec.kinesis.partitionKey,
        approximateArrivalTimestamp: rec.kinesis.approximateArrivalTimestamp,
        eventID: rec.eventID,
        eventSourceARN: rec.eventSourceARN,
        data: rec.kinesis.data,
      };
    });
    const rejectedEntries: DeadLetterEntry[] = outcome.permanentFailures.map((f) => ({
      reason: f.error,
      status: f.status,
      index: f.item.index,
      id: f.item.id,
      sequenceNumber: seq(f.item.ref),
      document: f.item.source,
    }));
    let deadLettered = 0;
    let deadLetterWriteFailures = 0;
    const keys: string[] = [];
    const errors: string[] = [];
    const write = async (kind: string, entries: DeadLetterEntry[], recordsOf: () => number[]): Promise<void> => {
      if (entries.length === 0) return;
      try {
        const key = await deadLetters.write(kind, context.awsRequestId, entries);
        if (key) keys.push(key);
        deadLettered += entries.length;
      } catch (err) {
        // Nothing may be lost: when the dead letter cannot be written, the records go back to Kinesis.
        deadLetterWriteFailures += entries.length;
        errors.push(`dead-letter ${kind}: ${(err as Error).message}`);
        for (const r of recordsOf()) failed.add(r);
      }
    };
    await Promise.all([
      write('poison-record', poisonEntries, () => batch.poison.map((p) => p.record)),
      write('rejected-document', rejectedEntries, () => outcome.permanentFailures.map((f) => f.item.ref)),
    ]);

    const response = toBatchResponse(records.map((r) => r.kinesis.sequenceNumber), failed);
    const c = batch.counts;
    const latencies = outcome.latenciesMs;
    const reasons = [
      ...batch.poison.slice(0, 3).map((p) => `poison: ${p.reason}`),
      ...outcome.permanentFailures.slice(0, 3).map((f) => `rejected ${f.status}: ${f.error}`),
      ...outcome.transientFailures.slice(0, 3).map((f) => `transient ${f.status}: ${f.error}`),
      ...errors,
    ];
    writeSummary({
      functionName: context.functionName,
      message: 'kinesis batch shipped',
      level: errors.length > 0 ? 'ERROR' : response.batchItemFailures.length > 0 || deadLettered > 0 ? 'WARN' : 'INFO',
      metrics: {
        Records: c.records,
        ControlMessages: c.controlMessages,
        PoisonRecords: c.poisonRecords,
        Events: c.events,
        BytesIn: c.bytesIn,
        CompressedBytes: c.compressedBytes,
        Indexed: outcome.indexed,
        Duplicates: outcome.duplicates,
        Retries: outcome.retries,
        Rejected: outcome.permanentFailures.length,
        TransientFailures: outcome.transientFailures.length,
        DeadLettered: deadLettered,
        DeadLetterWriteFailures: deadLetterWriteFailures,
        BatchItemFailures: response.batchItemFailures.length,
        Masked: c.masked,
        Truncated: outcome.truncated,
        BulkRequests: outcome.requests,
        BulkBytes: outcome.bytesSent,
        BulkLatencyMs: latencies.length > 0 ? Math.max(...latencies) : 0,
        DurationMs: Date.now() - started,
      },
      units: { BytesIn: 'Bytes', CompressedBytes: 'Bytes', BulkBytes: 'Bytes', BulkLatencyMs: 'Milliseconds', DurationMs: 'Milliseconds' },
      properties: {
        requestId: context.awsRequestId,
        formats: c.formats,
        ...(keys.length > 0 ? { deadLetterKeys: keys } : {}),
        ...(reasons.length > 0 ? { reasons } : {}),
      },
    }, deps.writeLine);
    return response;
  };
}
