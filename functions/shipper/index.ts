import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { createDeadLetterWriter } from '../shared/dead-letter';
import { createBulkClient } from '../shared/opensearch';
import { loadConfig } from './config';
import { createShipperHandler, type ShipperHandler } from './handler';

// Built on the first invocation of each container and kept (keep-alive sockets, compiled rules).
// A configuration error is kept too, so every invocation fails with the same clear message.
let built: ShipperHandler | Error | undefined;
let closeClients: (() => void) | undefined;

function build(env: NodeJS.ProcessEnv): ShipperHandler {
  const config = loadConfig(env);
  const bulk = createBulkClient({
    endpoint: config.endpoint,
    service: config.service,
    region: config.region,
    maxBulkBytes: config.maxBulkBytes,
    concurrency: config.concurrency,
    gzip: config.gzip,
  });
  const deadLetters = createDeadLetterWriter({
    bucket: config.deadLetterBucket,
    prefix: config.deadLetterPrefix,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'shipper',
  });
  closeClients = () => {
    bulk.close();
    deadLetters.close();
  };
  return createShipperHandler({ config, bulk, deadLetters });
}

export async function handler(event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> {
  if (built === undefined) {
    try {
      built = build(process.env);
    } catch (err) {
      built = err as Error;
    }
  }
  if (built instanceof Error) throw built;
  return built(event, context);
}

/** Forget the cached configuration and clients (tests change the environment between cases). */
export function resetForTests(): void {
  closeClients?.();
  closeClients = undefined;
  built = undefined;
}
