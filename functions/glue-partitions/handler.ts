import type { Context } from 'aws-lambda';
import { writeSummary } from '../shared/metrics';
import { GLUE_PARTITIONS_METRICS as M } from './contract';
import type { GluePartitionsConfig } from './config';
import { distinctTargets, partitionOfKey, type ExportCatalog, type KeyOutcome, type PartitionTarget } from './core/partitions';
import type { CatalogWriter } from './glue';

/** An S3 notification or an EventBridge "Object Created" event. */
export type ObjectCreatedEvent =
  | { Records: { s3: { bucket: { name: string }; object: { key: string } } }[] }
  | { detail: { bucket: { name: string }; object: { key: string } } };

/** Bucket and key of every object in the event (S3 notification keys are URL-encoded, `+` for space). */
export function objectsOf(event: ObjectCreatedEvent): { bucket: string; key: string }[] {
  if ('Records' in event) {
    return event.Records.map((r) => ({ bucket: r.s3.bucket.name, key: decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')) }));
  }
  return [{ bucket: event.detail.bucket.name, key: event.detail.object.key }];
}

export interface HandlerDeps {
  config: GluePartitionsConfig;
  /** The catalog model (tables without projection), built once. */
  catalog: () => Promise<ExportCatalog>;
  writer: CatalogWriter;
}

/**
 * Per invocation: every object's partition, each table created or updated once per container,
 * each partition added (already there = done). A Glue failure throws: the asynchronous invocation
 * is retried, and nothing is lost (the objects stay in S3; adding partitions is idempotent).
 * Keys outside the layout are counted and named in the summary, not errors.
 */
export function createHandler(deps: HandlerDeps) {
  return async (event: ObjectCreatedEvent, context?: Pick<Context, 'awsRequestId'>): Promise<{ partitionsCreated: number; partitionsExisting: number; ignored: number }> => {
    const catalog = await deps.catalog();
    const objects = objectsOf(event);
    const outcomes: KeyOutcome[] = objects.map((o) =>
      o.bucket === catalog.bucket ? partitionOfKey(o.key, catalog) : { ignored: `bucket ${o.bucket} is not the export bucket` },
    );
    const ignored = outcomes.flatMap((o, i) => ('ignored' in o ? [`${objects[i].key}: ${o.ignored}`] : []));
    const byTable = new Map<string, PartitionTarget[]>();
    for (const t of distinctTargets(outcomes)) {
      const id = `${t.table.database}.${t.table.name}`;
      byTable.set(id, [...(byTable.get(id) ?? []), t]);
    }
    let created = 0;
    let existing = 0;
    let tablesCreated = 0;
    let tablesUpdated = 0;
    for (const targets of byTable.values()) {
      const spec = targets[0].table;
      const t = await deps.writer.ensureTable(spec);
      if (t === 'created') tablesCreated++;
      if (t === 'updated') tablesUpdated++;
      const r = await deps.writer.addPartitions(spec, targets.map((x) => ({ values: x.values, location: x.location })));
      created += r.created;
      existing += r.existing;
    }
    writeSummary({
      functionName: deps.config.functionName,
      message: 'partitions added',
      metrics: {
        [M.objects]: objects.length,
        [M.ignoredKeys]: ignored.length,
        [M.tablesCreated]: tablesCreated,
        [M.tablesUpdated]: tablesUpdated,
        [M.partitionsCreated]: created,
        [M.partitionsExisting]: existing,
      },
      properties: { requestId: context?.awsRequestId, ...(ignored.length ? { ignoredKeys: ignored.slice(0, 20) } : {}) },
    });
    return { partitionsCreated: created, partitionsExisting: existing, ignored: ignored.length };
  };
}
