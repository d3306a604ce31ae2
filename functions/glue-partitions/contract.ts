/**
 * The glue-partitions function's contract with the GlueCatalog construct: environment variable
 * names, defaults and metric names (the construct sets what the function reads).
 */
import { PEXIP_DEFAULTS } from '../pexip-wrangler/contract';

export const GLUE_PARTITIONS_ENV = {
  /** Bucket of the wrangler's export (the tables' locations). */
  exportBucket: 'EXPORT_BUCKET',
  /** The wrangler's export prefix. */
  exportPrefix: 'EXPORT_PREFIX',
  /** Account id of the Glue catalog (cross-account catalogs); empty = the function's own. */
  catalogId: 'GLUE_CATALOG_ID',
  /** `s3://bucket/key` of a metadata file in the original's format; empty = the bundled copy. */
  metadataUri: 'METADATA_S3_URI',
} as const;

export const GLUE_PARTITIONS_DEFAULTS = {
  exportPrefix: PEXIP_DEFAULTS.exportPrefix,
} as const;

export const GLUE_PARTITIONS_METRICS = {
  objects: 'Objects',
  ignoredKeys: 'IgnoredKeys',
  tablesCreated: 'TablesCreated',
  tablesUpdated: 'TablesUpdated',
  partitionsCreated: 'PartitionsCreated',
  partitionsExisting: 'PartitionsExisting',
} as const;
