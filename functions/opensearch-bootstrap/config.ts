import { OPENSEARCH_SERVICES, type OpenSearchService } from '../shared/contract';
import { envReader } from '../shared/env';
import { BOOTSTRAP_DEFAULTS, BOOTSTRAP_ENV as E } from './contract';

export interface BootstrapConfig {
  functionName: string;
  endpoint: string;
  service: OpenSearchService;
  region: string;
  requestTimeoutMs: number;
}

/** Throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): BootstrapConfig {
  const r = envReader(env, 'opensearch-bootstrap');
  const config: BootstrapConfig = {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'opensearch-bootstrap',
    endpoint: r.endpoint(E.endpoint),
    service: r.oneOf(E.service, OPENSEARCH_SERVICES, 'es'),
    region: r.str('AWS_REGION', { default: env.AWS_DEFAULT_REGION, required: true }) ?? '',
    requestTimeoutMs: r.int(E.requestTimeoutMs, { default: BOOTSTRAP_DEFAULTS.requestTimeoutMs, min: 1_000, max: 300_000 }),
  };
  r.done();
  return config;
}
