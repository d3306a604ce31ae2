import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { scanPayload, type ScannedPayload } from '../../../functions/shared/cwl-scan';
import { emptyCounts, transformRecord, type TransformOptions } from '../../../functions/shipper/core/batch';
import { createIndexNamer } from '../../../functions/shipper/core/index-name';
import { createMasker } from '../../../functions/shipper/core/mask';
import type { BulkItem } from '../../../functions/shared/opensearch';
import { cwlPayload, type CwlPayload } from '../../factories/cwl';
import { rng } from '../../../bench/workloads';

/** What the scanner must agree with: JSON.parse's messages, and JSON.stringify's escaping wherever it hands one out. */
function expectAgrees(text: string, p: ScannedPayload | undefined): void {
  const parsed = JSON.parse(text) as CwlPayload;
  expect(p, 'scanned').to.not.equal(undefined);
  expect([p!.owner, p!.logGroup, p!.logStream]).to.deep.equal([parsed.owner, parsed.logGroup, parsed.logStream]);
  expect(p!.ids).to.deep.equal(parsed.logEvents.map((e) => e.id));
  expect(p!.timestamps).to.deep.equal(parsed.logEvents.map((e) => e.timestamp));
  expect(p!.messages).to.deep.equal(parsed.logEvents.map((e) => e.message));
  p!.raws.forEach((raw, i) => {
    if (raw !== undefined) expect(`"${raw}"`).to.equal(JSON.stringify(parsed.logEvents[i]!.message));
  });
}

const compact = (messages: string[]): string => JSON.stringify(cwlPayload(messages));
const HEAD = '{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/x","logStream":"s","subscriptionFilters":["f"],"logEvents":[';
/** A payload text with the events' JSON written by hand (escapes as given). */
const handWritten = (...events: string[]): string => `${HEAD}${events.join(',')}]}`;
const ev = (id: string, messageJson: string): string => `{"id":"${id}","timestamp":1704164645678,"message":${messageJson}}`;

