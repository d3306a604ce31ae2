/**
 * The Glue side of the function: create or update a table, add partitions. Idempotent: a table
 * that exists is compared and updated only when it differs; `BatchCreatePartition`'s
 * AlreadyExistsException for a partition means it is there, which is what was wanted.
 */
import type { GlueClient } from '@aws-sdk/client-glue';
import { tableNeedsUpdate, toPartitionInput, toTableInput } from './core/table-input';
import type { TableSpec } from './core/table-spec';

// Required on demand: the SDK is most of a cold start and the runtime provides it.
const sdk = (): typeof import('@aws-sdk/client-glue') => require('@aws-sdk/client-glue') as typeof import('@aws-sdk/client-glue');

export type GlueLike = Pick<GlueClient, 'send' | 'destroy'>;

export function createGlueClient(env: NodeJS.ProcessEnv = process.env): GlueClient {
  const { GlueClient } = sdk();
  void env; // AWS_ENDPOINT_URL_GLUE / AWS_ENDPOINT_URL are read by the SDK itself
  return new GlueClient({});
}

/** BatchCreatePartition takes at most 100 partitions per call. */
export const PARTITION_BATCH = 100;

export interface PartitionResult {
  created: number;
  existing: number;
}

export class CatalogWriter {
  /** Tables known to match their spec in this container (checked once, not per object). */
  private readonly ready = new Set<string>();

  constructor(
    private readonly glue: GlueLike,
    private readonly catalogId?: string,
  ) {}

  async ensureDatabase(name: string): Promise<boolean> {
    const { CreateDatabaseCommand } = sdk();
    try {
      await this.glue.send(new CreateDatabaseCommand({ CatalogId: this.catalogId, DatabaseInput: { Name: name } }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'AlreadyExistsException') return false;
      throw e;
    }
  }

  /** Creates the table, or updates it when it differs from the spec. */
  async ensureTable(spec: TableSpec): Promise<'created' | 'updated' | 'unchanged'> {
    const id = `${spec.database}.${spec.name}`;
    if (this.ready.has(id)) return 'unchanged';
    const { GetTableCommand, CreateTableCommand, UpdateTableCommand } = sdk();
    const wanted = toTableInput(spec);
    let outcome: 'created' | 'updated' | 'unchanged' = 'unchanged';
    try {
      const { Table } = await this.glue.send(new GetTableCommand({ CatalogId: this.catalogId, DatabaseName: spec.database, Name: spec.name }));
      if (tableNeedsUpdate(Table ?? {}, wanted)) {
        await this.glue.send(new UpdateTableCommand({ CatalogId: this.catalogId, DatabaseName: spec.database, TableInput: wanted }));
        outcome = 'updated';
      }
    } catch (e) {
      if ((e as Error).name !== 'EntityNotFoundException') throw e;
      await this.ensureDatabase(spec.database);
      try {
        await this.glue.send(new CreateTableCommand({ CatalogId: this.catalogId, DatabaseName: spec.database, TableInput: wanted }));
        outcome = 'created';
      } catch (err) {
        // Another invocation created it between our Get and Create: the same spec, so done.
        if ((err as Error).name !== 'AlreadyExistsException') throw err;
      }
    }
    this.ready.add(id);
    return outcome;
  }

  /** Adds partitions of one table; those that exist already count as done. Other errors throw (the invocation is retried). */
  async addPartitions(spec: TableSpec, partitions: { values: string[]; location: string }[]): Promise<PartitionResult> {
    const { BatchCreatePartitionCommand } = sdk();
    const result: PartitionResult = { created: 0, existing: 0 };
    for (let i = 0; i < partitions.length; i += PARTITION_BATCH) {
      const batch = partitions.slice(i, i + PARTITION_BATCH);
      const out = await this.glue.send(
        new BatchCreatePartitionCommand({
          CatalogId: this.catalogId,
          DatabaseName: spec.database,
          TableName: spec.name,
          PartitionInputList: batch.map((p) => toPartitionInput(spec, p.values, p.location)),
        }),
      );
      const errors = out.Errors ?? [];
      const other = errors.filter((e) => e.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
      if (other.length > 0) {
        const d = other[0].ErrorDetail;
        throw new Error(`BatchCreatePartition ${spec.database}.${spec.name}: ${other.length} failed, first ${other[0].PartitionValues?.join('/')}: ${d?.ErrorCode}: ${d?.ErrorMessage}`);
      }
      result.existing += errors.length;
      result.created += batch.length - errors.length;
    }
    return result;
  }

  close(): void {
    this.glue.destroy();
  }
}
