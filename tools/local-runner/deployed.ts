/**
 * Runs functions as they were deployed to (moto's) Lambda API: the event source mapping, the
 * function's configuration and environment, and the code zip terraform uploaded, identified by the
 * CodeSha256 Lambda reports. Nothing is taken from the project's sources, so a construct and a
 * function that disagree (an environment variable name, a handler path, a batch setting) fail here.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import aws4 from 'aws4';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { createKinesisEventSource, type KinesisEventSource, type KinesisEventSourceOptions, type KinesisHandler } from './kinesis-event-source';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The parts of Lambda's FunctionConfiguration the runner uses. */
export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Handler: string;
  Runtime?: string;
  Timeout: number;
  MemorySize?: number;
  Role: string;
  CodeSha256: string;
  Environment?: { Variables?: Record<string, string> };
  LoggingConfig?: { LogGroup?: string };
}

export interface EventSourceMapping {
  UUID: string;
  EventSourceArn: string;
  FunctionArn: string;
  BatchSize?: number;
  MaximumRetryAttempts?: number;
  MaximumRecordAgeInSeconds?: number;
  BisectBatchOnFunctionError?: boolean;
  FunctionResponseTypes?: string[];
  DestinationConfig?: { OnFailure?: { Destination?: string } };
  StartingPosition?: string;
  State?: string;
}

