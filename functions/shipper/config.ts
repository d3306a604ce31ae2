import { envReader } from '../shared/env';
import { checkIndexRules, INDEX_PREFIX, type IndexRule } from './core/index-name';
import { compileExtraPatterns } from './core/mask';
import { parsePlacement, type FieldPlacement } from './core/document';

/** Shipper configuration, read from the environment once per cold start (see README.md). */
export interface ShipperConfig {
  endpoint: string;
  service: 'es' | 'aoss';
  region: string;
  indexPrefix: string;
  indexRules: IndexRule[];
  placement: FieldPlacement;
  maxBulkBytes: number;
  concurrency: number;
  gzip: boolean;
  /** Only for aoss: time-series collections reject custom ids, search collections accept them. */
  aossCollectionType: 'timeseries' | 'search';
  maskSecrets: boolean;
  maskPatterns: RegExp[];
  deadLetterBucket: string;
  deadLetterPrefix: string;
  safetyMarginMs: number;
}

export const SHIPPER_DEFAULTS = {
  OPENSEARCH_SERVICE: 'es',
  INDEX_PREFIX: 'cwl',
  FIELD_PLACEMENT: 'nested',
  MAX_BULK_BYTES: 5 * 1024 * 1024,
  BULK_CONCURRENCY: 4,
  BULK_GZIP: false,
  AOSS_COLLECTION_TYPE: 'timeseries',
  MASK_SECRETS: true,
  DEAD_LETTER_PREFIX: 'shipper/',
  SAFETY_MARGIN_MS: 3_000,
} as const;

export function loadConfig(env: NodeJS.ProcessEnv): ShipperConfig {
  const r = envReader(env, 'shipper');
  const endpoint = r.url('OPENSEARCH_ENDPOINT', { allowHttp: true });
  const service = r.oneOf('OPENSEARCH_SERVICE', ['es', 'aoss'] as const, SHIPPER_DEFAULTS.OPENSEARCH_SERVICE);
  const region = r.str('AWS_REGION') ?? r.str('AWS_DEFAULT_REGION') ?? '';
  if (!region) r.problem('AWS_REGION is required');
  const indexPrefix = r.str('INDEX_PREFIX', { default: SHIPPER_DEFAULTS.INDEX_PREFIX, pattern: INDEX_PREFIX, describe: 'a lower-case index name prefix' })!;
  const indexRules = r.json('INDEX_RULES', checkIndexRules, []);
  const placementText = r.str('FIELD_PLACEMENT', { default: SHIPPER_DEFAULTS.FIELD_PLACEMENT })!;
  const placement = parsePlacement(placementText);
  if (typeof placement === 'string') r.problem(`FIELD_PLACEMENT ${placement}`);
  const maskPatterns = r.json('MASK_PATTERNS', (v) => {
    if (!Array.isArray(v) || !v.every((p) => typeof p === 'string')) return 'must be a JSON array of regular expression strings';
    try {
      return compileExtraPatterns(v as string[]);
    } catch (err) {
      return (err as Error).message;
    }
  }, [] as RegExp[]);
  const config: ShipperConfig = {
    endpoint,
    service,
    region,
    indexPrefix,
    indexRules,
    placement: typeof placement === 'string' ? { mode: 'nested', field: 'fields' } : placement,
    maxBulkBytes: r.int('MAX_BULK_BYTES', { default: SHIPPER_DEFAULTS.MAX_BULK_BYTES, min: 64 * 1024, max: 100 * 1024 * 1024 }),
    concurrency: r.int('BULK_CONCURRENCY', { default: SHIPPER_DEFAULTS.BULK_CONCURRENCY, min: 1, max: 32 }),
    gzip: r.bool('BULK_GZIP', SHIPPER_DEFAULTS.BULK_GZIP),
    aossCollectionType: r.oneOf('AOSS_COLLECTION_TYPE', ['timeseries', 'search'] as const, SHIPPER_DEFAULTS.AOSS_COLLECTION_TYPE),
    maskSecrets: r.bool('MASK_SECRETS', SHIPPER_DEFAULTS.MASK_SECRETS),
    maskPatterns,
    deadLetterBucket: r.str('DEAD_LETTER_BUCKET', { required: true, describe: 'the S3 bucket for poison records and rejected documents' }) ?? '',
    deadLetterPrefix: r.str('DEAD_LETTER_PREFIX', { default: SHIPPER_DEFAULTS.DEAD_LETTER_PREFIX })!,
    safetyMarginMs: r.int('SAFETY_MARGIN_MS', { default: SHIPPER_DEFAULTS.SAFETY_MARGIN_MS, min: 0, max: 600_000 }),
  };
  r.done();
  return config;
}
