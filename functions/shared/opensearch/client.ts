import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { fullJitterDelay } from './backoff';
import { createLimiter } from './limiter';
import { actionLine } from './ndjson';
import { appendItem, appendItems, createBufferPool, reencodeOne, sourceOf, subChunk, type Chunk, type Slot } from './body-buffer';
import { classifyItemStatus, classifyRequestStatus, headOf, parseBulkResponse, type ItemResult } from './response';
import { envCredentials, signRequest } from './signer';
import { createTransport } from './transport';
import { truncateDocument } from './truncate';
import type { BulkClient, BulkClientConfig, BulkItem, BulkOutcome, BulkSession, ItemFailure, RetryPolicy, SendOptions } from './types';

const gzip = promisify(gzipCb);

export const BULK_DEFAULTS = {
  maxBulkBytes: 5 * 1024 * 1024,
  concurrency: 4,
  gzip: false,
  retry: { baseDelayMs: 100, maxDelayMs: 5_000, minAttemptMs: 250, maxAttempts: 10 } satisfies RetryPolicy,
} as const;

/** Smallest cap accepted: room for an action line, the truncation markers and some text. */
const MIN_BULK_BYTES = 1024;
const FIRST_BUFFER_BYTES = 64 * 1024;
const PROBE_EVERY = 16;

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
 * The shared OpenSearch `_bulk` client: encodes items into bodies of at most `maxBulkBytes`,
 * sends them SigV4-signed over keep-alive connections with bounded concurrency, and retries
 * only the items that failed transiently (backoff with full jitter) until the deadline.
 * Sending never throws for cluster or network trouble: every item ends up counted as indexed,
 * duplicate, transient failure or permanent failure.
 */
