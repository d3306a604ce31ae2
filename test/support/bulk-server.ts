import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { TEST_AWS_ENV } from './moto';
import { verifySigV4, type VerifyResult } from './sigv4-verifier';

/**
 * A local HTTP server speaking the OpenSearch `_bulk` protocol, for tests of the bulk client and
 * of the functions: parses NDJSON like OpenSearch (pairs of lines, trailing newline required,
 * unknown action parameters such as `_type` rejected), answers per-item results, 409 on a
 * `create` whose id exists, stores accepted documents per index, checks every request's SigV4
 * signature with the independent verifier (403 when invalid), and injects faults on demand.
 */
export interface BulkServerOptions {
  /** access key id → secret; @default the moto test credentials (TEST_AWS_ENV) */
  credentials?: Record<string, string>;
  /** Expected signing service; @default any */
  service?: 'es' | 'aoss';
  /** Expected region; @default any */
  region?: string;
  /** Verify SigV4 on every request (403 when invalid). @default true */
  verifySignature?: boolean;
  /** Keep accepted documents (turn off for benchmarks). @default true */
  storeDocuments?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Bytes received on the wire (compressed when gzip). */
  wireBytes: number;
  /** Bytes of NDJSON after decompression. */
  bodyBytes: number;
  /** Action/source pairs in the body (0 when not parsed). */
  items: number;
  signature: VerifyResult | undefined;
  status: number;
}

export interface StoredDocument {
  index: string;
  id: string;
  source: Record<string, unknown>;
}

export type ItemMatcher = string[] | ((item: { index: string; id: string | undefined; action: string; source: Record<string, unknown> }) => boolean);

interface ItemFault {
  match: ItemMatcher;
  status: number;
  error: string;
  type: string;
  remaining: number;
}

export interface BulkServer {
  readonly endpoint: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Most requests ever being handled at the same time (concurrency checks). */
  peakInFlight(): number;
  /** Accepted documents, in acceptance order, optionally of one index. */
  documents(index?: string): StoredDocument[];
  indices(): string[];
  /** The next `times` requests answer `status` (429, 413, 503...) without looking at the items. */
  failRequests(status: number, times?: number): void;
  /**
   * Items matching (by id, or a predicate) answer `status` the next `times` times (forever by
   * default), with `error` as the reason and `type` as the error type (default
   * es_rejected_execution_exception for 429, mapper_parsing_exception otherwise).
   */
  rejectItems(match: ItemMatcher, status: number, times?: number, error?: string, type?: string): void;
  /** Requests whose body (decompressed) exceeds this many bytes answer 413, like `http.max_content_length`. */
  setMaxBodyBytes(bytes: number | undefined): void;
  /** Delay the next `times` answers by `ms` (forever by default). */
  delayResponses(ms: number, times?: number): void;
  /** Destroy the connection of the next `times` requests without answering. */
  resetConnections(times?: number): void;
  /** Forget documents, requests and faults. */
  clear(): void;
  close(): Promise<void>;
}

const ALLOWED_ACTION_PARAMS = new Set(['_index', '_id', 'routing', 'pipeline', 'require_alias', 'version', 'version_type', 'if_seq_no', 'if_primary_term']);

function matches(match: ItemMatcher, item: Parameters<Exclude<ItemMatcher, string[]>>[0]): boolean {
  return Array.isArray(match) ? item.id !== undefined && match.includes(item.id) : match(item);
}

