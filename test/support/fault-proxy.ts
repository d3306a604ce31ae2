import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { verifySigV4 } from './sigv4-verifier';

/**
 * An HTTP proxy on 127.0.0.1 in front of a real OpenSearch. It plays the part of the AWS domain
 * endpoint: requests without a valid SigV4 signature (checked with the project's own verifier, not
 * with `aws4`) get 403, and on command it injects the failures a real domain produces: whole-request
 * 429/503/413, a fraction of `_bulk` calls throttled, per-document 429/400 items, delays and dropped
 * connections. Everything else is forwarded unchanged.
 */
export type ItemFaultStatus = 429 | 400;

export interface Faults {
  /** Answer every request (or `fraction` of `_bulk` requests) with this status without forwarding. */
  wholeRequest?: { status: 429 | 503 | 413; fraction?: number; bulkOnly?: boolean };
  /**
   * Per document: return a status to answer that item with instead of indexing it (the rest of the
   * bulk request is forwarded). Called once per item per request, so callers can fail an id only
   * its first n times.
   */
  item?: (doc: { index: string; id: string | undefined; action: string; source: string }) => ItemFaultStatus | undefined;
  /** Added latency before forwarding, ms. */
  delayMs?: number;
  /** Fraction of `_bulk` requests whose connection is destroyed before any answer. */
  dropFraction?: number;
  /**
   * Fraction of `_bulk` requests forwarded to OpenSearch (so the documents are written) whose answer is
   * then lost: the connection is destroyed instead. The client cannot tell what was written. Spread
   * evenly (every 1/fraction-th forwarded `_bulk` request), not drawn at random: a short run of ~20
   * requests at 15% would otherwise lose no answer at all about once in 20 runs.
   */
  dropAnswerFraction?: number;
  /** Destroy the connection of every request (when the upstream is down this happens anyway). */
  outage?: boolean;
}

export interface ProxyStats {
  requests: number;
  bulkRequests: number;
  forwarded: number;
  unsignedRejected: number;
  wholeRequestFaults: number;
  itemFaults: Record<ItemFaultStatus, number>;
  /** Connections destroyed by `dropFraction`, `outage` or `dropAnswerFraction`. */
  dropped: number;
  /** Of `dropped`: answers lost after OpenSearch wrote the documents (`dropAnswerFraction`). */
  answersLost: number;
  upstreamDown: number;
  /** Items OpenSearch answered 409 (create of an id it already holds): redeliveries made harmless. */
  conflicts: number;
  /**
   * Items OpenSearch itself answered 400 `mapper [x] cannot be changed from type …`: the loser of two
   * requests adding one new field with different dynamic types (no index template).
   */
  mappingRaces: number;
}

export interface FaultProxy {
  readonly endpoint: string;
  readonly stats: ProxyStats;
  /** Reasons given to rejected (badly signed) requests, newest last. */
  readonly signatureRejections: string[];
  setFaults(faults: Faults): void;
  clearFaults(): void;
  resetStats(): void;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  upstream: string;
  credentials: Record<string, string>;
  service?: string;
  region?: string;
  /** Deterministic randomness for fractions (tests); Math.random by default. */
  random?: () => number;
}

const emptyStats = (): ProxyStats => ({
  requests: 0,
  bulkRequests: 0,
  forwarded: 0,
  unsignedRejected: 0,
  wholeRequestFaults: 0,
  itemFaults: { 429: 0, 400: 0 },
  dropped: 0,
  answersLost: 0,
  upstreamDown: 0,
  conflicts: 0,
  mappingRaces: 0,
});

const ITEM_ERRORS: Record<ItemFaultStatus, { type: string; reason: string }> = {
  429: {
    type: 'es_rejected_execution_exception',
    reason: 'rejected execution of coordinating operation (injected by the e2e fault proxy)',
  },
  400: {
    type: 'mapper_parsing_exception',
    reason: "failed to parse field [@message] of type [long] in document (injected by the e2e fault proxy)",
  },
};

