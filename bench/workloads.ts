/**
 * Shipper workloads built to hit the slow paths (issue 13), written for the benchmarks and not
 * tuned to the code: a seeded random mix, so no two messages share a shape by construction.
 *
 * `mix`: ~35 % JSON application logs, 20 % Lambda runtime lines whose message is JSON after the
 * request id, 20 % key=value access lines, 10 % free text containing `{` that is not JSON, 10 %
 * START/END/REPORT platform lines, 5 % multi-line stack traces; ~216 bytes per message; free text
 * uses ordinary words that are also mask trigger words ("token", "session", "secret santa"),
 * 7 log groups, timestamps running across midnight UTC.
 * Variants: `secrets` (half the messages carry a credential to mask), `json` (90 % JSON, nested),
 * `long` (2–8 KB messages), `non-ascii` (accents, CJK and emoji in free text and JSON strings).
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { cwlRecord, kinesisEvent } from '../test/factories/kinesis';

export type WorkloadName = 'mix' | 'secrets' | 'json' | 'long' | 'non-ascii';
export const WORKLOADS: WorkloadName[] = ['mix', 'secrets', 'json', 'long', 'non-ascii'];

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const hex = (r: Rand, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)];
  return s;
};
const uuid = (r: Rand): string => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${pick(r, ['8', '9', 'a', 'b'])}${hex(r, 3)}-${hex(r, 12)}`;
const alnum = (r: Rand, n: number, upper = false): string => {
  const abc = upper ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567' : 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += abc[Math.floor(r() * abc.length)];
  return s;
};

const WORDS = ['order', 'session', 'token', 'cache', 'refresh', 'user', 'payment', 'retry', 'queue', 'worker', 'timeout', 'upstream', 'batch', 'invoice', 'cart', 'secret santa', 'expired', 'renewed', 'validated', 'shard'];
const WORDS_NON_ASCII = ['commande', 'Größe', 'façade', 'año', 'naïve', '注文', 'セッション', '사용자', 'Zahlung ✓', 'ошибка', '🚀 déployé', 'réessai', 'überprüft', 'تم'];
const PATHS = ['/api/orders', '/api/users/{id}', '/health', '/api/cart/items', '/login', '/api/session/refresh', '/oauth/token', '/static/app.js'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const LEVELS = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR', 'DEBUG'];
const GROUPS = ['/aws/lambda/orders-api', '/aws/lambda/payments-worker', '/aws/lambda/auth-service', '/ecs/checkout', '/ecs/catalog', '/aws/apigateway/access', '/app/batch-jobs'];
/** 23:59:00 UTC: events run across midnight, so each batch writes to two daily indices. */
const START_MS = Date.UTC(2024, 11, 31, 23, 59, 0);

function phrase(r: Rand, n: number, words: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pick(r, words));
  return out.join(' ');
}

interface Style {
  words: readonly string[];
  secrets: number;
  longFactor: number;
}

function secret(r: Rand): string {
  switch (int(r, 0, 5)) {
    case 0: return `password=${alnum(r, 14)}`;
    case 1: return `Authorization: Bearer eyJ${alnum(r, 20)}.eyJ${alnum(r, 40)}.${alnum(r, 30)}`;
    case 2: return `aws_access_key_id=AKIA${alnum(r, 16, true)}`;
    case 3: return `api_key: ${alnum(r, 32)}`;
    case 4: return `db_secret='${alnum(r, 18)}'`;
    default: return `token=${alnum(r, 24)}`;
  }
}

function jsonApp(r: Rand, s: Style, ts: number, nested: boolean): string {
  const doc: Record<string, unknown> = {
    level: pick(r, LEVELS).toLowerCase(),
    time: new Date(ts).toISOString(),
    msg: phrase(r, int(r, 4, 10), s.words),
    service: pick(r, ['orders', 'payments', 'auth', 'catalog']),
    request_id: uuid(r),
    method: pick(r, METHODS),
    path: pick(r, PATHS),
    status: pick(r, [200, 200, 201, 204, 302, 400, 404, 500]),
    latency_ms: Math.round(r() * 200000) / 100,
  };
  if (r() < 0.4) doc.user_id = `u-${int(r, 1, 99999)}`;
  if (nested || r() < 0.3) doc.ctx = { region: pick(r, ['eu-west-1', 'us-east-1']), retry: r() < 0.2, tags: [pick(r, s.words), pick(r, s.words)], depth: { a: int(r, 0, 9), b: { c: pick(r, s.words) } } };
  if (r() < s.secrets) doc[pick(r, ['api_key', 'password', 'client_secret', 'session_token'])] = alnum(r, 24);
  if (s.longFactor > 1) doc.detail = phrase(r, 40 * s.longFactor, s.words);
  return JSON.stringify(doc);
}

function lambdaJson(r: Rand, s: Style, ts: number): string {
  const body: Record<string, unknown> = { event: pick(r, ['order.created', 'payment.captured', 'session.renewed', 'cart.updated']), id: int(r, 1, 1e7), customer: `c-${int(r, 1, 9999)}`, amount: Math.round(r() * 1e5) / 100 };
  if (r() < s.secrets) body.authorization = `Bearer ${alnum(r, 36)}`;
  if (s.longFactor > 1) body.items = Array.from({ length: 10 * s.longFactor }, () => ({ sku: alnum(r, 8), qty: int(r, 1, 5), note: phrase(r, 3, s.words) }));
  return `${new Date(ts).toISOString()}\t${uuid(r)}\t${pick(r, LEVELS)}\t${JSON.stringify(body)}\n`;
}

