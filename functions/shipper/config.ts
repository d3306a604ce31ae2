import { BULK_BYTES, BUCKET_NAME_RULE, BULK_CONCURRENCY, INDEX_PREFIX_RULE, KEY_PREFIX_RULE, OPENSEARCH_SERVICES } from '../shared/contract';
import { envReader } from '../shared/env';
import { SHIPPER_DEFAULTS as D, SHIPPER_ENV as E } from './contract';
import { checkIndexRules, type IndexRule } from './core/index-name';
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

export function loadConfig(env: NodeJS.ProcessEnv): ShipperConfig {
  const r = envReader(env, 'shipper');
  const region = r.str('AWS_REGION') ?? r.str('AWS_DEFAULT_REGION') ?? '';
  if (!region) r.problem('AWS_REGION is required');
  const placement = parsePlacement(r.str(E.fieldPlacement, { default: D.fieldPlacement })!);
  if (typeof placement === 'string') r.problem(`${E.fieldPlacement} ${placement}`);
  const maskPatterns = r.json(E.maskPatterns, (v) => {
    if (!Array.isArray(v) || !v.every((p) => typeof p === 'string')) return 'must be a JSON array of regular expression strings';
    try {
      return compileExtraPatterns(v as string[]);
    } catch (err) {
      return (err as Error).message;
    }
  }, [] as RegExp[]);
  const config: ShipperConfig = {
    endpoint: r.endpoint(E.endpoint),
    service: r.oneOf(E.service, OPENSEARCH_SERVICES, D.service),
    region,
    indexPrefix: r.str(E.indexPrefix, { default: D.indexPrefix, rule: INDEX_PREFIX_RULE })!,
    indexRules: r.json(E.indexRules, checkIndexRules, []),
    placement: typeof placement === 'string' ? { mode: 'nested', field: 'fields' } : placement,
    maxBulkBytes: r.int(E.maxBulkBytes, { default: D.maxBulkBytes, min: BULK_BYTES.min, max: BULK_BYTES.max }),
    concurrency: r.int(E.concurrency, { default: D.concurrency, min: BULK_CONCURRENCY.min, max: BULK_CONCURRENCY.max }),
    gzip: r.bool(E.gzip, D.gzip),
    aossCollectionType: r.oneOf(E.aossCollectionType, ['timeseries', 'search'] as const, D.aossCollectionType),
    maskSecrets: r.bool(E.maskSecrets, D.maskSecrets),
    maskPatterns,
    deadLetterBucket: r.str(E.deadLetterBucket, { required: true, rule: BUCKET_NAME_RULE }) ?? '',
    deadLetterPrefix: r.str(E.deadLetterPrefix, { default: D.deadLetterPrefix, rule: KEY_PREFIX_RULE })!,
    safetyMarginMs: r.int(E.safetyMarginMs, { default: D.safetyMarginMs, min: 0, max: 600_000 }),
  };
  r.done();
  return config;
}
