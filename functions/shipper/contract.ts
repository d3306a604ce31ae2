/**
 * The shipper's contract with the LogPipeline construct: environment variable names, defaults,
 * metric names and the dead-letter kinds it writes. Both sides import this file; no name or
 * default below is written anywhere else.
 */
import { BULK_BYTES, DEAD_LETTER_ENV, DEFAULT_DEAD_LETTER_PREFIX, TARGET_ENV } from '../shared/contract';

export const SHIPPER_ENV = {
  ...TARGET_ENV,
  ...DEAD_LETTER_ENV,
  indexRules: 'INDEX_RULES',
  fieldPlacement: 'FIELD_PLACEMENT',
  aossCollectionType: 'AOSS_COLLECTION_TYPE',
  maskSecrets: 'MASK_SECRETS',
  maskPatterns: 'MASK_PATTERNS',
  safetyMarginMs: 'SAFETY_MARGIN_MS',
} as const;

export const SHIPPER_DEFAULTS = {
  service: 'es',
  indexPrefix: 'cwl',
  fieldPlacement: 'nested',
  maxBulkBytes: BULK_BYTES.default,
  concurrency: 4,
  gzip: false,
  aossCollectionType: 'timeseries',
  maskSecrets: true,
  deadLetterPrefix: DEFAULT_DEAD_LETTER_PREFIX,
  safetyMarginMs: 3_000,
} as const;

/** EMF metric names the construct's alarms read. */
export const SHIPPER_METRICS = {
  deadLettered: 'DeadLettered',
  deadLetterWriteFailures: 'DeadLetterWriteFailures',
  poisonRecords: 'PoisonRecords',
} as const;

/** Dead-letter object kinds (the `<kind>` in the key and each entry's `kind`). */
export const SHIPPER_DEAD_LETTER_KINDS = { poison: 'poison-record', rejected: 'rejected-document' } as const;
