import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from './config';
import { createHandler } from './handler';
import type { BulkSender } from './pipeline';

// Configuration and clients once per cold start; a bad variable fails the first invocation loudly.
const config = loadConfig(process.env);
// moto and other local endpoints need path-style addressing (AWS_ENDPOINT_URL[_S3] is read by the SDK itself).
const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) });

// Until the shared OpenSearch bulk client (functions/shared/opensearch) lands, sending fails
// loudly: no second bulk client is written here.
const sender: BulkSender = {
  send() {
    return Promise.reject(new Error('elb-processor: shared OpenSearch bulk client not wired yet'));
  },
};

export const handler = createHandler({ config, s3, sender });
