import { BUCKET_NAME_RULE, KEY_PREFIX_RULE } from '../shared/contract';
import { envReader } from '../shared/env';
import { GLUE_PARTITIONS_DEFAULTS as D, GLUE_PARTITIONS_ENV as E } from './contract';

export interface GluePartitionsConfig {
  functionName: string;
  exportBucket: string;
  exportPrefix: string;
  catalogId?: string;
  metadataUri?: { bucket: string; key: string };
}

/** Read and validated once per cold start; throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): GluePartitionsConfig {
  const r = envReader(env, 'glue-partitions');
  const uri = r.str(E.metadataUri);
  const m = uri ? /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) : null;
  const config: GluePartitionsConfig = {
    functionName: r.str('AWS_LAMBDA_FUNCTION_NAME', { default: 'glue-partitions' })!,
    exportBucket: r.str(E.exportBucket, { required: true, rule: BUCKET_NAME_RULE }) ?? '',
    exportPrefix: r.str(E.exportPrefix, { default: D.exportPrefix, rule: KEY_PREFIX_RULE })!,
    catalogId: r.str(E.catalogId, { rule: { pattern: /^\d{12}$/, describe: 'a 12-digit account id' } }),
    metadataUri: m ? { bucket: m[1], key: m[2] } : undefined,
  };
  r.done();
  if (uri && !m) throw new Error(`glue-partitions: ${E.metadataUri} must be s3://bucket/key, got "${uri}"`);
  return config;
}
