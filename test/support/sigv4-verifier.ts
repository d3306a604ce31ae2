import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * An AWS Signature Version 4 verifier written from the AWS specification, on purpose
 * independent of the `aws4` package the functions sign with: a bug in the signer must
 * not be hidden by the same bug in the check. Used by the `_bulk` test server and the
 * e2e fault proxy.
 */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as received on the wire (`req.url`). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifyOptions {
  /** access key id → secret access key. */
  credentials: Record<string, string>;
  /** Expected signing service (`es` or `aoss`); any when absent. */
  service?: string;
  /** Expected region; any when absent. */
  region?: string;
  /** Allowed clock skew in ms. @default 15 minutes, as AWS */
  maxSkewMs?: number;
  now?: () => number;
}

export type VerifyResult =
  | { ok: true; accessKeyId: string; service: string; region: string }
  | { ok: false; reason: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 unreserved characters stay, everything else is %XX (upper case). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(rawPath: string, service: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  const segments = rawPath.split('/').map((segment) => {
    const once = uriEncode(decodeURIComponent(segment));
    // Every service but S3 signs the path encoded twice (the wire form encoded once more).
    return service === 's3' ? once : uriEncode(once);
  });
  return segments.join('/');
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf('=');
      const key = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
      const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
      return [uriEncode(key), uriEncode(value)] as const;
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
function parseAuthorization(value: string): { credential: string; signedHeaders: string; signature: string } | undefined {
  if (!value.startsWith(`${ALGORITHM} `)) return undefined;
  const fields: Record<string, string> = {};
  for (const part of value.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const { Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = fields;
  if (!credential || !signedHeaders || !signature) return undefined;
  return { credential, signedHeaders, signature };
}

function amzDateToMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

export function verifySigV4(req: SignedRequest, opts: VerifyOptions): VerifyResult {
  const auth = headerValue(req.headers, 'authorization');
  if (!auth) return { ok: false, reason: 'missing Authorization header' };
  const parsed = parseAuthorization(auth);
  if (!parsed) return { ok: false, reason: `Authorization is not ${ALGORITHM}` };

  const [accessKeyId, date, region, service, terminator] = parsed.credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request')
    return { ok: false, reason: `malformed credential scope "${parsed.credential}"` };
  const secret = opts.credentials[accessKeyId];
  if (secret === undefined) return { ok: false, reason: `unknown access key ${accessKeyId}` };
  if (opts.service && service !== opts.service) return { ok: false, reason: `signed for service ${service}, expected ${opts.service}` };
  if (opts.region && region !== opts.region) return { ok: false, reason: `signed for region ${region}, expected ${opts.region}` };

  const amzDate = headerValue(req.headers, 'x-amz-date');
  if (!amzDate) return { ok: false, reason: 'missing X-Amz-Date header' };
  if (!amzDate.startsWith(date)) return { ok: false, reason: 'X-Amz-Date does not match the credential date' };
  const skew = Math.abs((opts.now ?? Date.now)() - amzDateToMs(amzDate));
  if (!(skew <= (opts.maxSkewMs ?? 15 * 60_000))) return { ok: false, reason: `request time ${amzDate} is too skewed` };

  const signedHeaderNames = parsed.signedHeaders.split(';');
  if (!signedHeaderNames.includes('host')) return { ok: false, reason: 'host is not a signed header' };
  const canonicalHeaders: string[] = [];
  for (const name of signedHeaderNames) {
    const value = headerValue(req.headers, name);
    if (value === undefined) return { ok: false, reason: `signed header ${name} is missing` };
    canonicalHeaders.push(`${name}:${value.trim().replace(/\s+/g, ' ')}\n`);
  }

  const bodyHash = sha256Hex(req.body);
  const declaredHash = headerValue(req.headers, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== bodyHash)
    return { ok: false, reason: 'x-amz-content-sha256 does not match the body' };
  if (service === 'aoss' && declaredHash === undefined)
    return { ok: false, reason: 'OpenSearch Serverless requires x-amz-content-sha256' };

  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalUri(rawPath, service),
    canonicalQuery(rawQuery),
    canonicalHeaders.join(''),
    parsed.signedHeaders,
    declaredHash ?? bodyHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');

  const a = Buffer.from(expected);
  const b = Buffer.from(parsed.signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'signature does not match' };
  return { ok: true, accessKeyId, service, region };
}
