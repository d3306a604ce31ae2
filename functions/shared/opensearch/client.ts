import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { fullJitterDelay } from './backoff';
import { createLimiter } from './limiter';
import { actionLine, chunkBySize, joinBody } from './ndjson';
import { classifyItemStatus, classifyRequestStatus, parseBulkResponse, type ItemResult } from './response';
import { envCredentials, signRequest } from './signer';
import { createTransport } from './transport';
import { truncateDocument } from './truncate';
import type { BulkClient, BulkClientConfig, BulkItem, BulkOutcome, ItemFailure, RetryPolicy } from './types';

const gzip = promisify(gzipCb);

export const BULK_DEFAULTS = {
  maxBulkBytes: 5 * 1024 * 1024,
  concurrency: 4,
  gzip: false,
  retry: { baseDelayMs: 100, maxDelayMs: 5_000, minAttemptMs: 250, maxAttempts: 10 } satisfies RetryPolicy,
} as const;

/** Smallest cap accepted: room for an action line, the truncation markers and some text. */
const MIN_BULK_BYTES = 1024;

interface Entry<R> {
  original: BulkItem<R>;
  line: string;
  source: string;
  bytes: number;
  lastStatus: number;
  lastError: string;
}

type Attempt = { kind: 'items'; results: ItemResult[] | 'all-ok' } | { kind: 'status'; status: number; error: string };

