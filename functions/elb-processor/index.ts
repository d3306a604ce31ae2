import { createDeadLetterWriter, createS3Client } from '../shared/dead-letter';
import { createBulkClient } from '../shared/opensearch';
import { loadConfig } from './config';
import { createHandler } from './handler';

// Configuration and clients once per cold start; a bad variable fails the first invocation
// with the whole list. The bulk client keeps its connections alive across invocations.
const config = loadConfig(process.env);
const s3 = createS3Client(process.env);
const sender = createBulkClient({
  endpoint: config.endpoint,
  service: config.service,
  region: config.region,
  maxBulkBytes: config.chunkBytes,
});
const deadLetters = config.deadLetterBucket
  ? createDeadLetterWriter({ bucket: config.deadLetterBucket, prefix: config.deadLetterPrefix, functionName: config.functionName, s3 })
  : undefined;

export const handler = createHandler({ config, s3, sender, deadLetters });
