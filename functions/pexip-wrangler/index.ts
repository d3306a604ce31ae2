import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createDeadLetterWriter, createS3Client } from '../shared/dead-letter';
import { lambdaEntry } from '../shared/entry';
import { createBulkClient } from '../shared/opensearch';
import { loadConfig } from './config';
import { createWranglerHandler } from './handler';

/**
 * The Lambda entry point: configuration and clients once per container (functions/shared/entry.ts).
 * The SDK clients read the standard endpoint variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3,
 * AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) themselves.
 */
export const handler = lambdaEntry((env) => {
  const config = loadConfig(env);
  const s3 = createS3Client(env);
  const os = config.opensearch;
  return createWranglerHandler({
    config,
    s3,
    logs: config.jsonLogGroupSuffix ? new CloudWatchLogsClient({}) : undefined,
    bulk: os ? createBulkClient({ endpoint: os.endpoint, service: os.service, region: os.region, maxBulkBytes: os.maxBulkBytes, concurrency: os.concurrency, gzip: os.gzip }) : undefined,
    deadLetters: createDeadLetterWriter({ bucket: config.deadLetterBucket, prefix: config.deadLetterPrefix, functionName: config.functionName, s3 }),
  });
});
