/**
 * The shipper's contract with the LogPipeline construct: environment variable names, defaults,
 * metric names and the dead-letter kinds it writes. Both sides import this file; no name or
 * default below is written anywhere else.
 */
import { BULK_BYTES, DEAD_LETTER_ENV, DEFAULT_DEAD_LETTER_PREFIX, TARGET_ENV } from '../shared/contract';

export const SHIPPER_ENV = {
  ...TARGET_ENV,
  ...DEAD_LETTER_ENV,
  /**
   * JSON array `[{"logGroupPattern":"/aws/lambda/*","indexPrefix":"lambda"}]`: glob on the whole
   * log group name (`*` any run, `?` one character), first match wins; other groups use `INDEX_PREFIX`.
   * @default none
   */
  indexRules: 'INDEX_RULES',
  /** Where extracted fields go: `nested` (under `fields`), `nested:<name>` (under `<name>`) or `top` (next to the `@` fields, as the AWS blueprint). */
  fieldPlacement: 'FIELD_PLACEMENT',
  /** Only with `aoss`: `timeseries` (custom ids refused, so `index` without an id) or `search` (`create` with the event id). */
  aossCollectionType: 'AOSS_COLLECTION_TYPE',
  /** Built-in secret masking (access key ids, values of password/token/secret keys, bearer tokens, JWTs). */
  maskSecrets: 'MASK_SECRETS',
  /**
   * JSON array of extra regular expressions to mask, `"source"` or `"/source/flags"`; invalid or
   * empty-matching patterns are configuration errors.
   * @default none
   */
  maskPatterns: 'MASK_PATTERNS',
  /** Milliseconds kept free before the Lambda timeout for dead letters and the response; sending stops at `remaining − min(margin, remaining/2)`. */
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