function kvAccess(r: Rand, s: Style, ts: number): string {
  let line = `ts=${new Date(ts).toISOString()} method=${pick(r, METHODS)} path=${pick(r, PATHS)} status=${pick(r, [200, 200, 204, 301, 404, 503])} bytes=${int(r, 0, 90000)} duration=${(r() * 2).toFixed(3)} ip=10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 0, 255)} ua="Mozilla/5.0 (X11; Linux x86_64) ${pick(r, ['Firefox/128.0', 'Chrome/126.0'])}" session=${hex(r, 16)} msg="${phrase(r, 3, s.words)}"`;
  if (r() < s.secrets) line += ` ${secret(r)}`;
  if (s.longFactor > 1) line += ` note="${phrase(r, 40 * s.longFactor, s.words)}"`;
  return line;
}

function braceText(r: Rand, s: Style, _ts: number): string {
  let t = pick(r, [
    () => `Processing batch {size: ${int(r, 1, 500)}, shard: ${int(r, 0, 63)}} for session ${hex(r, 12)}: ${phrase(r, 6, s.words)} after ${int(r, 1, 900)} ms`,
    () => `Template {user.name} could not be rendered for ${phrase(r, 3, s.words)}; falling back to default {greeting} (locale ${pick(r, ['en', 'fr', 'de'])})`,
    () => `Unexpected token } in JSON at position ${int(r, 0, 400)} while parsing ${phrase(r, 4, s.words)} from upstream ${pick(r, PATHS)}`,
    () => `map[{key:${alnum(r, 6)} value:${int(r, 0, 99)}} {key:${alnum(r, 6)} value:${int(r, 0, 99)}}] ${phrase(r, 8, s.words)}`,
  ])();
  if (r() < s.secrets) t += ` (${secret(r)})`;
  if (s.longFactor > 1) t += ` ${phrase(r, 50 * s.longFactor, s.words)}`;
  return t;
}

function platform(r: Rand, _s: Style, _ts: number): string {
  const id = uuid(r);
  switch (int(r, 0, 2)) {
    case 0: return `START RequestId: ${id} Version: $LATEST\n`;
    case 1: return `END RequestId: ${id}\n`;
    default: {
      const d = (r() * 3000).toFixed(2);
      const init = r() < 0.2 ? `\tInit Duration: ${(r() * 900).toFixed(2)} ms` : '';
      return `REPORT RequestId: ${id}\tDuration: ${d} ms\tBilled Duration: ${Math.ceil(Number(d))} ms\tMemory Size: 512 MB\tMax Memory Used: ${int(r, 60, 500)} MB${init}\t\n`;
    }
  }
}

function stackTrace(r: Rand, s: Style, ts: number): string {
  const frames = int(r, 3, 6) * s.longFactor;
  let t = `${new Date(ts).toISOString()}\t${uuid(r)}\tERROR\tInvoke Error \t${pick(r, ['TypeError', 'Error', 'RangeError'])}: ${phrase(r, 4, s.words)}`;
  for (let i = 0; i < frames; i++) t += `\n    at ${pick(r, ['handler', 'processRecord', 'Runtime.handleOnce', 'async Promise.all'])} (/var/task/${pick(r, ['index', 'lib/db', 'lib/http'])}.js:${int(r, 1, 900)}:${int(r, 1, 80)})`;
  return t;
}

type Maker = (r: Rand, s: Style, ts: number) => string;

/** Kind weights (%) per workload. */
function mixFor(name: WorkloadName): [number, Maker][] {
  const json: Maker = (r, s, ts) => jsonApp(r, s, ts, name === 'json');
  if (name === 'json') return [[90, json], [10, lambdaJson]];
  return [[35, json], [20, lambdaJson], [20, kvAccess], [10, braceText], [10, platform], [5, stackTrace]];
}

function styleFor(name: WorkloadName): Style {
  return {
    words: name === 'non-ascii' ? WORDS_NON_ASCII : WORDS,
    secrets: name === 'secrets' ? 0.5 : 0.01,
    longFactor: name === 'long' ? 8 : 1,
  };
}

/** The messages of one batch (deterministic per workload and batch number). */
export function messages(name: WorkloadName, batch: number, count: number): string[] {
  const r = rng(((WORKLOADS.indexOf(name) + 1) * 7919) ^ (batch * 104729));
  const s = styleFor(name);
  const kinds = mixFor(name);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let roll = r() * 100;
    let make = kinds[0]![1];
    for (const [w, m] of kinds) {
      if (roll < w) {
        make = m;
        break;
      }
      roll -= w;
    }
    let m = make(r, s, START_MS + i * 7);
    // Secrets-heavy: half of all messages carry a credential, whatever their kind.
    if (name === 'secrets' && r() < 0.5 && m.charCodeAt(0) !== 123) m = `${m.trimEnd()} ${secret(r)}`;
    out.push(m);
  }
  return out;
}

/** One Kinesis batch: `records` records of `perRecord` events, spread over the 7 log groups; timestamps cross midnight UTC. */
export function workloadBatch(name: WorkloadName, batch: number, records: number, perRecord: number): KinesisStreamEvent {
  const all = messages(name, batch, records * perRecord);
  const base = START_MS + batch * 1000;
  return kinesisEvent(Array.from({ length: records }, (_, rec) => {
    const group = GROUPS[rec % GROUPS.length]!;
    return cwlRecord(
      Array.from({ length: perRecord }, (_, e) => {
        const n = rec * perRecord + e;
        // Ids as CloudWatch Logs writes them: 56 decimal digits.
        return { id: `3${String(batch).padStart(6, '0')}${String(n).padStart(49, '0')}`, timestamp: base + n * 7, message: all[n]! };
      }),
      { logGroup: group, logStream: `2024/12/31/[$LATEST]${hex(rng(rec + batch), 32)}`, owner: '123456789012' },
    );
  }));
}
