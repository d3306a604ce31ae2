import { envReader } from '../shared/env';

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
  /** Bytes of documents per chunk handed to the bulk client (also its request cap). */
  chunkBytes: number;
  /** Chunks in flight at once (backpressure bound). */
  maxChunksInFlight: number;
  maxLineBytes: number;
  /** Milliseconds kept free before the Lambda timeout for the summary and cleanup. */
  safetyMarginMs: number;
  /** Bucket for permanently rejected documents; absent → they are logged at ERROR and counted. */
  deadLetterBucket: string | undefined;
  deadLetterPrefix: string;
}

export const CONFIG_DEFAULTS = {
  OPENSEARCH_SERVICE: 'es',
  INDEX_PREFIX: 'elb',
  CHUNK_BYTES: 2 * 1024 * 1024,
  MAX_CHUNKS_IN_FLIGHT: 2,
  MAX_LINE_BYTES: 64 * 1024,
  SAFETY_MARGIN_MS: 10_000,
  DEAD_LETTER_PREFIX: 'elb-processor/',
} as const;

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): ElbProcessorConfig {
  const r = envReader(env, 'elb-processor');
  const d = CONFIG_DEFAULTS;
  const config: ElbProcessorConfig = {
    functionName: r.str('AWS_LAMBDA_FUNCTION_NAME', { default: 'elb-processor' })!,
    endpoint: r.url('OPENSEARCH_ENDPOINT', { allowHttp: LOOPBACK.test(env.OPENSEARCH_ENDPOINT ?? '') }),
    service: r.oneOf('OPENSEARCH_SERVICE', ['es', 'aoss'] as const, d.OPENSEARCH_SERVICE),
    region: r.str('AWS_REGION', { default: env.AWS_DEFAULT_REGION, required: true })!,
    indexPrefix: r.str('INDEX_PREFIX', { default: d.INDEX_PREFIX, pattern: /^[a-z0-9][a-z0-9_.-]{0,100}$/, describe: 'a lower-case index name prefix' })!,
    metadata: { environment: r.str('ENVIRONMENT'), component: r.str('COMPONENT'), application: r.str('APPLICATION') },
    chunkBytes: r.int('CHUNK_BYTES', { default: d.CHUNK_BYTES, min: 64 * 1024, max: 100 * 1024 * 1024 }),
    maxChunksInFlight: r.int('MAX_CHUNKS_IN_FLIGHT', { default: d.MAX_CHUNKS_IN_FLIGHT, min: 1, max: 16 }),
    maxLineBytes: r.int('MAX_LINE_BYTES', { default: d.MAX_LINE_BYTES, min: 1024, max: 10 * 1024 * 1024 }),
    safetyMarginMs: r.int('SAFETY_MARGIN_MS', { default: d.SAFETY_MARGIN_MS, min: 0, max: 600_000 }),
    deadLetterBucket: r.str('DEAD_LETTER_BUCKET'),
    deadLetterPrefix: r.str('DEAD_LETTER_PREFIX', { default: d.DEAD_LETTER_PREFIX })!,
  };
  r.done();
  return config;
}
