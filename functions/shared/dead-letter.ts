import type { S3Client } from '@aws-sdk/client-s3';

/**
 * S3 dead-letter writer. One object per invocation and failure kind, JSON lines, one line per
 * failed record or document with the reason:
 *
 *   s3://<bucket>/<prefix><yyyy>/<mm>/<dd>/<function>/<request id>-<kind>-<n>.jsonl
 *
 * (UTC date of the write; `n` counts writes in this container, so two writes of one kind in one
 * invocation never overwrite each other). Every function writes the same entry schema
 * (functions/shared/README.md): `{"kind","reason","status"?,"function","requestId","writtenAt",
 * "source",…}` where `source` says where the data came from (a Kinesis record or an S3 object
 * line), plus the rejected `document` (with its `index` and `id`) or the poison record's `data`.
 */

/** Where a dead-lettered record or document came from: enough to find it again or replay it. */
export type DeadLetterSource =
  | {
      type: 'kinesis';
      eventSourceArn?: string;
      sequenceNumber: string;
      partitionKey?: string;
      approximateArrivalTimestamp?: number;
    }
  | { type: 's3'; bucket: string; key: string; line?: number };

export interface DeadLetterEntry {
  /** Why it was refused, in words (OpenSearch's error type and reason, or the failing step). */
  reason: string;
  /** HTTP status of the refusal, when there is one. */
  status?: number;
  source: DeadLetterSource;
  /** A rejected document: its target index, id and source text. */
  index?: string;
  id?: string;
  document?: string;
  /** A poison record: its data as received (base64), replayable as is. */
  data?: string;
}

export type S3Like = Pick<S3Client, 'send' | 'destroy'>;

export interface DeadLetterConfig {
  bucket: string;
  /** Key prefix; a `/` is added when missing. @default '' */
  prefix?: string;
  functionName: string;
  /**
   * The S3 client. @default one made by `createS3Client(process.env)` on the first write: the
   * SDK is loaded only when something is dead-lettered (it is most of a cold start otherwise).
   */
  s3?: S3Like;
  now?: () => Date;
}

export interface DeadLetterWriter {
  /** Writes the entries as one object; resolves to its key (undefined when there was nothing). Throws when S3 fails. */
  write(kind: string, requestId: string, entries: DeadLetterEntry[]): Promise<string | undefined>;
  /** Releases the S3 client's sockets. */
  close(): void;
}

// Required on demand, not imported: esbuild then evaluates the SDK only when it is first needed.
const loadS3 = (): typeof import('@aws-sdk/client-s3') => require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');

/** An S3 client honouring AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (read by the SDK itself) with the path-style addressing local endpoints need. */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const { S3Client } = loadS3();
  return new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL) });
}

export function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

export function deadLetterKey(prefix: string, functionName: string, requestId: string, kind: string, n: number, at: Date): string {
  const yyyy = at.getUTCFullYear();
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${normalizePrefix(prefix)}${yyyy}/${mm}/${dd}/${safe(functionName)}/${safe(requestId)}-${safe(kind)}-${n}.jsonl`;
}

export function createDeadLetterWriter(config: DeadLetterConfig): DeadLetterWriter {
  let counter = 0;
  const now = config.now ?? (() => new Date());
  let s3: S3Like | undefined = config.s3;
  return {
    async write(kind, requestId, entries) {
      if (entries.length === 0) return undefined;
      const at = now();
      const writtenAt = at.toISOString();
      const key = deadLetterKey(config.prefix ?? '', config.functionName, requestId, kind, ++counter, at);
      let body = '';
      for (const { reason, status, ...rest } of entries) {
        body += `${JSON.stringify({ kind, reason, ...(status === undefined ? {} : { status }), function: config.functionName, requestId, writtenAt, ...rest })}\n`;
      }
      s3 ??= createS3Client();
      const { PutObjectCommand } = loadS3();
      await s3.send(new PutObjectCommand({
        Bucket: config.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/x-ndjson',
      }));
      return key;
    },
    close: () => s3?.destroy(),
  };
}