function validate(config: BulkClientConfig): URL {
  let url: URL;
  try {
    url = new URL(config.endpoint);
  } catch {
    throw new Error(`bulk client: endpoint "${config.endpoint}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`bulk client: endpoint must be http(s), got "${config.endpoint}"`);
  if (config.service !== 'es' && config.service !== 'aoss') throw new Error(`bulk client: service must be "es" or "aoss", got "${String(config.service)}"`);
  if (!config.region) throw new Error('bulk client: region is required');
  const max = config.maxBulkBytes ?? BULK_DEFAULTS.maxBulkBytes;
  if (!Number.isInteger(max) || max < MIN_BULK_BYTES) throw new Error(`bulk client: maxBulkBytes must be an integer ≥ ${MIN_BULK_BYTES}, got ${max}`);
  const c = config.concurrency ?? BULK_DEFAULTS.concurrency;
  if (!Number.isInteger(c) || c < 1) throw new Error(`bulk client: concurrency must be a positive integer, got ${c}`);
  return url;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The shared OpenSearch `_bulk` client: chunks items into bodies of at most `maxBulkBytes`,
 * sends them SigV4-signed over keep-alive connections with bounded concurrency, and retries
 * only the items that failed transiently (backoff with full jitter) until the deadline.
 * `send()` never throws for cluster or network trouble: every item ends up counted as indexed,
 * duplicate, transient or permanent failure.
 */
export function createBulkClient(config: BulkClientConfig): BulkClient {
  const url = validate(config);
  const maxBulkBytes = config.maxBulkBytes ?? BULK_DEFAULTS.maxBulkBytes;
  const concurrency = config.concurrency ?? BULK_DEFAULTS.concurrency;
  const policy: RetryPolicy = { ...BULK_DEFAULTS.retry, ...config.retry };
  const path = `${url.pathname.replace(/\/+$/, '')}/_bulk`;
  const transport = createTransport(url, concurrency);
  const limit = createLimiter(concurrency);
  const credentials = config.credentials ?? (() => envCredentials());
  const useGzip = config.gzip ?? BULK_DEFAULTS.gzip;
  const sign = config.sign ?? true;

  async function post(entries: Entry<unknown>[], deadlineMs: number, out: BulkOutcome<unknown>): Promise<Attempt> {
    let body = Buffer.from(joinBody(entries), 'utf8');
    const headers: Record<string, string> = { host: url.host, 'content-type': 'application/x-ndjson' };
    if (useGzip) {
      body = await gzip(body, { level: 1 });
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(body.length);
    const started = Date.now();
    try {
      if (sign) signRequest({ host: url.host, path, method: 'POST', headers, body }, config.service, config.region, await credentials());
      out.requests++;
      out.bytesSent += body.length;
      const res = await transport.post(path, headers, body, deadlineMs - Date.now());
      out.latenciesMs.push(Date.now() - started);
      if (res.status < 200 || res.status >= 300) return { kind: 'status', status: res.status, error: `HTTP ${res.status}: ${res.body.slice(0, 500)}` };
      try {
        return { kind: 'items', results: parseBulkResponse(res.body, entries.length) };
      } catch (err) {
        // A garbled success answer (proxy, truncated body) says nothing about the items: retry them.
        return { kind: 'status', status: 0, error: `unreadable bulk answer: ${(err as Error).message}` };
      }
    } catch (err) {
      out.latenciesMs.push(Date.now() - started);
      return { kind: 'status', status: 0, error: `network: ${(err as Error).message}` };
    }
  }

  async function send<R>(items: BulkItem<R>[], opts: { deadlineMs: number }): Promise<BulkOutcome<R>> {
    const out: BulkOutcome<R> = {
      indexed: 0, duplicates: 0, transientFailures: [], permanentFailures: [], truncated: 0,
      requests: 0, retries: 0, bytesSent: 0, latenciesMs: [],
    };
    const fail = (list: ItemFailure<R>[], entries: Entry<R>[]): void => {
      for (const e of entries) list.push({ item: e.original, status: e.lastStatus, error: e.lastError });
    };
    const mark = (entries: Entry<R>[], status: number, error: string): Entry<R>[] => {
      for (const e of entries) {
        e.lastStatus = status;
        e.lastError = error;
      }
      return entries;
    };

    async function run(chunk: Entry<R>[], attempt: number): Promise<void> {
      if (Date.now() + policy.minAttemptMs > opts.deadlineMs) {
        if (chunk[0]!.lastError === '') mark(chunk, 0, 'deadline reached before the first attempt');
        return fail(out.transientFailures, chunk);
      }
      const result = await limit(() => post(chunk as Entry<unknown>[], opts.deadlineMs, out as BulkOutcome<unknown>));
      let retry: Entry<R>[] = [];
      if (result.kind === 'items') {
        if (result.results === 'all-ok') {
          out.indexed += chunk.length;
          return;
        }
        for (let i = 0; i < chunk.length; i++) {
          const e = chunk[i]!;
          const r = result.results[i]!;
          switch (classifyItemStatus(r.status, e.original.action)) {
            case 'indexed': out.indexed++; break;
            case 'duplicate': out.duplicates++; break;
            case 'transient': retry.push(e); mark([e], r.status, r.error ?? `status ${r.status}`); break;
            case 'permanent': mark([e], r.status, r.error ?? `status ${r.status}`); fail(out.permanentFailures, [e]); break;
          }
        }
      } else {
        switch (classifyRequestStatus(result.status)) {
          case 'split': {
            mark(chunk, result.status, result.error);
            if (chunk.length > 1) {
              const half = Math.ceil(chunk.length / 2);
              out.retries += 2;
              await Promise.all([run(chunk.slice(0, half), attempt), run(chunk.slice(half), attempt)]);
              return;
            }
            // One document alone is too large for this cluster: halve it (truncation markers) and retry.
            const e = chunk[0]!;
            const target = Math.floor(Buffer.byteLength(e.source) / 2);
            if (target < MIN_BULK_BYTES / 2) return fail(out.permanentFailures, chunk);
            const wasTruncated = e.source !== e.original.source;
            e.source = truncateDocument(e.source, target);
            if (!wasTruncated) out.truncated++;
            out.retries++;
            return run(chunk, attempt);
          }
          case 'retry': retry = mark(chunk, result.status, result.error); break;
          case 'defer': mark(chunk, result.status, result.error); return fail(out.transientFailures, chunk);
          case 'reject': mark(chunk, result.status, result.error); return fail(out.permanentFailures, chunk);
        }
      }
      if (retry.length === 0) return;
      if (attempt >= policy.maxAttempts) return fail(out.transientFailures, retry);
      const room = opts.deadlineMs - policy.minAttemptMs - Date.now();
      if (room < 0) return fail(out.transientFailures, retry);
      await sleep(Math.min(room, fullJitterDelay(attempt, policy.baseDelayMs, policy.maxDelayMs)));
      out.retries++;
      return run(retry, attempt + 1);
    }

    const entries: Entry<R>[] = new Array(items.length);
    const sizes: number[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const line = actionLine(item);
      const lineBytes = Buffer.byteLength(line);
      let source = item.source;
      let bytes = lineBytes + Buffer.byteLength(source) + 1;
      if (bytes > maxBulkBytes) {
        source = truncateDocument(source, maxBulkBytes - lineBytes - 1);
        bytes = lineBytes + Buffer.byteLength(source) + 1;
        out.truncated++;
      }
      entries[i] = { original: item, line, source, bytes, lastStatus: 0, lastError: '' };
      sizes[i] = bytes;
    }
    await Promise.all(chunkBySize(entries, sizes, maxBulkBytes).map((chunk) => run(chunk, 1)));
    return out;
  }

  return { send, close: () => transport.close() };
}
