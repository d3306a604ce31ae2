import { BUCKET_NAME_RULE, BULK_BYTES, BULK_CONCURRENCY, INDEX_PREFIX_RULE, KEY_PREFIX_RULE, OPENSEARCH_SERVICES } from '../shared/contract';
import { envReader } from '../shared/env';
import { ELB_DEFAULTS as D, ELB_ENV as E, ELB_MAX_LINE_BYTES } from './contract';

/** Configuration of the ELB processor, read from the environment once per cold start. */
export interface ElbProcessorConfig {
  functionName: string;
  /** OpenSearch endpoint URL: https, or http on a loopback host (local testing). */
  endpoint: string;
  /** `es` for OpenSearch Service domains, `aoss` for Serverless collections. */
  service: 'es' | 'aoss';
  region: string;
  indexPrefix: string;
  metadata: { environment?: string; component?: string; application?: string };
  /** Upper bound of one `_bulk` request body. */
  maxBulkBytes: number;
  /** Requests in flight at once; reading the object pauses while this many are pending (backpressure). */
  concurrency: number;
  gzip: boolean;
  maxLineBytes: number;
  /** Milliseconds kept free before the Lambda timeout for the summary and cleanup. */
  safetyMarginMs: number;
  /** Bucket for permanently rejected documents. */
  deadLetterBucket: string;
  deadLetterPrefix: string;
}

/** Throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): ElbProcessorConfig {
  const r = envReader(env, 'elb-processor');
  const config: ElbProcessorConfig = {
    functionName: r.str('AWS_LAMBDA_FUNCTION_NAME', { default: 'elb-processor' })!,
    endpoint: r.endpoint(E.endpoint),
    service: r.oneOf(E.service, OPENSEARCH_SERVICES, D.service),
    region: r.str('AWS_REGION', { default: env.AWS_DEFAULT_REGION, required: true })!,
    indexPrefix: r.str(E.indexPrefix, { default: D.indexPrefix, rule: INDEX_PREFIX_RULE })!,
    metadata: { environment: r.str(E.environment), component: r.str(E.component), application: r.str(E.application) },
    maxBulkBytes: r.int(E.maxBulkBytes, { default: D.maxBulkBytes, min: BULK_BYTES.min, max: BULK_BYTES.max }),
    concurrency: r.int(E.concurrency, { default: D.concurrency, min: BULK_CONCURRENCY.min, max: BULK_CONCURRENCY.max }),
    gzip: r.bool(E.gzip, D.gzip),
    maxLineBytes: r.int(E.maxLineBytes, { default: D.maxLineBytes, min: ELB_MAX_LINE_BYTES.min, max: ELB_MAX_LINE_BYTES.max }),
    safetyMarginMs: r.int(E.safetyMarginMs, { default: D.safetyMarginMs, min: 0, max: 600_000 }),
    // Rejected documents always have a destination: the construct creates a bucket when none is given.
    deadLetterBucket: r.str(E.deadLetterBucket, { required: true, rule: BUCKET_NAME_RULE }) ?? '',
    deadLetterPrefix: r.str(E.deadLetterPrefix, { default: D.deadLetterPrefix, rule: KEY_PREFIX_RULE })!,
  };
  r.done();
  return config;
}
