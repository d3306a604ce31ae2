import { envCredentials, signRequest } from './signer';
import { createTransport } from './transport';
import type { AwsCredentials } from './types';

/** A JSON answer of the cluster: status and the parsed body (text when it is not JSON). */
export interface RestResponse {
  status: number;
  json: unknown;
  text: string;
}

export interface RestClientConfig {
  endpoint: string;
  service: 'es' | 'aoss';
  region: string;
  /** @default true */
  sign?: boolean;
  credentials?: () => Promise<AwsCredentials>;
  /** Per request. @default 30000 */
  timeoutMs?: number;
}

export interface RestClient {
  /** `body`: an object (sent as JSON), a Buffer (sent as is with `headers`' content-type), or nothing. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RestResponse>;
  close(): void;
}

/**
 * Signed JSON requests to the cluster's REST APIs (templates, policies, security, saved objects),
 * over the same transport and SigV4 signer as the bulk client. One connection: these calls are
 * few and sequential.
 */
export function createRestClient(config: RestClientConfig): RestClient {
  const url = new URL(config.endpoint);
  const base = url.pathname.replace(/\/+$/, '');
  const transport = createTransport(url, 1);
  const credentials = config.credentials ?? (() => envCredentials());
  const timeoutMs = config.timeoutMs ?? 30_000;
  return {
    async call(method, path, body, extraHeaders = {}) {
      const raw = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = { host: url.host, ...extraHeaders };
      if (raw.length > 0 && !headers['content-type']) headers['content-type'] = 'application/json';
      headers['content-length'] = String(raw.length);
      const full = base + path;
      if (config.sign ?? true) signRequest({ host: url.host, path: full, method, headers, body: raw }, config.service, config.region, await credentials());
      const res = await transport.request(method, full, headers, raw, timeoutMs);
      const text = Buffer.concat(res.body).toString('utf8');
      let json: unknown = undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text };
    },
    close() {
      transport.close();
    },
  };
}
