import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { BulkClient, ItemFailure } from '../shared/opensearch';
import type { ElbProcessorConfig } from './config';
import { AlbByteRenderer } from './core/alb-bytes';
import { DocumentBuilder, type ElbBulkItem } from './core/documents';
import type { ObjectRef } from './core/events';
import { LineSplitter, type ByteLineSink } from './core/lines';
import { parseLine } from './core/parse';
import type { LogType } from './core/types';

export interface FileCounts {
  lines: number;
  parsed: number;
  failed: number;
  blank: number;
  control: number;
  indexed: number;
  duplicates: number;
  /** Items (documents or failed-line documents) the index rejected permanently (e.g. mapping conflicts). */
  rejected: number;
  /** Items still failing transiently at the deadline: the object must be retried. */
  transient: number;
  /** Uncompressed bytes read. */
  bytes: number;
  /** Lines with bytes that are not UTF-8 (indexed with U+FFFD in their place). */
  invalidUtf8Lines: number;
  compressedBytes: number;
  requests: number;
  retries: number;
  /** The gzip stream was corrupt or truncated: lines up to the damage were processed. */
  corrupt: boolean;
}

export interface FileOutcome {
  counts: FileCounts;
  /** Permanently rejected items with the reason, for the dead-letter bucket. */
  rejected: ItemFailure<number>[];
}

export type ObjectFetch =
  | { found: true; body: Readable; revision: string }
  | { found: false };

/** GetObject; `found: false` when the object is gone (deleted or expired before we read it: retrying cannot help). */
export async function fetchObject(s3: Pick<S3Client, 'send'>, obj: ObjectRef): Promise<ObjectFetch> {
  let res;
  try {
    res = await s3.send(new GetObjectCommand({ Bucket: obj.bucket, Key: obj.key, VersionId: obj.versionId }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'NoSuchKey' || name === 'NoSuchVersion') return { found: false };
    throw err;
  }
  const body = res.Body as Readable | undefined;
  if (!body) throw new Error(`s3://${obj.bucket}/${obj.key}: GetObject returned no body`);
  // Version id when the bucket is versioned, else the ETag: a new upload under the same key gets new document ids.
  const revision = obj.versionId ?? res.VersionId ?? (obj.eTag ?? res.ETag ?? '').replace(/^"|"$/g, '');
  return { found: true, body, revision };
}

export interface StreamTarget {
  bucket: string;
  key: string;
  revision: string;
  keyType: LogType;
  gzip: boolean;
}

/**
 * Streams one object: (gunzip) → lines → parse → documents → the shared bulk client's session,
 * which encodes each item into the request body at once and sends full bodies while reading goes
 * on. When `concurrency` requests are pending, `add` hands back a promise and reading waits
 * (backpressure), so memory stays bounded by the bodies in flight whatever the file size.
 */
export async function indexObjectStream(
  body: Readable,
  target: StreamTarget,
  config: Pick<ElbProcessorConfig, 'indexPrefix' | 'metadata' | 'maxLineBytes'>,
  bulk: Pick<BulkClient, 'open'>,
  deadlineMs: number,
): Promise<FileOutcome> {
  const counts: FileCounts = {
    lines: 0, parsed: 0, failed: 0, blank: 0, control: 0, indexed: 0, duplicates: 0,
    rejected: 0, transient: 0, bytes: 0, invalidUtf8Lines: 0, compressedBytes: 0, requests: 0, retries: 0, corrupt: false,
  };
  const builder = new DocumentBuilder({
    bucket: target.bucket, key: target.key, revision: target.revision,
    indexPrefix: config.indexPrefix, keyType: target.keyType, metadata: config.metadata,
  });
  const splitter = new LineSplitter(config.maxLineBytes);
  const session = bulk.open<number>({ deadlineMs });
  const now = new Date().toISOString();
  // Line callbacks are synchronous; the backpressure promise of the last add is awaited per stream chunk.
  let wait: Promise<void> | undefined;
  const add = (item: ElbBulkItem): void => {
    const w = session.add(item);
    if (w) wait = w;
  };

  const onLine = (line: string, lineNumber: number, tooLong: boolean): void => {
    counts.lines++;
    if (tooLong) {
      counts.failed++;
      add(builder.failed(line, `line longer than ${config.maxLineBytes} bytes`, undefined, lineNumber, now));
      return;
    }
    const r = parseLine(line);
    if (r.kind === 'doc') {
      counts.parsed++;
      add(builder.document(r, lineNumber));
    } else if (r.kind === 'failed') {
      counts.failed++;
      add(builder.failed(line, r.reason, r.type, lineNumber, now));
    } else if (r.kind === 'blank') {
      counts.blank++;
    } else {
      counts.control++;
    }
  };

  // The common ALB line goes from the gunzipped bytes straight into the request body; every
  // other line (and any session without `addWritten`) takes the object path above.
  const fast = new AlbByteRenderer(builder);
  const onBytes: ByteLineSink = (buf, start, end, lineNumber, tooLong) => {
    if (!tooLong && session.addWritten && fast.accept(buf, start, end, lineNumber)) {
      counts.lines++;
      counts.parsed++;
      const w = session.addWritten({ index: fast.index, id: builder.idPrefix + lineNumber, action: 'create', ref: lineNumber }, fast);
      if (w) wait = w;
      return;
    }
    onLine(splitter.decode(buf, start, end, tooLong), lineNumber, tooLong);
  };

  let source: Readable = body;
  if (target.gzip) {
    // `pipeline` destroys both streams on any error; iterating the gunzip end rethrows it.
    body.on('data', (b: Buffer) => (counts.compressedBytes += b.length));
    source = pipeline(body, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), () => undefined);
  }
  try {
    for await (const data of source) {
      if (!target.gzip) counts.compressedBytes += (data as Buffer).length;
      splitter.pushBytes(data as Buffer, onBytes);
      if (wait) {
        const w = wait;
        wait = undefined;
        await w;
      }
      if (Date.now() > deadlineMs) {
        body.destroy();
        await session.finish();
        throw new Error(`deadline reached after ${counts.lines} lines: the object will be retried (ids make that idempotent)`);
      }
    }
    splitter.endBytes(onBytes);
  } catch (err) {
    // A corrupt or truncated gzip object is permanent: retrying cannot help. What was read is
    // kept; the damage is recorded as one failed-line document (after the last line read).
    if (!isZlibError(err)) throw err;
    counts.corrupt = true;
    counts.failed++;
    splitter.endBytes(onBytes);
    add(builder.failed('', `gzip: ${(err as Error).message} (object cut after ${counts.lines} lines)`, undefined, counts.lines + 1, now));
  }
  const outcome = await session.finish();
  counts.bytes = splitter.bytes;
  counts.invalidUtf8Lines = splitter.invalidUtf8Lines;
  counts.indexed = outcome.indexed;
  counts.duplicates = outcome.duplicates;
  counts.transient = outcome.transientFailures.length;
  counts.rejected = outcome.permanentFailures.length;
  counts.requests = outcome.requests;
  counts.retries = outcome.retries;
  return { counts, rejected: outcome.permanentFailures };
}

/**
 * Gunzip output per chunk: zlib's cost per call (a thread-pool round trip, a stream chunk) is
 * paid per chunk, so 256 KiB cost ~20 % less CPU than 64 KiB on a whole file (bench/elb.bench.ts);
 * lines and bodies in flight bound memory, not this.
 */
export const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** zlib's data errors (`Z_DATA_ERROR`, `Z_BUF_ERROR` for a truncated stream). */
function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