export async function startBulkServer(options: BulkServerOptions = {}): Promise<BulkServer> {
  const credentials = options.credentials ?? { [TEST_AWS_ENV.AWS_ACCESS_KEY_ID]: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY };
  const verify = options.verifySignature ?? true;
  const store = options.storeDocuments ?? true;
  const requests: RecordedRequest[] = [];
  const docs = new Map<string, Map<string, StoredDocument>>();
  const order: StoredDocument[] = [];
  let requestFaults: { status: number; remaining: number }[] = [];
  let itemFaults: ItemFault[] = [];
  let maxBodyBytes: number | undefined;
  let delay = { ms: 0, remaining: 0 };
  let resets = 0;
  let autoId = 0;
  let inFlight = 0;
  let peak = 0;
  const sockets = new Set<Socket>();

  function answer(res: ServerResponse, status: number, body: unknown, rec: RecordedRequest): void {
    rec.status = status;
    const text = JSON.stringify(body);
    const send = (): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (delay.remaining > 0 && delay.ms > 0) {
      delay.remaining--;
      setTimeout(send, delay.ms);
    } else send();
  }

  /** `pathIndex`: the `<index>` of a request to `/<index>/_bulk`, the default for items that name none (as OpenSearch). */
  function handleBulk(body: string, rec: RecordedRequest, pathIndex?: string): { status: number; body: unknown } {
    if (body.length > 0 && !body.endsWith('\n'))
      return { status: 400, body: { error: { type: 'illegal_argument_exception', reason: 'The bulk request must be terminated by a newline [\\n]' }, status: 400 } };
    const lines = body.split('\n');
    lines.pop();
    if (lines.length % 2 !== 0) return { status: 400, body: { error: { type: 'illegal_argument_exception', reason: 'odd number of bulk lines' }, status: 400 } };
    const started = Date.now();
    const items: unknown[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i += 2) {
      let action: Record<string, Record<string, unknown>>;
      let source: Record<string, unknown>;
      try {
        action = JSON.parse(lines[i]!) as typeof action;
      } catch {
        return { status: 400, body: { error: { type: 'json_parse_exception', reason: `line ${i + 1} is not JSON` }, status: 400 } };
      }
      const op = Object.keys(action)[0] ?? '';
      const meta = action[op] ?? {};
      if (op !== 'create' && op !== 'index')
        return { status: 400, body: { error: { type: 'illegal_argument_exception', reason: `Malformed action/metadata line [${i + 1}], unsupported action [${op}]` }, status: 400 } };
      for (const key of Object.keys(meta)) {
        if (!ALLOWED_ACTION_PARAMS.has(key))
          return { status: 400, body: { error: { type: 'illegal_argument_exception', reason: `Action/metadata line [${i + 1}] contains an unknown parameter [${key}]` }, status: 400 } };
      }
      const index = String(meta._index ?? pathIndex ?? '');
      const id = meta._id === undefined ? undefined : String(meta._id);
      try {
        source = JSON.parse(lines[i + 1]!) as Record<string, unknown>;
      } catch {
        items.push({ [op]: { _index: index, _id: id, status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse' } } });
        errors = true;
        continue;
      }
      rec.items++;
      const fault = itemFaults.find((f) => f.remaining > 0 && matches(f.match, { index, id, action: op, source }));
      if (fault) {
        fault.remaining--;
        items.push({ [op]: { _index: index, _id: id, status: fault.status, error: { type: fault.type, reason: fault.error } } });
        errors = true;
        continue;
      }
      if (!/^[a-z0-9][a-z0-9_.+-]*$/.test(index) || index.length > 255) {
        items.push({ [op]: { _index: index, _id: id, status: 400, error: { type: 'invalid_index_name_exception', reason: `Invalid index name [${index}]` } } });
        errors = true;
        continue;
      }
      const metaField = ['_type', '_id', '_index'].find((f) => f in source);
      if (metaField) {
        items.push({ [op]: { _index: index, _id: id, status: 400, error: { type: 'mapper_parsing_exception', reason: `Field [${metaField}] is a metadata field and cannot be added inside a document` } } });
        errors = true;
        continue;
      }
      let perIndex = docs.get(index);
      if (!perIndex) docs.set(index, (perIndex = new Map()));
      const docId = id ?? `auto-${++autoId}`;
      const existing = perIndex.get(docId);
      if (existing && op === 'create') {
        items.push({ [op]: { _index: index, _id: docId, status: 409, error: { type: 'version_conflict_engine_exception', reason: `[${docId}]: version conflict, document already exists` } } });
        errors = true;
        continue;
      }
      if (store) {
        const doc = { index, id: docId, source };
        perIndex.set(docId, doc);
        order.push(doc);
      } else if (op === 'create' && id !== undefined) {
        perIndex.set(docId, existing ?? ({} as StoredDocument));
      }
      items.push({ [op]: { _index: index, _id: docId, _version: 1, result: existing ? 'updated' : 'created', status: existing ? 200 : 201 } });
    }
    return { status: 200, body: { took: Date.now() - started, errors, items } };
  }

  const server: Server = createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    res.on('close', done);
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const wire = Buffer.concat(parts);
      const rec: RecordedRequest = {
        method: req.method ?? '', url: req.url ?? '', headers: req.headers, wireBytes: wire.length,
        bodyBytes: 0, items: 0, signature: undefined, status: 0,
      };
      requests.push(rec);
      if (resets > 0) {
        resets--;
        req.socket.destroy();
        return;
      }
      if (verify) {
        rec.signature = verifySigV4(
          { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: wire },
          { credentials, service: options.service, region: options.region },
        );
        if (!rec.signature.ok) return answer(res, 403, { message: `SigV4: ${rec.signature.reason}` }, rec);
      }
      const fault = requestFaults.find((f) => f.remaining > 0);
      if (fault) {
        fault.remaining--;
        return answer(res, fault.status, { error: { type: 'injected', reason: `injected ${fault.status}` }, status: fault.status }, rec);
      }
      if (req.method !== 'POST' || !/(^|\/)_bulk(\?|$)/.test(req.url ?? ''))
        return answer(res, 404, { error: 'no handler', path: req.url }, rec);
      let body: Buffer;
      try {
        body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
      } catch {
        return answer(res, 400, { error: { type: 'parse_exception', reason: 'bad gzip body' }, status: 400 }, rec);
      }
      rec.bodyBytes = body.length;
      if (maxBodyBytes !== undefined && body.length > maxBodyBytes)
        return answer(res, 413, { error: { type: 'request_entity_too_large', reason: 'Request size exceeded' }, status: 413 }, rec);
      const pathIndex = /^\/([^/?]+)\/_bulk(\?|$)/.exec(req.url ?? '')?.[1];
      const out = handleBulk(body.toString('utf8'), rec, pathIndex === undefined ? undefined : decodeURIComponent(pathIndex));
      return answer(res, out.status, out.body, rec);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    peakInFlight: () => peak,
    documents: (index) => (index === undefined ? [...order] : order.filter((d) => d.index === index)),
    indices: () => [...docs.keys()].sort(),
    failRequests: (status, times = 1) => requestFaults.push({ status, remaining: times }),
    rejectItems: (match, status, times = Infinity, error = `injected ${status}`, type = status === 429 ? 'es_rejected_execution_exception' : 'mapper_parsing_exception') =>
      itemFaults.push({ match, status, error, type, remaining: times }),
    setMaxBodyBytes: (bytes) => (maxBodyBytes = bytes),
    delayResponses: (ms, times = Infinity) => (delay = { ms, remaining: times }),
    resetConnections: (times = 1) => (resets = times),
    clear() {
      docs.clear();
      order.length = 0;
      requests.length = 0;
      peak = inFlight;
      requestFaults = [];
      itemFaults = [];
      maxBodyBytes = undefined;
      delay = { ms: 0, remaining: 0 };
      resets = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