describe('shared: CloudWatch Logs payload scanner', () => {
  it('reads the compact form as JSON.parse does and hands out the escaped text of each message', () => {
    // Given messages with the escapes JSON.stringify writes, JSON messages, non-ASCII and emoji
    const messages = ['plain', 'say "hi"', 'back\\slash', 'tab\there\nnew line\r\b\f', '\u0001\u001f control', '{"level":"info","msg":"a \\"quoted\\" word"}', 'caf\u00e9 \u6ce8\u6587 \ud83d\ude00', '', '\\', '"', 'ends with backslash \\\\'];
    const text = compact(messages);
    // When scanned
    const p = scanPayload(text);
    // Then every message equals JSON.parse's, and every one has its escaped text but the one with \u escapes for controls
    expectAgrees(text, p);
    expect(p!.raws.map((r) => r === undefined)).to.deep.equal(messages.map((m) => m.includes('\u0001')));
    expect(p!.raws[1]).to.equal('say \\"hi\\"');
    expect(p!.raws[0]).to.equal('plain');
  });

  it('decodes \\u escapes, surrogate pairs, lone surrogates and \\/ as JSON.parse does, without an escaped text for them', () => {
    // Given escapes JSON.stringify would not write as such
    const text = handWritten(ev('1', '"caf\\u00e9"'), ev('2', '"\\ud83d\\ude00 smile"'), ev('3', '"lone \\ud800 high"'), ev('4', '"a\\/b"'), ev('5', '"x\\u0041y"'), ev('6', '"fine \\"here\\""'));
    // When scanned
    const p = scanPayload(text);
    // Then the messages are JSON.parse's (the lone surrogate kept as one) and only the canonical one has an escaped text
    expectAgrees(text, p);
    expect(p!.messages).to.deep.equal(['caf\u00e9', '\ud83d\ude00 smile', 'lone \ud800 high', 'a/b', 'xAy', 'fine "here"']);
    expect(p!.raws).to.deep.equal([undefined, undefined, undefined, undefined, undefined, 'fine \\"here\\"']);
  });

  it('hands back nothing (so the caller parses with JSON.parse) for any other form or malformed text', () => {
    const ok = handWritten(ev('1', '"m"'));
    expect(scanPayload(ok)).to.not.equal(undefined);
    const refused: Record<string, string> = {
      'pretty-printed': JSON.stringify(cwlPayload(['m']), null, 1),
      'other key order': ok.replace('"owner":"123456789012","logGroup":"/aws/lambda/x"', '"logGroup":"/aws/lambda/x","owner":"123456789012"'),
      'numeric id': handWritten('{"id":42,"timestamp":1,"message":"m"}'),
      'empty id': handWritten(ev('', '"m"')),
      'extra event key': handWritten('{"id":"1","timestamp":1,"message":"m","extractedFields":{}}'),
      'extra payload key': ok.replace(/\]\}$/, '],"policyLevel":"x"}'),
      'trailing text': `${ok} `,
      'truncated': ok.slice(0, -3),
      'unterminated message': handWritten('{"id":"1","timestamp":1,"message":"m\\"}'),
      'bad escape': handWritten(ev('1', '"a\\xb"')),
      'short \\u escape': handWritten(ev('1', '"a\\u12"')),
      'raw control character': handWritten(ev('1', '"a\tb"')),
      'float timestamp': handWritten('{"id":"1","timestamp":1.5,"message":"m"}'),
      'negative timestamp': handWritten('{"id":"1","timestamp":-1,"message":"m"}'),
      'leading zero': handWritten('{"id":"1","timestamp":01,"message":"m"}'),
      'exponent': handWritten('{"id":"1","timestamp":1e3,"message":"m"}'),
      'year 10000': handWritten('{"id":"1","timestamp":253402300800000,"message":"m"}'),
      'non-string message': handWritten('{"id":"1","timestamp":1,"message":7}'),
      'empty owner': ok.replace('"owner":"123456789012"', '"owner":""'),
      'control message': JSON.stringify(cwlPayload(1, { messageType: 'CONTROL_MESSAGE' })),
      'lone surrogate in the text itself': handWritten(ev('1', '"a\ud800b"')),
      'not JSON': 'plain text',
    };
    for (const [what, text] of Object.entries(refused)) expect(scanPayload(text), what).to.equal(undefined);
  });

  it('reads an empty event list and several subscription filters', () => {
    const empty = { ...cwlPayload([]), subscriptionFilters: ['a', 'b "c"'] };
    expectAgrees(JSON.stringify(empty), scanPayload(JSON.stringify(empty)));
    expect(scanPayload(JSON.stringify({ ...cwlPayload(['m']), subscriptionFilters: [] }))?.messages).to.deep.equal(['m']);
  });

  it('reads huge messages and long runs of backslashes and quotes exactly', () => {
    // Given a 1 MiB message, and messages made of thousands of backslashes and quotes
    const huge = 'x'.repeat(2 ** 20);
    const text = compact([huge, '\\'.repeat(5001), '"'.repeat(3000), '\\"'.repeat(2000), `${'\\'.repeat(999)}"`]);
    // When scanned
    const p = scanPayload(text);
    // Then each is exact
    expectAgrees(text, p);
    expect(p!.messages[0]!.length).to.equal(2 ** 20);
  });

  it('agrees with JSON.parse and JSON.stringify on 3,000 random messages drawn from the awkward characters', () => {
    // Given random messages over quotes, backslashes, controls, surrogate halves, non-ASCII and JSON-ish text
    const r = rng(13);
    const alphabet = ['"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u2028', '\ud83d', '\ude00', '\ud83d\ude00', '\u00e9', 'u', '/', '{', '}', ':', 'a', ' ', '0'];
    const messages: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let m = '';
      const n = Math.floor(r() * 40);
      for (let k = 0; k < n; k++) m += alphabet[Math.floor(r() * alphabet.length)];
      messages.push(m);
    }
    // When each payload of 50 is scanned (JSON.stringify writes lone surrogates as \u escapes: no escaped text for those)
    for (let i = 0; i < messages.length; i += 50) {
      const text = compact(messages.slice(i, i + 50));
      // Then the scanner agrees with JSON.parse
      expectAgrees(text, scanPayload(text));
    }
  });
});

