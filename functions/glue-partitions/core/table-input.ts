/**
 * TableSpec → the Glue API's TableInput / PartitionInput (plain objects in the SDK's shape), and
 * the comparison that decides whether an existing table needs an update. Pure.
 */
import type { ColumnSpec, TableSpec } from './table-spec';

export interface GlueColumn {
  Name: string;
  Type: string;
  Comment?: string;
}
export interface GlueStorageDescriptor {
  Columns: GlueColumn[];
  Location: string;
  InputFormat: string;
  OutputFormat: string;
  SerdeInfo: { SerializationLibrary: string; Parameters: Record<string, string> };
}
export interface GlueTableInput {
  Name: string;
  Description: string;
  TableType: 'EXTERNAL_TABLE';
  Parameters: Record<string, string>;
  PartitionKeys: GlueColumn[];
  StorageDescriptor: GlueStorageDescriptor;
}

const columns = (cs: readonly ColumnSpec[]): GlueColumn[] => cs.map((c) => ({ Name: c.name, Type: c.type, ...(c.comment ? { Comment: c.comment } : {}) }));

function storage(spec: TableSpec, location: string): GlueStorageDescriptor {
  return {
    Columns: columns(spec.columns),
    Location: location,
    InputFormat: spec.inputFormat,
    OutputFormat: spec.outputFormat,
    SerdeInfo: { SerializationLibrary: spec.serde.library, Parameters: { ...spec.serde.parameters } },
  };
}

export function toTableInput(spec: TableSpec): GlueTableInput {
  return {
    Name: spec.name,
    Description: spec.description,
    TableType: 'EXTERNAL_TABLE',
    Parameters: { ...spec.parameters },
    PartitionKeys: columns(spec.partitionKeys),
    StorageDescriptor: storage(spec, spec.location),
  };
}

export function toPartitionInput(spec: TableSpec, values: string[], location: string): { Values: string[]; StorageDescriptor: GlueStorageDescriptor } {
  return { Values: values, StorageDescriptor: storage(spec, location) };
}

/** What of a table Glue gave back we compare (the rest, such as timestamps and version ids, is Glue's). */
export interface ExistingTable {
  Parameters?: Record<string, string>;
  PartitionKeys?: { Name?: string; Type?: string }[];
  StorageDescriptor?: { Columns?: { Name?: string; Type?: string }[]; Location?: string; SerdeInfo?: { SerializationLibrary?: string; Parameters?: Record<string, string> } };
}

const sig = (cs: { Name?: string; Type?: string }[] | undefined): string => (cs ?? []).map((c) => `${c.Name}:${c.Type}`).join(',');
const sameMap = (a: Record<string, string> | undefined, b: Record<string, string>): boolean =>
  Object.keys(b).every((k) => a?.[k] === b[k]);

/** True when the existing table differs from the wanted one in what queries depend on. */
export function tableNeedsUpdate(existing: ExistingTable, wanted: GlueTableInput): boolean {
  const sd = existing.StorageDescriptor ?? {};
  return (
    sig(sd.Columns) !== sig(wanted.StorageDescriptor.Columns) ||
    sig(existing.PartitionKeys) !== sig(wanted.PartitionKeys) ||
    sd.Location !== wanted.StorageDescriptor.Location ||
    sd.SerdeInfo?.SerializationLibrary !== wanted.StorageDescriptor.SerdeInfo.SerializationLibrary ||
    !sameMap(sd.SerdeInfo?.Parameters, wanted.StorageDescriptor.SerdeInfo.Parameters) ||
    !sameMap(existing.Parameters, wanted.Parameters)
  );
}
