import { lambdaEntry } from '../shared/entry';
import { createRestClient } from '../shared/opensearch';
import { loadConfig } from './config';
import { createBootstrapHandler } from './handler';

/** The Lambda entry point: configuration and the signed client once per container. */
export const handler = lambdaEntry((env) => {
  const config = loadConfig(env);
  const client = createRestClient({ endpoint: config.endpoint, service: config.service, region: config.region, timeoutMs: config.requestTimeoutMs });
  return createBootstrapHandler({ config, client });
});
