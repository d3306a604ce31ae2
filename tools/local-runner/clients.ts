import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The Kinesis client defaults to an HTTP/2 handler (for SubscribeToShard); moto speaks HTTP/1.1 only,
 * so local clients use the plain HTTP/1.1 handler (a dependency the SDK itself brings).
 */
export function localKinesisClient(endpoint: string, region: string, credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): KinesisClient {
  return new KinesisClient({ endpoint, region, credentials, requestHandler: new NodeHttpHandler() });
}