export function createBulkClient(config: BulkClientConfig): BulkClient {
  const url = validate(config);
  const maxBulkBytes = config.maxBulkBytes ?? BULK_DEFAULTS.maxBulkBytes;
  const concurrency = config.concurrency ?? BULK_DEFAULTS.concurrency;
  const policy: RetryPolicy = { ...BULK_DEFAULTS.retry, ...config.retry };
  const base = url.pathname.replace(/\/+$/, '');
  const path = `${base}/_bulk`;
  const indexInPath = config.indexInPath ?? false;
  const pathOf = (index: string | undefined): string => (index === undefined ? path : `${base}/${encodeURIComponent(index)}/_bulk`);
  const transport = createTransport(url, concurrency);
  const limit = createLimiter(concurrency);
  const credentials = config.credentials ?? (() => envCredentials());
  const useGzip = config.gzip ?? BULK_DEFAULTS.gzip;
  const sign = config.sign ?? true;
  const pool = createBufferPool(maxBulkBytes, concurrency);
  const takeBuffer = pool.take;
  const giveBuffer = pool.give;
  // Start bodies at the size the previous session needed, so a steady stream of large batches
  // does not grow every first buffer from 64 KiB again.
  let firstBytes = Math.min(FIRST_BUFFER_BYTES, maxBulkBytes);

  async function post(body: Buffer, path: string, expectedItems: number, deadlineMs: number, out: BulkOutcome<unknown>): Promise<Attempt> {
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
      if (res.status < 200 || res.status >= 300) return { kind: 'status', status: res.status, error: `HTTP ${res.status}: ${headOf(res.body, 500)}` };
      try {
        return { kind: 'items', results: parseBulkResponse(res.body, expectedItems) };
      } catch (err) {
        // A garbled success answer (proxy, truncated body) says nothing about the items: retry them.
        return { kind: 'status', status: 0, error: `unreadable bulk answer: ${(err as Error).message}` };
      }
    } catch (err) {
      out.latenciesMs.push(Date.now() - started);
      return { kind: 'status', status: 0, error: `network: ${(err as Error).message}` };
    }
  }

  function open<R>(opts: SendOptions): BulkSession<R> {
    const out: BulkOutcome<R> = {
      indexed: 0, duplicates: 0, transientFailures: [], permanentFailures: [], truncated: 0,
      requests: 0, retries: 0, bytesSent: 0, latenciesMs: [],
    };
    const failure = (chunk: Chunk<R>, s: Slot<R>): ItemFailure<R> => ({
      item: { index: s.index, ...(s.id === undefined ? {} : { id: s.id }), action: s.action, source: s.original ?? sourceOf(chunk, s), ref: s.ref },
      status: s.lastStatus,
      error: s.lastError,
    });
    const fail = (list: ItemFailure<R>[], chunk: Chunk<R>, slots: Slot<R>[]): void => {
      for (const s of slots) list.push(failure(chunk, s));
    };
    const mark = (slots: Slot<R>[], status: number, error: string): Slot<R>[] => {
      for (const s of slots) {
        s.lastStatus = status;
        s.lastError = error;
      }
      return slots;
    };

    async function run(chunk: Chunk<R>, attempt: number): Promise<void> {
      if (Date.now() + policy.minAttemptMs > opts.deadlineMs) {
        if (chunk.slots[0]!.lastError === '') mark(chunk.slots, 0, 'deadline reached before the first attempt');
        return fail(out.transientFailures, chunk, chunk.slots);
      }
      const body = chunk.buf.subarray(0, chunk.used);
      const result = await limit(() => post(body, pathOf(chunk.index), chunk.slots.length, opts.deadlineMs, out as BulkOutcome<unknown>));
      let retry: Slot<R>[] = [];
      if (result.kind === 'items') {
        if (result.results === 'all-ok') {
          out.indexed += chunk.slots.length;
          return;
        }
        for (let i = 0; i < chunk.slots.length; i++) {
          const s = chunk.slots[i]!;
          const r = result.results[i]!;
          switch (classifyItemStatus(r.status, s.action, r.error, s.lastError)) {
            case 'indexed': out.indexed++; break;
            case 'duplicate': out.duplicates++; break;
            case 'transient': mark([s], r.status, r.error ?? `status ${r.status}`); retry.push(s); break;
            case 'permanent': mark([s], r.status, r.error ?? `status ${r.status}`); fail(out.permanentFailures, chunk, [s]); break;
          }
        }
      } else {
        switch (classifyRequestStatus(result.status)) {
          case 'split': {
            mark(chunk.slots, result.status, result.error);
            if (chunk.slots.length > 1) {
              const half = Math.ceil(chunk.slots.length / 2);
              out.retries += 2;
              await Promise.all([
                run(subChunk(chunk, chunk.slots.slice(0, half)), attempt),
                run(subChunk(chunk, chunk.slots.slice(half)), attempt),
              ]);
              return;
            }
            // One document alone is too large for this cluster: halve it (truncation markers) and retry.
            const s = chunk.slots[0]!;
            const source = sourceOf(chunk, s);
            const target = Math.floor(Buffer.byteLength(source) / 2);
            if (target < MIN_BULK_BYTES / 2) return fail(out.permanentFailures, chunk, chunk.slots);
            if (s.original === undefined) {
              s.original = source;
              out.truncated++;
            }
            let cut: string;
            try {
              cut = truncateDocument(source, target);
            } catch (err) {
              mark(chunk.slots, 0, `document could not be truncated: ${(err as Error).message}`);
              return fail(out.permanentFailures, chunk, chunk.slots);
            }
            out.retries++;
            return run(reencodeOne(s, cut, chunk.index), attempt);
          }
          case 'retry': retry = mark(chunk.slots, result.status, result.error); break;
          case 'defer': mark(chunk.slots, result.status, result.error); return fail(out.transientFailures, chunk, chunk.slots);
          case 'reject': mark(chunk.slots, result.status, result.error); return fail(out.permanentFailures, chunk, chunk.slots);
        }
      }
      if (retry.length === 0) return;
      if (attempt >= policy.maxAttempts) return fail(out.transientFailures, chunk, retry);
      const room = opts.deadlineMs - policy.minAttemptMs - Date.now();
      if (room < 0) return fail(out.transientFailures, chunk, retry);
      const next = retry.length === chunk.slots.length ? chunk : subChunk(chunk, retry);
      await sleep(Math.min(room, fullJitterDelay(attempt, policy.baseDelayMs, policy.maxDelayMs)));
      out.retries++;
      return run(next, attempt + 1);
    }

    const fresh = (bytes: number, index?: string): Chunk<R> => ({ buf: takeBuffer(bytes), used: 0, slots: [], index });
    let current = fresh(firstBytes);
    // indexInPath: one body per index; the ones not being written to wait here (a batch has few indices).
    const parked = new Map<string, Chunk<R>>();
    const pending = new Set<Promise<void>>();
    let finished = false;

    /** indexInPath: makes `current` the body for `index`. */
    function select(index: string): void {
      if (current.index === index) return;
      const other = parked.get(index);
      if (current.slots.length > 0) parked.set(current.index!, current);
      else if (other !== undefined) giveBuffer(current.buf);
      if (other !== undefined) {
        parked.delete(index);
        current = other;
      } else if (current.slots.length > 0) {
        current = fresh(firstBytes, index);
      } else {
        current.index = index;
      }
    }

    function send(chunk: Chunk<R>): void {
      const p: Promise<void> = run(chunk, 1).finally(() => {
        pending.delete(p);
        giveBuffer(chunk.buf);
      });
      pending.add(p);
    }

    function dispatch(): void {
      if (current.slots.length === 0) return;
      const chunk = current;
      // Once a body has filled up, the next ones will too: take a full-size buffer at once.
      if (chunk.buf.length >= maxBulkBytes) firstBytes = maxBulkBytes;
      current = fresh(chunk.buf.length >= maxBulkBytes ? maxBulkBytes : firstBytes, chunk.index);
      send(chunk);
    }

    /** Makes room for `bytes` more in the current chunk: grow its buffer, or send it and start another. */
    function reserve(bytes: number): void {
      if (current.used + bytes > maxBulkBytes) dispatch();
      if (current.used + bytes > current.buf.length) {
        const grown = takeBuffer(Math.min(maxBulkBytes, Math.max(current.buf.length * 2, current.used + bytes)));
        current.buf.copy(grown, 0, 0, current.used);
        giveBuffer(current.buf);
        current.buf = grown;
      }
    }

    const backpressure = (): Promise<void> | undefined => (pending.size < concurrency ? undefined : Promise.race(pending).then(() => undefined));

    function add(item: BulkItem<R>): void {
      if (indexInPath) select(item.index);
      const line = actionLine(item, indexInPath);
      let source = item.source;
      let original: string | undefined;
      // UTF-8 needs at most 3 bytes per UTF-16 unit: measure exactly only when the bound does not fit.
      let bytes = (line.length + source.length) * 3 + 1;
      if (current.used + bytes > current.buf.length || bytes > maxBulkBytes) {
        const lineBytes = Buffer.byteLength(line);
        bytes = lineBytes + Buffer.byteLength(source) + 1;
        if (bytes > maxBulkBytes) {
          original = source;
          try {
            source = truncateDocument(source, maxBulkBytes - lineBytes - 1);
          } catch (err) {
            // Whatever one document holds, it fails alone (dead letter with the reason), never the session.
            out.permanentFailures.push({ item, status: 0, error: `document could not be truncated: ${(err as Error).message}` });
            return;
          }
          bytes = lineBytes + Buffer.byteLength(source) + 1;
          out.truncated++;
        }
        reserve(bytes);
      }
      appendItem(current, item, line, source, original);
      if (current.used >= maxBulkBytes) dispatch();
    }

    const lines: string[] = [];
    // Multi-byte text seen in the last batch: item by item (one write per document keeps ASCII
    // documents one-byte strings; one write of a mixed batch converts it all to two-byte, slower).
    // Every PROBE_EVERY-th batch tries the one write again.
    let multiByte = 0;
    return {
      add(item) {
        if (finished) throw new Error('bulk session: add() after finish()');
        add(item);
        return backpressure();
      },
      addMany(items) {
        if (finished) throw new Error('bulk session: addMany() after finish()');
        lines.length = 0;
        let bound = 0;
        let oneIndex = true;
        for (const item of items) {
          const line = actionLine(item, indexInPath);
          lines.push(line);
          bound += (line.length + item.source.length) * 3 + 1;
          if (item.index !== items[0]!.index) oneIndex = false;
        }
        if (indexInPath && oneIndex && items.length > 0) select(items[0]!.index);
        if ((oneIndex || !indexInPath) && current.used + bound <= maxBulkBytes && multiByte % PROBE_EVERY === 0) {
          // All of them fit in the current body whatever their bytes: one write.
          if (current.used + bound > current.buf.length) reserve(bound);
          multiByte = appendItems(current, items, lines) ? 0 : 1;
          if (current.used >= maxBulkBytes) dispatch();
        } else {
          if (multiByte > 0) multiByte++;
          // Near a body's end, a document too large, or (indexInPath) several indices: item by item, as add() does.
          for (const item of items) add(item);
        }
        return backpressure();
      },
      addWritten(item, writer) {
        if (finished) throw new Error('bulk session: addWritten() after finish()');
        // The writer writes its own action line, with `_index`: a body per index (indexInPath) would not expect one.
        if (indexInPath) throw new Error('bulk session: addWritten() cannot be used with indexInPath');
        const bytes = writer.maxBytes;
        if (bytes > maxBulkBytes) {
          // Too large for any body as written: through `add`, which truncates the source to fit.
          const scratch = Buffer.allocUnsafe(bytes);
          const end = writer.write(scratch, 0);
          add({ ...item, source: scratch.toString('utf8', writer.sourceStart, end - 1) });
          return backpressure();
        }
        if (current.used + bytes > current.buf.length) reserve(bytes);
        const start = current.used;
        current.used = writer.write(current.buf, start);
        current.slots.push({
          ref: item.ref, index: item.index, id: item.id, action: item.action, start, sourceStart: writer.sourceStart, end: current.used,
          original: undefined, lastStatus: 0, lastError: '',
        });
        if (current.used >= maxBulkBytes) dispatch();
        return backpressure();
      },
      async finish() {
        finished = true;
        dispatch();
        giveBuffer(current.buf);
        for (const chunk of parked.values()) send(chunk);
        parked.clear();
        while (pending.size > 0) await Promise.all(pending);
        return out;
      },
    };
  }

  async function send<R>(items: BulkItem<R>[], opts: SendOptions): Promise<BulkOutcome<R>> {
    const session = open<R>(opts);
    for (const item of items) {
      const wait = session.add(item);
      if (wait) await wait;
    }
    return session.finish();
  }

  return { send, open, close: () => transport.close() };
}