/** A minimal signed client of Lambda's REST API (GET only), enough for what terraform created. */
export function lambdaApi(endpoint: string, region: string, credentials: Credentials) {
  const url = new URL(endpoint);
  async function get<T>(path: string): Promise<T> {
    const signed = aws4.sign({ host: url.host, path, method: 'GET', service: 'lambda', region }, credentials);
    const res = await fetch(`${url.origin}${path}`, { headers: signed.headers as Record<string, string> });
    const text = await res.text();
    if (!res.ok) throw new Error(`lambda GET ${path}: ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
  return {
    async getFunction(name: string): Promise<FunctionConfiguration> {
      return (await get<{ Configuration: FunctionConfiguration }>(`/2015-03-31/functions/${encodeURIComponent(name)}`)).Configuration;
    },
    async listEventSourceMappings(): Promise<EventSourceMapping[]> {
      const out: EventSourceMapping[] = [];
      let marker: string | undefined;
      do {
        const page = await get<{ EventSourceMappings: EventSourceMapping[]; NextMarker?: string }>(
          `/2015-03-31/event-source-mappings/${marker ? `?Marker=${encodeURIComponent(marker)}` : ''}`,
        );
        out.push(...page.EventSourceMappings);
        marker = page.NextMarker;
      } while (marker);
      return out;
    },
  };
}
export type LambdaApi = ReturnType<typeof lambdaApi>;

/** base64 SHA-256, as Lambda's CodeSha256 and Terraform's source_code_hash. */
export const codeSha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('base64');

/** The candidate zip whose hash Lambda reports for the function: what terraform uploaded. */
export function zipDeployedAs(config: FunctionConfiguration, candidates: string[]): { path: string; bytes: Buffer } {
  for (const path of candidates) {
    const bytes = readFileSync(path);
    if (codeSha256(bytes) === config.CodeSha256) return { path, bytes };
  }
  throw new Error(`${config.FunctionName}: none of ${candidates.length} zips has the deployed CodeSha256 ${config.CodeSha256}`);
}

/**
 * The variables the Lambda runtime sets beside the function's own (credentials are the caller's: the
 * local stand-in for the execution role).
 */
export function lambdaRuntimeEnv(config: FunctionConfiguration, region: string, credentials: Credentials): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: config.FunctionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.MemorySize ?? 128),
    AWS_LAMBDA_LOG_GROUP_NAME: config.LoggingConfig?.LogGroup ?? `/aws/lambda/${config.FunctionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local-runner',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  };
  if (config.Runtime) env.AWS_EXECUTION_ENV = `AWS_Lambda_${config.Runtime}`;
  if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  return env;
}

/**
 * Unpacks a deployment zip into `dir` and loads its handler (`file.export` as in Lambda's Handler
 * setting) fresh, after replacing the function's environment in process.env. `dir` must sit where
 * Node finds the packages the Lambda runtime provides (the AWS SDK is left out of the bundles).
 */
export function loadDeployedHandler<H>(zip: Buffer, handlerSetting: string, dir: string, env: Record<string, string>): H {
  const dot = handlerSetting.lastIndexOf('.');
  if (dot <= 0) throw new Error(`Handler ${handlerSetting} is not <file>.<export>`);
  const root = resolve(dir);
  rmSync(root, { recursive: true, force: true });
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(zip)))) {
    const target = resolve(root, name);
    if (!target.startsWith(root + sep)) throw new Error(`zip entry ${name} leaves ${root}`);
    if (name.endsWith('/')) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  setFunctionEnv(env);
  const file = join(root, handlerSetting.slice(0, dot));
  for (const key of Object.keys(require.cache)) if (key.startsWith(root + sep)) delete require.cache[key];
  const handler = (require(file) as Record<string, unknown>)[handlerSetting.slice(dot + 1)];
  if (typeof handler !== 'function') throw new Error(`${handlerSetting}: ${file} exports no function ${handlerSetting.slice(dot + 1)}`);
  return handler as H;
}

let previousFunctionEnv: string[] = [];
/** One function's environment at a time, like a Lambda container: the last function's variables are removed. */
function setFunctionEnv(env: Record<string, string>): void {
  for (const key of previousFunctionEnv) delete process.env[key];
  Object.assign(process.env, env);
  previousFunctionEnv = Object.keys(env);
}

const streamNameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const queueUrlOf = (arn: string, sqsEndpoint: string) => {
  const [, , , , account, name] = arn.split(':');
  return `${sqsEndpoint.replace(/\/$/, '')}/${account}/${name}`;
};

/**
 * A Kinesis event source with the mapping's settings (Lambda's defaults where the API leaves a value
 * out) and the function's timeout; on-failure records go to the mapping's SQS destination.
 */
export async function kinesisSourceFromMapping(input: {
  mapping: EventSourceMapping;
  config: FunctionConfiguration;
  handler: KinesisHandler;
  kinesis: KinesisClient;
  sqs?: { client: SQSClient; endpoint: string };
  region: string;
  overrides?: Partial<KinesisEventSourceOptions>;
}): Promise<KinesisEventSource> {
  const { mapping, config } = input;
  if (!mapping.EventSourceArn.includes(':kinesis:')) throw new Error(`mapping ${mapping.UUID} reads ${mapping.EventSourceArn}, not a Kinesis stream`);
  const destination = mapping.DestinationConfig?.OnFailure?.Destination;
  if (destination && !destination.includes(':sqs:')) throw new Error(`mapping ${mapping.UUID}: on-failure destination ${destination} is not an SQS queue (the runner supports SQS only)`);
  if (destination && !input.sqs) throw new Error(`mapping ${mapping.UUID} has an SQS on-failure destination: pass an SQS client`);
  return createKinesisEventSource({
    kinesis: input.kinesis,
    streamName: streamNameOf(mapping.EventSourceArn),
    handler: input.handler,
    functionName: config.FunctionName,
    region: input.region,
    accountId: config.FunctionArn.split(':')[4],
    batchSize: mapping.BatchSize ?? 100,
    functionTimeoutMs: config.Timeout * 1000,
    bisectBatchOnFunctionError: mapping.BisectBatchOnFunctionError ?? false,
    maximumRetryAttempts: mapping.MaximumRetryAttempts ?? -1,
    maximumRecordAgeSeconds: mapping.MaximumRecordAgeInSeconds ?? -1,
    reportBatchItemFailures: (mapping.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    ...(destination && input.sqs ? { onFailure: { sqs: input.sqs.client, queueUrl: queueUrlOf(destination, input.sqs.endpoint) } } : {}),
    ...input.overrides,
  });
}
