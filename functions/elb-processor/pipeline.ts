import { pipeline } from 'node:stream';
import type { BulkClient } from '../shared/opensearch';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DocumentBuilder, type ElbBulkItem, type FileContext } from './core/documents';
import { LineSplitter } from './core/lines';
import { parseLine } from './core/parse';

/** The part of the shared bulk client (functions/shared/opensearch) this pipeline uses. */
export type BulkSender = Pick<BulkClient, 'send'>;

/** Upper estimate of `{"create":{"_index":"…","_id":"…"}}` plus two newlines. */
const ACTION_LINE_BYTES = 120;

export interface PipelineOptions {
  /** Flush a chunk to the bulk client once its sources reach this many bytes. */
  chunkBytes: number;
  /** Chunks sent concurrently; reading stops while this many are in flight (backpressure). */
  maxChunksInFlight: number;
  /** Lines longer than this are failed lines (first bytes kept), never buffered whole. */
  maxLineBytes: number;
  /** Epoch ms by which sending must end (Lambda remaining time minus a margin). */
  deadlineMs: number;
}

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
  compressedBytes: number;
  requests: number;
  retries: number;
  /** The gzip stream was corrupt or truncated: lines up to the damage were processed. */
  corrupt: boolean;
}

export interface FileOutcome {
  counts: FileCounts;
  /** Permanently rejected items with the reason, for the dead-letter destination. */
  rejectedItems: { item: ElbBulkItem; status: number; error: string }[];
}

/**
 * Streams one object: (gunzip) → lines → parse → bulk items → chunks sent through the shared
 * bulk client. At most `maxChunksInFlight` chunks are in flight; while that many are pending
 * the loop awaits the oldest before reading on, so memory is bounded by
 * (maxChunksInFlight + 1) × chunkBytes plus one stream chunk, whatever the file size.
 */
export async function processStream(
  body: Readable,
  gzip: boolean,
  ctx: FileContext,
  sender: BulkSender,
  opts: PipelineOptions,
): Promise<FileOutcome> {
  const counts: FileCounts = {
    lines: 0, parsed: 0, failed: 0, blank: 0, control: 0, indexed: 0, duplicates: 0,
    rejected: 0, transient: 0, bytes: 0, compressedBytes: 0, requests: 0, retries: 0, corrupt: false,
  };
  const rejectedItems: FileOutcome['rejectedItems'] = [];
  const builder = new DocumentBuilder(ctx);
  const splitter = new LineSplitter(opts.maxLineBytes);
  const now = new Date().toISOString();

  let chunk: ElbBulkItem[] = [];
  let chunkBytes = 0;
  const ready: ElbBulkItem[][] = [];
  const inFlight: Promise<void>[] = [];
  // In-flight promises never reject (an unawaited rejection would crash the runtime); the
  // first error is kept and rethrown by the loop.
  let sendError: unknown;

  const onLine = (line: string, lineNumber: number, tooLong: boolean): void => {
    counts.lines++;
    let item: ElbBulkItem;
    if (tooLong) {
      counts.failed++;
      item = builder.failed(line, `line longer than ${opts.maxLineBytes} bytes`, undefined, lineNumber, now);
    } else {
      const r = parseLine(line);
      if (r.kind === 'doc') {
        counts.parsed++;
        item = builder.document(r, lineNumber);
      } else if (r.kind === 'failed') {
        counts.failed++;
        item = builder.failed(line, r.reason, r.type, lineNumber, now);
      } else {
        if (r.kind === 'blank') counts.blank++;
        else counts.control++;
        return;
      }
    }
    // Close the chunk BEFORE it would pass the cap, so one chunk is one bulk request. 120 bytes
    // covers the action line and newlines; non-ASCII text can make a chunk slightly larger than
    // estimated, and the client then splits it (one extra request, nothing lost).
    const bytes = item.source.length + ACTION_LINE_BYTES;
    if (chunkBytes + bytes > opts.chunkBytes && chunk.length > 0) {
      ready.push(chunk);
      chunk = [];
      chunkBytes = 0;
    }
    chunk.push(item);
    chunkBytes += bytes;
  };

  const dispatch = (items: ElbBulkItem[]): void => {
    inFlight.push(
      sender.send(items, { deadlineMs: opts.deadlineMs }).then((o) => {
        counts.indexed += o.indexed;
        counts.duplicates += o.duplicates;
        counts.transient += o.transientFailures.length;
        counts.rejected += o.permanentFailures.length;
        counts.requests += o.requests;
        counts.retries += o.retries;
        for (const f of o.permanentFailures) rejectedItems.push({ item: f.item as ElbBulkItem, status: f.status, error: f.error });
      }, (e: unknown) => {
        sendError ??= e;
      }),
    );
  };

  const drain = async (limit: number): Promise<void> => {
    while (ready.length > 0) {
      while (inFlight.length >= limit) await inFlight.shift();
      if (sendError !== undefined) throw sendError;
      dispatch(ready.shift()!);
    }
  };

  let source: Readable = body;
  if (gzip) {
    // `pipeline` destroys both streams on any error; iterating the gunzip end rethrows it.
    body.on('data', (b: Buffer) => (counts.compressedBytes += b.length));
    source = pipeline(body, createGunzip({ chunkSize: 64 * 1024 }), () => undefined);
  }
  try {
    for await (const data of source) {
      if (!gzip) counts.compressedBytes += (data as Buffer).length;
      splitter.push(data as Buffer, onLine);
      if (ready.length > 0) await drain(opts.maxChunksInFlight);
      if (Date.now() > opts.deadlineMs) {
        body.destroy();
        throw new Error(`deadline reached after ${counts.lines} lines: the object will be retried (ids make that idempotent)`);
      }
    }
  } catch (err) {
    // A corrupt or truncated gzip object is permanent: retrying cannot help. What was read is
    // kept; the damage is recorded as one failed-line document (after the last line read) and
    // counted, and the invocation goes on with the next object.
    if (!isZlibError(err)) throw err;
    counts.corrupt = true;
    counts.failed++;
    splitter.end(onLine);
    const item = builder.failed('', `gzip: ${(err as Error).message} (object cut after ${counts.lines} lines)`, undefined, counts.lines + 1, now);
    if (chunk.length > 0 && chunkBytes + item.source.length + ACTION_LINE_BYTES > opts.chunkBytes) {
      ready.push(chunk);
      chunk = [];
    }
    chunk.push(item);
  }
  if (!counts.corrupt) splitter.end(onLine);
  if (chunk.length > 0) ready.push(chunk);
  await drain(opts.maxChunksInFlight);
  while (inFlight.length > 0) await inFlight.shift();
  if (sendError !== undefined) throw sendError;
  counts.bytes = splitter.bytes;
  return { counts, rejectedItems };
}

/** zlib's data errors (`Z_DATA_ERROR`, `Z_BUF_ERROR` for a truncated stream). */
function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
