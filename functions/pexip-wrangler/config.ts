import { BUCKET_NAME_RULE, BULK_BYTES, BULK_CONCURRENCY, INDEX_PREFIX_RULE, KEY_PREFIX_RULE, OPENSEARCH_SERVICES, type OpenSearchService } from '../shared/contract';
import { envReader } from '../shared/env';
import { LOG_GROUP_PART_RULE, PEXIP_DEFAULTS as D, PEXIP_ENV as E } from './contract';


export interface OpenSearchConfig {
  endpoint: string;
  service: OpenSearchService;
  region: string;
  indexPrefix: string;
  maxBulkBytes: number;
  concurrency: number;
  gzip: boolean;
}

/** The wrangler's configuration, read from the environment once per cold start (see README.md). */
export interface PexipConfig {
  functionName: string;
  /** S3 export on when set. */
  exportBucket?: string;
  exportPrefix: string;
  /** CloudWatch Logs JSON copy on when set. */
  jsonLogGroupSuffix?: string;
  /** OpenSearch on when set. */
  opensearch?: OpenSearchConfig;
  deadLetterBucket: string;
  deadLetterPrefix: string;
  safetyMarginMs: number;
}

/** Throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): PexipConfig {
  const r = envReader(env, 'pexip-wrangler');
  const region = r.str('AWS_REGION', { default: env.AWS_DEFAULT_REGION, required: true }) ?? '';
  const opensearch: OpenSearchConfig | undefined = r.str(E.endpoint) === undefined ? undefined : {
    endpoint: r.endpoint(E.endpoint),
    service: r.oneOf(E.service, OPENSEARCH_SERVICES, D.service),
    region,
    indexPrefix: r.str(E.indexPrefix, { default: D.indexPrefix, rule: INDEX_PREFIX_RULE })!,
    maxBulkBytes: r.int(E.maxBulkBytes, { default: D.maxBulkBytes, min: BULK_BYTES.min, max: BULK_BYTES.max }),
    concurrency: r.int(E.concurrency, { default: D.concurrency, min: BULK_CONCURRENCY.min, max: BULK_CONCURRENCY.max }),
    gzip: r.bool(E.gzip, D.gzip),
  };
  const config: PexipConfig = {
    functionName: r.str('AWS_LAMBDA_FUNCTION_NAME', { default: 'pexip-wrangler' })!,
    exportBucket: r.str(E.exportBucket, { rule: BUCKET_NAME_RULE }),
    exportPrefix: r.str(E.exportPrefix, { default: D.exportPrefix, rule: KEY_PREFIX_RULE })!,
    jsonLogGroupSuffix: r.str(E.jsonLogGroupSuffix, { rule: LOG_GROUP_PART_RULE }),
    opensearch,
    deadLetterBucket: r.str(E.deadLetterBucket, { required: true, rule: BUCKET_NAME_RULE }) ?? '',
    deadLetterPrefix: r.str(E.deadLetterPrefix, { default: D.deadLetterPrefix, rule: KEY_PREFIX_RULE })!,
    safetyMarginMs: r.int(E.safetyMarginMs, { default: D.safetyMarginMs, min: 0, max: 600_000 }),
  };
  r.done();
  return config;
}
