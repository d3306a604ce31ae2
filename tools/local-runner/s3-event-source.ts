import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { s3Event } from '../../test/factories/s3';
import { invocationContext } from './context';

/**
 * A local stand-in for S3 event notifications to Lambda: lists a bucket (under a prefix), and for every
 * object it has not seen yet invokes the handler with an `ObjectCreated:Put` S3Event, one record per
 * event, as S3 does. Failed invocations are retried twice, like Lambda's asynchronous invocation.
 */
export type S3Handler = (event: S3Event, context: Context) => Promise<unknown>;

export interface S3EventSourceOptions {
  s3: S3Client;
  bucket: string;
  prefix?: string;
  handler: S3Handler;
  functionName?: string;
  region?: string;
  accountId?: string;
  /** @default 300000 (5 minutes) */
  functionTimeoutMs?: number;
  /** Lambda's asynchronous invocation retries. @default 2 */
  maximumRetryAttempts?: number;
}

export interface S3Invocation {
  key: string;
  size: number;
  attempts: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** The ObjectCreated notification S3 would deliver for this object (the shared test factory's shape). */
export function toS3Event(bucket: string, object: { key: string; size: number; eTag?: string }, region: string): S3Event {
  return s3Event({ bucket, key: object.key, size: object.size, eTag: object.eTag ?? '', region });
}

export function createS3EventSource(opts: S3EventSourceOptions) {
  const seen = new Set<string>();
  const invocations: S3Invocation[] = [];
  const retries = opts.maximumRetryAttempts ?? 2;

  const invoke = async (key: string, size: number, eTag: string | undefined): Promise<S3Invocation> => {
    const region = opts.region ?? (await opts.s3.config.region());
    const event = toS3Event(opts.bucket, { key, size, eTag }, region);
    const outcome: S3Invocation = { key, size, attempts: 0, ok: false };
    while (outcome.attempts <= retries) {
      outcome.attempts++;
      const context = invocationContext({
        functionName: opts.functionName ?? 'local-function',
        region,
        accountId: opts.accountId ?? '123456789012',
        timeoutMs: opts.functionTimeoutMs ?? 300_000,
      });
      try {
        outcome.result = await opts.handler(event, context);
        outcome.ok = true;
        delete outcome.error;
        break;
      } catch (err) {
        outcome.error = (err as Error).message;
      }
    }
    invocations.push(outcome);
    return outcome;
  };

  return {
    invocations,
    /** Invokes the handler for every object not seen before; resolves with those invocations. */
    async pollOnce(): Promise<S3Invocation[]> {
      const fresh: { key: string; size: number; eTag?: string }[] = [];
      let token: string | undefined;
      do {
        const page = await opts.s3.send(
          new ListObjectsV2Command({ Bucket: opts.bucket, Prefix: opts.prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          if (!o.Key || seen.has(o.Key)) continue;
          seen.add(o.Key);
          fresh.push({ key: o.Key, size: o.Size ?? 0, eTag: o.ETag });
        }
        token = page.NextContinuationToken;
      } while (token);
      const out: S3Invocation[] = [];
      for (const o of fresh) out.push(await invoke(o.key, o.size, o.eTag));
      return out;
    },
  };
}
