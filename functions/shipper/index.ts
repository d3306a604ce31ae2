import { createDeadLetterWriter } from '../shared/dead-letter';
import { lambdaEntry } from '../shared/entry';
import { createBulkClient } from '../shared/opensearch';
import { loadConfig } from './config';
import { createShipperHandler } from './handler';

/** The Lambda entry point: configuration and clients once per container (functions/shared/entry.ts). */
export const handler = lambdaEntry((env) => {
  const config = loadConfig(env);
  // One body per index, to /<index>/_bulk: action lines without `_index`, 24 bytes less per event
  // (the role's grant covers <domain>/*/_bulk: modules/log-pipeline, openSearchWriteStatements).
  const bulk = createBulkClient({ ...config, indexInPath: true });
  const deadLetters = createDeadLetterWriter({
    bucket: config.deadLetterBucket,
    prefix: config.deadLetterPrefix,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'shipper',
  });
  return createShipperHandler({ config, bulk, deadLetters });
});
