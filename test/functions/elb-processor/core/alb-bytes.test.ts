import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { AlbByteRenderer } from '../../../../functions/elb-processor/core/alb-bytes';
import { DocumentBuilder, type FileContext } from '../../../../functions/elb-processor/core/documents';
import { parseLine } from '../../../../functions/elb-processor/core/parse';
import type { LineResult } from '../../../../functions/elb-processor/core/types';
import { indexObjectStream } from '../../../../functions/elb-processor/process-object';
import { actionLine } from '../../../../functions/shared/opensearch';
import type { BulkClient, BulkItem, BulkSession, ItemWriter } from '../../../../functions/shared/opensearch';
import { albLine, makeRng } from '../../../../fixtures/elb/generate';
import { ALB_2016, ALB_2020_UNQUOTED_LISTS, ALB_FULL_FIELDS, CLASSIC_HTTP, CONN_12, NLB_V2 } from '../../../../fixtures/elb/lines';
import { describeWithShared, ELB_CORPUS } from '../../../support/shared';

/**
 * The byte renderer (the fast path for common ALB lines) against the object path it must equal:
 * parseLine → DocumentBuilder.document → JSON.stringify. For every line the renderer accepts, the
 * bulk item it writes must be the object path's, byte for byte (so also the same JSON document);
 * every line the object path fails (dead-lettered with a reason) or does not read as ALB must be
 * declined, so that reason still comes from the object path.
 */
const ctx: FileContext = {
  bucket: 'logs', key: 'AWSLogs/1/elasticloadbalancing/eu-west-1/2024/05/28/x é.log.gz', revision: 'etag-1',
  indexPrefix: 'elb', keyType: 'alb', metadata: { environment: 'test', application: 'shop' },
};

interface Verdict {
  accepted: boolean;
  /** Action line + source + newline as the object path writes it, when it parses the line as a document. */
  expected?: string;
  written?: string;
}

function both(renderer: AlbByteRenderer, builder: DocumentBuilder, bytes: Buffer, lineNumber: number): Verdict {
  const r = parseLine(bytes.toString('utf8'));
  let expected: string | undefined;
  if (r.kind === 'doc') {
    const item = builder.document(r as Extract<LineResult, { kind: 'doc' }>, lineNumber);
    expected = `${actionLine(item)}${item.source}\n`;
  }
  // The line sits inside a larger buffer, as in a gunzipped chunk: reading past its end would show.
  const chunk = Buffer.concat([Buffer.from('x"\\ 2024-05-28T13:30:00Z\n'), bytes, Buffer.from('\n"\\\u00ff 2024-05-28T13:30:00Z')]);
  const from = chunk.indexOf(10) + 1;
  if (!renderer.accept(chunk, from, from + bytes.length, lineNumber)) return { accepted: false, expected };
  const out = Buffer.alloc(renderer.maxBytes + 64, 0xee);
  const end = renderer.write(out, 16);
  expect(end - 16, 'bytes written within maxBytes').to.be.at.most(renderer.maxBytes);
  expect(out[end], 'nothing written past the end').to.equal(0xee);
  const written = out.toString('utf8', 16, end);
  expect(renderer.sourceStart - 16).to.equal(Buffer.byteLength(written.slice(0, written.indexOf('\n') + 1)));
  return { accepted: true, expected, written };
}

