/** Configuration of the ELB processor, read from the environment once per cold start. */
export interface ElbProcessorConfig {
  /** OpenSearch endpoint URL, `https://…` (http allowed only for local testing). */
  endpoint: string;
  /** `es` for OpenSearch Service domains, `aoss` for Serverless collections. */
  service: 'es' | 'aoss';
  region: string;
  indexPrefix: string;
  metadata: { environment?: string; component?: string; application?: string };
  /** Bytes of documents per bulk chunk handed to the client. */
  chunkBytes: number;
  /** Chunks in flight at once (backpressure bound). */
  maxChunksInFlight: number;
  maxLineBytes: number;
  /** Milliseconds kept free before the Lambda timeout for the summary and cleanup. */
  safetyMarginMs: number;
  /** Bucket for permanently rejected items (JSON lines with the reason); absent → they are only counted and logged. */
  deadLetterBucket: string | undefined;
  deadLetterPrefix: string;
}

export const CONFIG_DEFAULTS = {
  OPENSEARCH_SERVICE: 'es',
  INDEX_PREFIX: 'elb',
  CHUNK_BYTES: 5 * 1024 * 1024,
  MAX_CHUNKS_IN_FLIGHT: 2,
  MAX_LINE_BYTES: 64 * 1024,
  SAFETY_MARGIN_MS: 10_000,
  DEAD_LETTER_PREFIX: 'elb-processor/',
} as const;

/** Throws one error naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): ElbProcessorConfig {
  const problems: string[] = [];
  const endpoint = env.OPENSEARCH_ENDPOINT ?? '';
  if (!/^https?:\/\/[^/\s]+/.test(endpoint)) problems.push(`OPENSEARCH_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  const service = env.OPENSEARCH_SERVICE ?? CONFIG_DEFAULTS.OPENSEARCH_SERVICE;
  if (service !== 'es' && service !== 'aoss') problems.push(`OPENSEARCH_SERVICE must be "es" or "aoss", got "${service}"`);
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '';
  if (!region) problems.push('AWS_REGION is not set');
  const indexPrefix = env.INDEX_PREFIX ?? CONFIG_DEFAULTS.INDEX_PREFIX;
  if (!/^[a-z0-9][a-z0-9_.-]{0,100}$/.test(indexPrefix)) problems.push(`INDEX_PREFIX must be a lower-case OpenSearch index name prefix, got "${indexPrefix}"`);
  const int = (name: keyof typeof CONFIG_DEFAULTS, min: number, max: number): number => {
    const raw = env[name];
    const v = raw === undefined || raw === '' ? Number(CONFIG_DEFAULTS[name]) : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name} must be an integer ${min}..${max}, got "${raw}"`);
    return v;
  };
  const config: ElbProcessorConfig = {
    endpoint,
    service: service as 'es' | 'aoss',
    region,
    indexPrefix,
    metadata: { environment: env.ENVIRONMENT || undefined, component: env.COMPONENT || undefined, application: env.APPLICATION || undefined },
    chunkBytes: int('CHUNK_BYTES', 64 * 1024, 100 * 1024 * 1024),
    maxChunksInFlight: int('MAX_CHUNKS_IN_FLIGHT', 1, 16),
    maxLineBytes: int('MAX_LINE_BYTES', 1024, 10 * 1024 * 1024),
    safetyMarginMs: int('SAFETY_MARGIN_MS', 0, 600_000),
    deadLetterBucket: env.DEAD_LETTER_BUCKET || undefined,
    deadLetterPrefix: env.DEAD_LETTER_PREFIX ?? CONFIG_DEFAULTS.DEAD_LETTER_PREFIX,
  };
  if (problems.length) throw new Error(`elb-processor configuration: ${problems.join('; ')}`);
  return config;
}
