/**
 * Seeded generators of hostile input for the fuzz suite: log messages, CloudWatch Logs Kinesis
 * records and load-balancer log files built to break encodings, nesting, sizes, control
 * characters, timestamps and ids. Deterministic from the seed, so a failure names its input.
 */
import { gzipSync } from 'node:zlib';
import type { KinesisStreamRecord } from 'aws-lambda';
import { albLine } from '../../fixtures/elb/generate';
import { ALB_2016, CLASSIC_2014, CLASSIC_HTTP, CLASSIC_TCP, CONN_12, NLB_V1, NLB_V2 } from '../../fixtures/elb/lines';
import { cwlPayload } from '../factories/cwl';
import { kinesisRecord } from '../factories/kinesis';
import { deepJsonMessage } from '../factories/messages';

export type Rng = () => number;

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const int = (rng: Rng, max: number): number => Math.floor(rng() * max);
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / Math.max(1, unit.length))).slice(0, n);

const SOUP = [
  'a', 'Z', '0', ' ', '  ', '\t', '"', "'", '\\', '\\"', '{', '}', '[', ']', ':', '=', ',', ';', '&', '%', '%E0%A4', '\u0000', '\u0001', '\u001b[31m',
  '\u007f', '\u00e9', '\u65e5\u672c', '\ud83d\ude00', '\ud800', '\udfff', '\uFFFD', '\u2028', '\u00a0', '\ufeff', 'token', 'password=', 'eyJ', 'AKIA',
  'bearer ', '__proto__', '_type', '@timestamp', '\n', '\r\n',
];

/** Size of a hostile text: mostly short, sometimes tens of KB, rarely near the 256 KB event maximum. */
function size(rng: Rng): number {
  const r = rng();
  return r < 0.8 ? int(rng, 400) : r < 0.97 ? int(rng, 64 * 1024) : 200 * 1024 + int(rng, 60 * 1024);
}

