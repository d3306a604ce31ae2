import http from 'node:http';
import https from 'node:https';

/** One HTTP exchange with the cluster: keep-alive agent, bounded sockets, hard timeout. */
export interface HttpResponse {
  status: number;
  /** Raw bytes, as received: a large all-success bulk answer is never joined nor decoded (see parseBulkResponse). */
  body: Buffer[];
}

export interface Transport {
  post(path: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<HttpResponse>;
  /** Any method (the bootstrap and replay read and write cluster settings, not only `_bulk`). */
  request(method: string, path: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<HttpResponse>;
  close(): void;
}

export function createTransport(endpoint: URL, maxSockets: number): Transport {
  const secure = endpoint.protocol === 'https:';
  const agentOptions = { keepAlive: true, keepAliveMsecs: 10_000, maxSockets, maxFreeSockets: maxSockets };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const request = secure ? https.request : http.request;
  const port = endpoint.port ? Number(endpoint.port) : secure ? 443 : 80;
  const transport: Transport = {
    post(path, headers, body, timeoutMs) {
      return transport.request('POST', path, headers, body, timeoutMs);
    },
    request(method, path, headers, body, timeoutMs) {
      return new Promise<HttpResponse>((resolve, reject) => {
        let settled = false;
        const req = request(
          { agent, hostname: endpoint.hostname, port, path, method, headers },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (chunk: Buffer) => parts.push(chunk));
            res.on('end', () => {
              settled = true;
              clearTimeout(timer);
              resolve({ status: res.statusCode ?? 0, body: parts });
            });
            res.on('error', fail);
            res.on('aborted', () => fail(new Error('response aborted')));
          },
        );
        function fail(err: Error): void {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          req.destroy();
          reject(err);
        }
        // One timer for the whole exchange: the deadline bounds connect, upload and download alike.
        const timer = setTimeout(() => fail(new Error(`no complete answer within ${timeoutMs} ms`)), Math.max(1, timeoutMs));
        req.on('error', fail);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
  return transport;
}