const WHOLE_REQUEST_BODIES: Record<number, string> = {
  429: JSON.stringify({ message: 'Too Many Requests' }),
  503: JSON.stringify({ message: 'Service Unavailable' }),
  413: JSON.stringify({ message: 'Request size exceeded 10485760 bytes' }),
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface BulkLine {
  action: string;
  meta: { _index?: string; _id?: string };
  actionLine: string;
  sourceLine: string | undefined;
}

/** Splits an NDJSON `_bulk` body into action/source pairs (delete has no source line). */
export function parseBulkBody(body: string, defaultIndex: string | undefined): BulkLine[] {
  const lines = body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const out: BulkLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const actionLine = lines[i]!;
    const parsed = JSON.parse(actionLine) as Record<string, { _index?: string; _id?: string }>;
    const action = Object.keys(parsed)[0]!;
    const meta = { _index: defaultIndex, ...parsed[action] };
    const sourceLine = action === 'delete' ? undefined : lines[++i];
    out.push({ action, meta, actionLine, sourceLine });
  }
  return out;
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(opts.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const random = opts.random ?? Math.random;
  let faults: Faults = {};
  let answerDropDebt = 0; // accumulates dropAnswerFraction per forwarded _bulk request; ≥ 1 → drop
  let stats = emptyStats();
  const signatureRejections: string[] = [];
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const forward = (req: IncomingMessage, body: Buffer, headers: Record<string, string | string[] | undefined>) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          agent,
          headers: { ...headers, host: upstream.host, 'content-length': String(body.length) },
        },
        (res) => {
          readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const raw = await readBody(req);
    const verdict = verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: raw },
      { credentials: opts.credentials, service: opts.service, region: opts.region },
    );
    if (!verdict.ok) {
      stats.unsignedRejected++;
      signatureRejections.push(verdict.reason);
      return send(res, 403, JSON.stringify({ message: `The request signature is not valid: ${verdict.reason}` }));
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const isBulk = /(^|\/)_bulk$/.test(path);
    if (isBulk) stats.bulkRequests++;
    const f = faults;
    if (f.outage || (isBulk && f.dropFraction && random() < f.dropFraction)) {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    const whole = f.wholeRequest;
    if (whole && (!whole.bulkOnly || isBulk) && random() < (whole.fraction ?? 1)) {
      stats.wholeRequestFaults++;
      return send(res, whole.status, WHOLE_REQUEST_BODIES[whole.status]!);
    }

    const headers: Record<string, string | string[] | undefined> = { ...req.headers };
    let body = raw;
    let injected: Map<number, { status: ItemFaultStatus; line: BulkLine }> | undefined;
    let lines: BulkLine[] | undefined;
    if (isBulk && f.item) {
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const defaultIndex = /^\/([^/_][^/]*)\/_bulk$/.exec(path)?.[1];
      lines = parseBulkBody(text, defaultIndex);
      injected = new Map();
      lines.forEach((line, i) => {
        const status = f.item!({
          index: line.meta._index ?? '',
          id: line.meta._id,
          action: line.action,
          source: line.sourceLine ?? '',
        });
        if (status) injected!.set(i, { status, line });
      });
      if (injected.size > 0) {
        const kept = lines.filter((_, i) => !injected!.has(i));
        body = Buffer.from(kept.map((l) => (l.sourceLine === undefined ? `${l.actionLine}\n` : `${l.actionLine}\n${l.sourceLine}\n`)).join(''));
        delete headers['content-encoding'];
      }
    }

    if (injected && lines && injected.size === lines.length) {
      // Nothing left to forward: answer every item ourselves.
      const items = lines.map((_, i) => itemError(injected!.get(i)!));
      for (const v of injected.values()) stats.itemFaults[v.status]++;
      return send(res, 200, JSON.stringify({ took: 0, errors: true, items }));
    }

    let upstreamRes: Awaited<ReturnType<typeof forward>>;
    try {
      upstreamRes = await forward(req, body, headers);
    } catch {
      // OpenSearch is stopped: the client sees what it would see with no node behind the endpoint.
      stats.upstreamDown++;
      req.socket.destroy();
      return;
    }
    stats.forwarded++;
    if (isBulk && f.dropAnswerFraction && (answerDropDebt += f.dropAnswerFraction) >= 1) {
      answerDropDebt -= 1;
      stats.dropped++;
      stats.answersLost++;
      req.socket.destroy();
      return;
    }
    if (isBulk) {
      const text = upstreamRes.body.toString('utf8');
      stats.conflicts += text.match(/"status":409\b/g)?.length ?? 0;
      stats.mappingRaces += text.match(/cannot be changed from type/g)?.length ?? 0;
    }
    if (!injected || injected.size === 0 || upstreamRes.status !== 200) {
      const passHeaders = { ...upstreamRes.headers };
      delete passHeaders['transfer-encoding'];
      passHeaders['content-length'] = String(upstreamRes.body.length);
      res.writeHead(upstreamRes.status, passHeaders);
      res.end(upstreamRes.body);
      return;
    }
    // Merge the real per-item results with the injected ones, in the original order.
    const real = JSON.parse(upstreamRes.body.toString('utf8')) as { took: number; items: unknown[] };
    let next = 0;
    const items = lines!.map((_, i) => {
      const fault = injected!.get(i);
      if (fault) {
        stats.itemFaults[fault.status]++;
        return itemError(fault);
      }
      return real.items[next++];
    });
    send(res, 200, JSON.stringify({ took: real.took, errors: true, items }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ message: `fault proxy error: ${err.message}` }));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    get stats() {
      return stats;
    },
    signatureRejections,
    setFaults: (next) => {
      faults = next;
      answerDropDebt = 0;
    },
    clearFaults: () => {
      faults = {};
      answerDropDebt = 0;
    },
    resetStats: () => {
      stats = emptyStats();
      signatureRejections.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function itemError(fault: { status: ItemFaultStatus; line: BulkLine }): Record<string, unknown> {
  return {
    [fault.line.action]: {
      _index: fault.line.meta._index,
      _id: fault.line.meta._id,
      status: fault.status,
      error: ITEM_ERRORS[fault.status],
    },
  };
}
