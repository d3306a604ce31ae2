import { createDeadLetterWriter, createS3Client } from '../shared/dead-letter';
import { lambdaEntry } from '../shared/entry';
import { createBulkClient } from '../shared/opensearch';
import { loadConfig } from './config';
import { createHandler } from './handler';

/** The Lambda entry point: configuration and clients once per container (functions/shared/entry.ts). */
export const handler = lambdaEntry((env) => {
  const config = loadConfig(env);
  const s3 = createS3Client(env);
  const bulk = createBulkClient(config);
  const deadLetters = createDeadLetterWriter({ bucket: config.deadLetterBucket, prefix: config.deadLetterPrefix, functionName: config.functionName, s3 });
  return createHandler({ config, s3, bulk, deadLetters });
});