/** One hostile log message. */
export function hostileMessage(rng: Rng): string {
  switch (int(rng, 10)) {
    case 0: {
      let s = '';
      const n = int(rng, 60);
      for (let i = 0; i < n; i++) s += pick(rng, SOUP);
      return s;
    }
    case 1: // every masking rule's slow path
      return fill(pick(rng, ['token', 'password=', '"secret":"', 'eyJ-', 'eyJaaaa.', 'AKIA', 'bearer ', 'token="\\"', 'key = : ', '"token"']), size(rng));
    case 2: // nesting, one line (reused verbatim) or several (re-serialized)
      return deepJsonMessage(1 + int(rng, 5_000), fill('d', size(rng))).replace(/^\{"a":/, rng() < 0.3 ? '{\n"a":' : '{"a":');
    case 3:
      return `user=bob __proto__=x _type=doc @timestamp=now password="${fill('\\"', int(rng, 200))}" msg="${pick(rng, SOUP)}"`;
    case 4:
      return `2024-01-02T03:04:05.678Z\tabc-123\tINFO\t{"__proto__":{"polluted":true},"_id":"x","msg":${JSON.stringify(pick(rng, SOUP))}}`;
    case 5:
      return pick(rng, ['START RequestId: 8f5b0b6e-1f8a-4f5e-9a3f-2b1c0d9e8f7a Version: $LATEST', 'REPORT RequestId: 8f5b0b6e-1f8a\tDuration: 1e309 ms\tBilled Duration: NaN ms', 'END RequestId: ']);
    case 6:
      return fill(pick(rng, ['x', '\u00e9', '\ud83d\ude00', '\u0000']), size(rng));
    case 7:
      return '';
    case 8:
      return `{"level":"info","n":${pick(rng, ['1e400', '-0', '12345678901234567890', 'null', '[]', '{}'])},"deep":${'['.repeat(200)}${']'.repeat(200)}}`;
    default:
      return `GET /search?q=${pick(rng, SOUP)}&token=${fill('a', int(rng, 50))} 200 ${int(rng, 999)}ms`;
  }
}

export interface GeneratedRecord {
  record: KinesisStreamRecord;
  /** What the generator meant (the handler decides for itself; accounting does not trust this). */
  intent: 'data' | 'control' | 'poison' | 'invalid-utf8';
}

let idCounter = 0;

/** A batch of Kinesis records: data (ids unique, repeated with the same or other content, numeric), control, poison, invalid UTF-8. */
export function hostileBatch(rng: Rng, records: number): GeneratedRecord[] {
  const out: GeneratedRecord[] = [];
  const earlier: { id: string | number; timestamp: number; message: string }[] = [];
  for (let r = 0; r < records; r++) {
    const roll = rng();
    if (roll < 0.05) {
      out.push({ record: kinesisRecord(gzipSync(JSON.stringify(cwlPayload(1, { messageType: 'CONTROL_MESSAGE' }))).toString('base64')), intent: 'control' });
      continue;
    }
    if (roll < 0.15) {
      const data = pick(rng, [
        '!!!not base64!!!', Buffer.from('not gzip').toString('base64'), gzipSync('{"messageType":').toString('base64'),
        gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', owner: 'x', logGroup: 'g', logStream: 's', logEvents: [{ id: 'p', timestamp: -1, message: 'm' }] })).toString('base64'),
        gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', owner: 'x', logGroup: 'g', logStream: 's', logEvents: [{ timestamp: 1, message: 'no id' }] })).toString('base64'),
        gzipSync(JSON.stringify([1, 2, 3])).toString('base64'),
      ]);
      out.push({ record: kinesisRecord(data), intent: 'poison' });
      continue;
    }
    const events = [];
    const n = int(rng, 12);
    for (let e = 0; e < n; e++) {
      const reuse = earlier.length > 0 && rng() < 0.08;
      if (reuse) {
        const prev = pick(rng, earlier);
        events.push(rng() < 0.5 ? { ...prev } : { ...prev, message: `${prev.message} (other content)` });
        continue;
      }
      const id: string | number = rng() < 0.1 ? ++idCounter : `3${String(++idCounter).padStart(55, '0')}`;
      const timestamp = pick(rng, [Date.UTC(2024, 0, 2, 3, 4, 5, 678) + int(rng, 86_400_000 * 3), 0, 253_402_300_799_999, 1.5, Date.UTC(1999, 11, 31, 23, 59, 59, 999)]);
      const ev = { id, timestamp, message: hostileMessage(rng) };
      events.push(ev);
      earlier.push(ev);
    }
    const json = JSON.stringify(cwlPayload(events.map((ev) => ({ ...ev, id: ev.id as string })), { logGroup: pick(rng, ['/aws/lambda/orders', '/ecs/web', 'weird group ü']) }));
    let bytes = Buffer.from(json);
    let intent: GeneratedRecord['intent'] = 'data';
    if (rng() < 0.08 && n > 0) {
      // A byte that is not UTF-8 inside the first message (after its opening quote).
      const at = bytes.indexOf('"message":"') + 11;
      if (at > 11 && at < bytes.length - 2 && bytes[at] !== 0x22 && bytes[at] !== 0x5c) {
        bytes = Buffer.from(bytes);
        bytes[at] = 0xff;
        intent = 'invalid-utf8';
      }
    }
    out.push({ record: kinesisRecord(gzipSync(bytes).toString('base64')), intent });
  }
  return out;
}

const OTHER_LINES = [ALB_2016, CLASSIC_HTTP, CLASSIC_TCP, CLASSIC_2014, NLB_V1, NLB_V2, CONN_12, 'Enable AccessLog for ELB: my-lb at 2024-05-28T13:40:00.000Z'];

/** One hostile load-balancer log line (no CR or LF inside: the separators are chosen by the caller). */
export function hostileLine(rng: Rng, i: number): string {
  const base = rng() < 0.7 ? albLine(rng, i) : pick(rng, OTHER_LINES);
  const at = int(rng, base.length + 1);
  switch (int(rng, 12)) {
    case 0: return `${base}${pick(rng, [' ', ''])}${albLine(rng, i + 1)}`; // two records run together
    case 1: return base.slice(0, at); // cut short
    case 2: return `${base.slice(0, at)}${pick(rng, ['"', '\\', '\\"', '\u0000', '\t', '\u00e9', '\ud83d\ude00', '\\x', '\\xZZ'])}${base.slice(at)}`;
    case 3: return `${base.slice(0, at)}${fill(pick(rng, ['\\x41', '\\xC3\\xA9', '\\x00', '\\xFF']), 4 * int(rng, 3_000))}${base.slice(at)}`;
    case 4: return base.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/, pick(rng, ['2024-13-45T25:61:61', '2023-02-29T00:00:00', '0000-00-00T00:00:00', '9999-12-31T23:59:59']));
    case 5: return pick(rng, ['', ' ', '\t \t']);
    case 6: return `${base} ${fill('x ', 2 * int(rng, 60))}`; // unknown trailing fields
    case 7: return fill('a', 20_000 + int(rng, 10_000)); // longer than MAX_LINE_BYTES
    case 8: return base.replace(/"/g, '');
    default: return base;
  }
}

/** A file's bytes: lines joined by LF, CRLF or lone CR (each line its own choice), maybe a byte that is not UTF-8. */
export function hostileFile(rng: Rng, lines: number): { bytes: Buffer; lineCount: number } {
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    parts.push(hostileLine(rng, i));
    if (i < lines - 1 || rng() < 0.5) parts.push(pick(rng, ['\n', '\n', '\r\n', '\r']));
  }
  const text = parts.join('');
  let bytes = Buffer.from(text);
  if (rng() < 0.15 && bytes.length > 10) {
    bytes = Buffer.from(bytes);
    const at = int(rng, bytes.length);
    if (bytes[at] !== 10 && bytes[at] !== 13) bytes[at] = 0xff;
  }
  // Independent count of the lines: LF, CRLF and lone CR each end one; no line after a final terminator.
  const latin = bytes.toString('latin1');
  const split = latin.split(/\r\n|\r|\n/);
  if (split[split.length - 1] === '') split.pop();
  return { bytes, lineCount: split.length };
}