describe('shipper core: scanned payloads give the same documents as parsed ones', () => {
  const options = (): TransformOptions => ({ namer: createIndexNamer('cwl', []), masker: createMasker(), placement: { mode: 'nested', field: 'fields' }, idMode: 'create-with-id' });
  const record = (text: string): string => gzipSync(Buffer.from(text)).toString('base64');
  const transform = (text: string): { items: BulkItem<number>[]; counts: ReturnType<typeof emptyCounts> } => {
    const items: BulkItem<number>[] = [];
    const counts = emptyCounts(1);
    const o = options();
    expect(transformRecord(record(text), 0, o, counts, items)).to.equal(undefined);
    counts.masked = o.masker.count;
    return { items, counts };
  };

  it('renders byte for byte what the JSON.parse path renders, masked messages and odd escapes included', () => {
    // Given messages of every kind (JSON, Lambda, key=value, secrets to mask, escapes, non-ASCII)
    const messages = [
      '{"level":"info","msg":"order \\"42\\" done","n":1}',
      '2024-01-02T03:04:05.678Z\t6f1c0000-9a2b-4c3d-8e4f-000000000000\tINFO\t{"event":"x","amount":1.5}\n',
      'method=GET path=/a status=200 ua="Mozilla \\"5\\""',
      'login password=hunter2 ok',
      '{"api_key":"abcdef0123456789","user":"bob"}',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig',
      'stack\n  at a (x.js:1)\n  at b (y.js:2)',
      'caf\u00e9 \ud83d\ude00 tab\t',
      'REPORT RequestId: 6f1c0000-9a2b-4c3d-8e4f-000000000000\tDuration: 1.5 ms\tBilled Duration: 2 ms',
    ];
    const text = compact(messages);
    // And the same payload in a form the scanner refuses (pretty-printed: JSON.parse reads it)
    const pretty = JSON.stringify(JSON.parse(text), null, 2);
    expect(scanPayload(text)).to.not.equal(undefined);
    expect(scanPayload(pretty)).to.equal(undefined);
    // When both are transformed
    const a = transform(text);
    const b = transform(pretty);
    // Then the items are identical, and so are the counters (sizes aside: the texts differ in length)
    expect(a.items).to.deep.equal(b.items);
    expect({ ...a.counts, bytesIn: 0, compressedBytes: 0 }).to.deep.equal({ ...b.counts, bytesIn: 0, compressedBytes: 0 });
    expect(a.counts.masked).to.equal(4);
    expect(a.items[0]!.source).to.contain('"@message":"{\\"level\\":\\"info\\",\\"msg\\":\\"order \\\\\\"42\\\\\\" done\\",\\"n\\":1}"');
  });

  it('renders \\u-escaped and lone-surrogate messages as JSON.stringify does', () => {
    // Given a payload written by hand with \u escapes and a lone surrogate
    const text = handWritten(ev('1', '"caf\\u00e9"'), ev('2', '"lone \\udc00"'), ev('3', '"pair \\ud83d\\ude00"'));
    // When transformed
    const { items } = transform(text);
    // Then @message is JSON.stringify's: the accent and the pair as characters, the lone half escaped
    expect(items.map((i) => (JSON.parse(i.source) as { '@message': string })['@message'])).to.deep.equal(['caf\u00e9', 'lone \udc00', 'pair \ud83d\ude00']);
    expect(items[0]!.source).to.contain('"@message":"caf\u00e9"');
    expect(items[1]!.source).to.contain('"@message":"lone \\udc00"');
  });
});