/** Fields of an ALB line (spaces outside quotes; test helper for well-formed lines only). */
function fieldsOf(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === ' ' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Values that hit every branch: sentinels, number shapes, dates, endpoints, lists, escapes, bytes JSON must escape. */
const POOL = [
  '-', '"-"', '""', '-1', '"-1"', '0', '-0', '007', '0.000', '-0.000', '0.690', '00.50', '-0.5', '0.0000001', '0.000001', '0.0000010',
  '1.5', '12.345', '1.1', '0.1234567890123456', '1234567890.123456', '999999999999999', '9999999999999999', '1e3', '+5', '200.0', '5.', '.5',
  '-5', '- ', '2024-02-30T10:00:00Z', '2024-02-29T10:00:00.5', '2023-02-29T10:00:00Z', '2024-12-31T23:59:60Z', '2024-04-31T00:00:00Z',
  '2024-05-28T13:30:00.000335Z', '2024-05-28T13:30:00', '2024-05-28T13:30:00.Z', '2024-13-01T00:00:00Z', '2024-05-28 13:30:00',
  '"2024-05-28T13:30:00Z"', 'http', 'h2', 'wss', 'tls', '"tls 1"', 'ab"cd', '"a\\"b"', '"x\\x22y\\xEC\\x97\\x90"', '"café"', '"\u0001"',
  '"a\tb"', '"a\u007fb"', '[::1]:80', '[]:80', '[::1]:', '10.0.0.1:', '10.0.0.1:123456', '10.0.0.1:080', ':80', '::1:443', 'a:b:1',
  '"10.0.0.1:80 10.0.0.2:81"', '"200 -"', '"- -"', '"200 abc"', '"200  503"', '" 200"', '"-1 5"', '"200.0"', 'forward,redirect', ',,', '-,-',
  '"waf,,forward,-"', 'TID_abc', '"TID_x"', 'TID_', 'TI', '" shop.example.com "', '" - "', '"  "', '"GET /x"', '"GET"', '"- - - "',
  '"GET  http://x/ HTTP/1.1 "', '" GET /x HTTP/1.1"', '"   "', '"GET http://x/?a=1 b HTTP/2.0"', `"${'A'.repeat(300)}"`, 'x'.repeat(40),
];

/** Realistic lines, then mutations: a field replaced, fields added or removed, spacing and quoting changed, lines run together. */
function lines(count: number): Buffer[] {
  const rng = makeRng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const out: Buffer[] = [];
  const bases = [ALB_FULL_FIELDS.join(' '), ALB_2016, ALB_2020_UNQUOTED_LISTS];
  for (let i = 0; out.length < count; i++) {
    const base = i % 4 === 3 ? pick(bases) : albLine(rng, i);
    const f = fieldsOf(base);
    const roll = rng();
    if (roll < 0.15) {
      out.push(Buffer.from(f.join(' ')));
      continue;
    }
    const edits = 1 + Math.floor(rng() * 3);
    for (let k = 0; k < edits; k++) f[Math.floor(rng() * f.length)] = pick(POOL);
    if (rng() < 0.1) f.length = 14 + Math.floor(rng() * 20);
    if (rng() < 0.05) f.push(...Array.from({ length: 1 + Math.floor(rng() * 8) }, () => pick(POOL)));
    let line = f.join(rng() < 0.03 ? '  ' : ' ');
    if (rng() < 0.03) line += ' ';
    if (rng() < 0.02) line = line.replace('" ', '"');
    if (rng() < 0.02) line = `${line} ${albLine(rng, i)}`;
    const bytes = Buffer.from(line);
    if (rng() < 0.02) bytes[Math.floor(rng() * bytes.length)] = 0xff; // invalid UTF-8
    out.push(bytes);
  }
  // Other layouts and AWS's control text are never taken.
  for (const l of [CLASSIC_HTTP, NLB_V2, CONN_12, 'Enable AccessLog for ELB: my-elb at 2015-05-13T23:39:43.945958Z', '', '   ']) out.push(Buffer.from(l));
  return out;
}

describe('elb-processor: ALB lines rendered from bytes (fast path) equal the object path', () => {
  it('writes byte-identical items for every line it accepts, and declines every line the object path fails, on 24,000 generated and adversarial lines', () => {
    // Given realistic lines and mutated ones (sentinels, number shapes, impossible dates, quotes,
    // backslash escapes, control bytes, non-ASCII and invalid UTF-8, odd spacing, too few / too many fields)
    const builder = new DocumentBuilder(ctx);
    const renderer = new AlbByteRenderer(builder);
    const all = lines(24_000);
    let accepted = 0;
    let declinedDocs = 0;
    for (let n = 0; n < all.length; n++) {
      // When both paths render the line
      const v = both(renderer, builder, all[n]!, n + 1);
      const text = all[n]!.toString('utf8');
      if (!v.accepted) {
        if (v.expected !== undefined) declinedDocs++;
        continue;
      }
      accepted++;
      // Then an accepted line is a document for the object path too, written byte for byte alike
      expect(v.expected, `object path fails a line the fast path took: ${text}`).to.be.a('string');
      expect(v.written, text).to.equal(v.expected);
      const [wAction, wSource] = v.written!.split('\n');
      const [eAction, eSource] = v.expected!.split('\n');
      expect(JSON.parse(wAction!)).to.deep.equal(JSON.parse(eAction!));
      expect(JSON.parse(wSource!)).to.deep.equal(JSON.parse(eSource!));
    }
    // And both outcomes are exercised in bulk: most lines are taken, and many documents still go the object path
    expect(accepted).to.be.greaterThan(8_000);
    expect(declinedDocs).to.be.greaterThan(1_000);
  });

  it('takes nearly every realistic ALB line (the generator escapes one user agent in 50)', () => {
    const builder = new DocumentBuilder(ctx);
    const renderer = new AlbByteRenderer(builder);
    const rng = makeRng(11);
    let accepted = 0;
    for (let i = 0; i < 2_000; i++) {
      const bytes = Buffer.from(albLine(rng, i));
      if (renderer.accept(bytes, 0, bytes.length, i + 1)) accepted++;
    }
    expect(accepted).to.be.greaterThan(1_900);
  });

  describeWithShared('on the shared conformance corpus', ELB_CORPUS, () => {
    it('equals the object path on every corpus line it accepts, and declines the others (with and without metadata)', () => {
      // Given every line of the corpus' .log files, and files with and without metadata fields
      const corpus = readdirSync(ELB_CORPUS).filter((f) => f.endsWith('.log'))
        .flatMap((f) => readFileSync(resolve(ELB_CORPUS, f), 'utf8').split('\n'));
      for (const file of [ctx, { ...ctx, indexPrefix: 'logs.elb_x', metadata: {} }]) {
        const builder = new DocumentBuilder(file);
        const renderer = new AlbByteRenderer(builder);
        let accepted = 0;
        corpus.forEach((line, n) => {
          // When both paths render it
          const v = both(renderer, builder, Buffer.from(line), 1_000_000 * n + 7);
          // Then an accepted line is written exactly as the object path writes it
          if (v.accepted) {
            accepted++;
            expect(v.written, line).to.equal(v.expected);
          }
        });
        expect(accepted).to.be.greaterThan(40);
      }
    });
  });
});

/** A bulk client that records each body's bytes, with or without `addWritten` (the object path only). */
function recordingClient(withWriter: boolean): { client: Pick<BulkClient, 'open'>; body: () => string } {
  const parts: Buffer[] = [];
  const client: Pick<BulkClient, 'open'> = {
    open<R>(): BulkSession<R> {
      const session: BulkSession<R> = {
        add(item: BulkItem<R>) {
          parts.push(Buffer.from(`${actionLine(item)}${item.source}\n`));
          return undefined;
        },
        addMany(items: readonly BulkItem<R>[]) {
          for (const item of items) parts.push(Buffer.from(`${actionLine(item)}${item.source}\n`));
          return undefined;
        },
        finish: async () => ({ indexed: 0, duplicates: 0, transientFailures: [], permanentFailures: [], truncated: 0, requests: 0, retries: 0, bytesSent: 0, latenciesMs: [] }),
      };
      if (withWriter) {
        session.addWritten = (_item, writer: ItemWriter) => {
          const buf = Buffer.alloc(writer.maxBytes);
          parts.push(buf.subarray(0, writer.write(buf, 0)));
          return undefined;
        };
      }
      return session;
    },
  };
  return { client, body: () => Buffer.concat(parts).toString('utf8') };
}

describe('elb-processor: a whole file with and without the byte path', () => {
  it('sends the same bulk bytes and counts the same lines, failures, blanks and invalid UTF-8', async () => {
    // Given a gzip file mixing realistic and adversarial lines, blank and control lines, CRLF and a too-long line
    const body = Buffer.concat(lines(3_000).flatMap((l, i) => [l, Buffer.from(i % 7 === 0 ? '\r\n' : '\n')]).concat([Buffer.from(`\n${'x'.repeat(5000)}\n`)]));
    const gz = gzipSync(body);
    const run = async (withWriter: boolean) => {
      const rec = recordingClient(withWriter);
      const outcome = await indexObjectStream(
        Readable.from([gz.subarray(0, 1000), gz.subarray(1000)]),
        { bucket: ctx.bucket, key: ctx.key, revision: ctx.revision, keyType: 'alb', gzip: true },
        { indexPrefix: 'elb', metadata: ctx.metadata, maxLineBytes: 4096 },
        rec.client,
        Date.now() + 60_000,
      );
      return { counts: outcome.counts, body: rec.body() };
    };
    // When the file is processed with the byte path and without it
    const fast = await run(true);
    const slow = await run(false);
    // Then the request bytes are identical, except the failed-line documents' processing time
    const stamp = (s: string) => s.replace(/"@timestamp":"\d{4}-[^"]*","log_type":"(\w+[-\w]*)","reason"/g, '"@timestamp":"T","log_type":"$1","reason"');
    expect(stamp(fast.body)).to.equal(stamp(slow.body));
    expect(fast.counts).to.deep.equal(slow.counts);
    expect(fast.counts.failed).to.be.greaterThan(100);
    expect(fast.counts.invalidUtf8Lines).to.be.greaterThan(10);
  });
});
