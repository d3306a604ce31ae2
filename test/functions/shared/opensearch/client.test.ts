import { expect } from 'chai';
import { createBulkClient, type BulkClientConfig, type BulkItem } from '../../../../functions/shared/opensearch';
import { startBulkServer, type BulkServer } from '../../../support/bulk-server';
import { TEST_AWS_ENV } from '../../../support/moto';
import { deepJsonMessage } from '../../../factories/messages';

const creds = async () => ({ accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY });
const fastRetry = { baseDelayMs: 5, maxDelayMs: 40, minAttemptMs: 20 };

function items(n: number, opts: { index?: string; prefix?: string; pad?: number } = {}): BulkItem<number>[] {
  return Array.from({ length: n }, (_, i) => ({
    index: opts.index ?? 'cwl-2024.01.02',
    id: `${opts.prefix ?? 'id'}-${i}`,
    action: 'create' as const,
    source: JSON.stringify({ n: i, msg: 'x'.repeat(opts.pad ?? 20) }),
    ref: i,
  }));
}

describe('shared OpenSearch bulk client (against the local _bulk server)', () => {
  let server: BulkServer;
  const clients: { close(): void }[] = [];
  const client = (extra: Partial<BulkClientConfig> = {}) => {
    const c = createBulkClient({ endpoint: server.endpoint, service: 'es', region: 'eu-west-1', credentials: creds, retry: fastRetry, ...extra });
    clients.push(c);
    return c;
  };
  const soon = (ms = 5_000) => ({ deadlineMs: Date.now() + ms });

  before(async () => {
    server = await startBulkServer({ region: 'eu-west-1' });
  });
  afterEach(() => {
    server.clear();
    clients.splice(0).forEach((c) => c.close());
  });
  after(() => server.close());

  it('indexes every item with create, its id and index, on SigV4-signed requests', async () => {
    // Given three documents
    const batch = items(3);
    // When they are sent
    const out = await client().send(batch, soon());
    // Then all three are stored under their ids, in one request whose signature verifies for service es
    expect(out).to.include({ indexed: 3, duplicates: 0, requests: 1, retries: 0, truncated: 0 });
    expect(out.transientFailures).to.deep.equal([]);
    expect(out.permanentFailures).to.deep.equal([]);
    expect(server.documents().map((d) => [d.index, d.id, d.source.n])).to.deep.equal([
      ['cwl-2024.01.02', 'id-0', 0], ['cwl-2024.01.02', 'id-1', 1], ['cwl-2024.01.02', 'id-2', 2],
    ]);
    expect(server.requests[0]!.signature).to.deep.include({ ok: true, service: 'es', region: 'eu-west-1' });
    expect(out.bytesSent).to.equal(server.requests[0]!.wireBytes);
    expect(out.latenciesMs).to.have.length(1);
  });

  it('signs for aoss with x-amz-content-sha256 and a session token from the provider', async () => {
    // Given an aoss client whose credentials carry a session token
    const c = client({ service: 'aoss', credentials: async () => ({ ...(await creds()), sessionToken: 'tok-123' }) });
    // When it sends
    const out = await c.send([{ index: 'logs', action: 'index', source: '{"a":1}', ref: 0 }], soon());
    // Then the request carries the content hash and token, and verifies as an aoss signature
    expect(out.indexed).to.equal(1);
    const req = server.requests[0]!;
    expect(req.headers['x-amz-content-sha256']).to.match(/^[0-9a-f]{64}$/);
    expect(req.headers['x-amz-security-token']).to.equal('tok-123');
    expect(req.signature).to.deep.include({ ok: true, service: 'aoss' });
    expect(server.documents('logs')[0]!.id).to.match(/^auto-/);
  });

  it('reads credentials from the standard environment by default', async () => {
    // Given credentials only in process.env
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY });
    try {
      const c = createBulkClient({ endpoint: server.endpoint, service: 'es', region: 'eu-west-1' });
      clients.push(c);
      // When sending
      const out = await c.send(items(1), soon());
      // Then the server accepts the signature made with them
      expect(out.indexed).to.equal(1);
      expect(server.requests[0]!.signature?.ok).to.equal(true);
    } finally {
      process.env = saved;
    }
  });

  it('answers 403 to a bad signature and reports the items as transient without retrying', async () => {
    // Given a client signing with an unknown secret
    const c = client({ credentials: async () => ({ accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: 'wrong' }) });
    // When it sends
    const out = await c.send(items(2), soon());
    // Then nothing is indexed, both items are transient with the 403, after one request
    expect(out.indexed).to.equal(0);
    expect(out.requests).to.equal(1);
    expect(out.transientFailures.map((f) => [f.item.ref, f.status])).to.deep.equal([[0, 403], [1, 403]]);
    expect(out.transientFailures[0]!.error).to.contain('signature does not match');
  });

  it('caps each request body at maxBulkBytes', async () => {
    // Given 60 items of ~100 bytes and a 2 KiB cap
    const out = await client({ maxBulkBytes: 2048 }).send(items(60, { pad: 40 }), soon());
    // Then every item is indexed over several requests, none above the cap
    expect(out.indexed).to.equal(60);
    expect(out.requests).to.be.greaterThan(3);
    for (const r of server.requests) expect(r.bodyBytes).to.be.at.most(2048);
    expect(server.documents()).to.have.length(60);
  });

  it('counts a redelivered create as duplicate, not failure', async () => {
    // Given items already indexed
    const c = client();
    await c.send(items(4), soon());
    // When the same items are sent again
    const out = await c.send(items(4), soon());
    // Then all four are duplicates and nothing failed
    expect(out).to.include({ indexed: 0, duplicates: 4 });
    expect(out.transientFailures.length + out.permanentFailures.length).to.equal(0);
    expect(server.documents()).to.have.length(4);
  });

  it('retries only the items answered 429 until they pass', async () => {
    // Given one item rejected with 429 twice
    server.rejectItems(['id-3'], 429, 2);
    // When ten items are sent
    const out = await client().send(items(10), soon());
    // Then all are indexed; the two retries carried only that item
    expect(out).to.include({ indexed: 10, requests: 3, retries: 2 });
    expect(server.requests.map((r) => r.items)).to.deep.equal([10, 1, 1]);
  });

  it('reports items still throttled at the deadline as transient, with their refs', async () => {
    // Given two items throttled forever
    server.rejectItems(['id-1', 'id-4'], 429);
    const started = Date.now();
    // When sent with a 600 ms deadline
    const out = await client().send(items(6), { deadlineMs: started + 600 });
    // Then the others are indexed, those two are transient, and send returned by the deadline
    expect(out.indexed).to.equal(4);
    expect(out.transientFailures.map((f) => [f.item.ref, f.status])).to.deep.equal([[1, 429], [4, 429]]);
    expect(out.transientFailures[0]!.error).to.contain('es_rejected_execution_exception');
    expect(Date.now() - started).to.be.lessThan(800);
    expect(out.retries).to.be.greaterThan(0);
  });

  it('sends items rejected with 400 to permanent failures without retrying them', async () => {
    // Given a mapping error on one item
    server.rejectItems(['id-2'], 400, Infinity, 'failed to parse field [n] of type [date]');
    // When three items are sent
    const out = await client().send(items(3), soon());
    // Then that item is a permanent failure carrying the reason; one request only
    expect(out.indexed).to.equal(2);
    expect(out.requests).to.equal(1);
    expect(out.permanentFailures).to.have.length(1);
    expect(out.permanentFailures[0]).to.deep.include({ status: 400 });
    expect(out.permanentFailures[0]!.item.ref).to.equal(2);
    expect(out.permanentFailures[0]!.error).to.equal('mapper_parsing_exception: failed to parse field [n] of type [date]');
  });

  it('retries an item that lost a dynamic-mapping race (400 "cannot be changed from type")', async () => {
    // Given one item answered with the race error once, as OpenSearch does when two requests add a field with different types
    server.rejectItems(['id-1'], 400, 1, 'mapper [fields.n] cannot be changed from type [text] to [long]', 'illegal_argument_exception');
    // When sent
    const out = await client().send(items(3), soon());
    // Then it is indexed on the retry, not dead-lettered
    expect(out).to.include({ indexed: 3, retries: 1 });
    expect(out.permanentFailures).to.deep.equal([]);
  });

  it('dead-letters an item whose mapping conflict repeats on the retry: the document conflicts with itself, not with a race', async () => {
    // Given an item answered with the same "cannot be changed from type" error every time, as OpenSearch 2.19 answers
    // a document holding `"a.b": 1` and `"a": {"b": "x"}` (checked against the e2e node: same error on every retry)
    const reason = 'mapper [fields.a.b] cannot be changed from type [text] to [long]';
    server.rejectItems(['id-1'], 400, Infinity, reason, 'illegal_argument_exception');
    // When sent with a long deadline
    const started = Date.now();
    const out = await client().send(items(3), soon(10_000));
    // Then it is retried once (it might have been a race), then is a permanent failure carrying the reason, at once
    expect(out).to.include({ indexed: 2, retries: 1, requests: 2 });
    expect(out.transientFailures).to.deep.equal([]);
    expect(out.permanentFailures.map((f) => [f.item.ref, f.status, f.error])).to.deep.equal([[1, 400, `illegal_argument_exception: ${reason}`]]);
    expect(Date.now() - started).to.be.lessThan(2_000);
  });

  it('retries an item that loses mapping races on two different fields in a row', async () => {
    // Given an item that loses the race for fields.n, then for fields.m (two fields created at once by other requests)
    server.rejectItems(['id-0'], 400, 1, 'mapper [fields.n] cannot be changed from type [text] to [long]', 'illegal_argument_exception');
    server.rejectItems(['id-0'], 400, 1, 'mapper [fields.m] cannot be changed from type [long] to [text]', 'illegal_argument_exception');
    // When sent
    const out = await client().send(items(2), soon());
    // Then both were races: it is indexed on the third try
    expect(out).to.include({ indexed: 2, retries: 2 });
    expect(out.permanentFailures).to.deep.equal([]);
  });

  for (const status of [429, 503, 502, 504]) {
    it(`retries a whole request answered ${status}`, async () => {
      // Given the first request fails as a whole
      server.failRequests(status, 1);
      // When five items are sent
      const out = await client().send(items(5), soon());
      // Then the second attempt indexes them all
      expect(out).to.include({ indexed: 5, requests: 2, retries: 1 });
      expect(server.requests.map((r) => r.status)).to.deep.equal([status, 200]);
    });
  }

  it('splits a chunk answered 413 and retries the halves', async () => {
    // Given a cluster accepting at most 1 KiB per request, and a client capped at 8 KiB
    server.setMaxBodyBytes(1024);
    // When 30 items (~2.5 KiB) are sent
    const out = await client({ maxBulkBytes: 8192 }).send(items(30, { pad: 20 }), soon());
    // Then every item is indexed after splits, and accepted bodies are within the cluster's limit
    expect(out.indexed).to.equal(30);
    expect(out.retries).to.be.greaterThan(1);
    expect(server.requests.filter((r) => r.status === 413).length).to.be.greaterThan(0);
    for (const r of server.requests.filter((x) => x.status === 200)) expect(r.bodyBytes).to.be.at.most(1024);
    expect(server.documents()).to.have.length(30);
  });

  it('truncates a document larger than the cap, with a marker, instead of dropping it', async () => {
    // Given one 10 KiB document and a 4 KiB cap
    const big = { index: 'big', id: 'b1', action: 'create' as const, source: JSON.stringify({ '@message': 'y'.repeat(10_000), keep: 'me' }), ref: 'b' };
    // When it is sent
    const out = await client({ maxBulkBytes: 4096 }).send([big], soon());
    // Then it is indexed truncated, marked, with its short fields intact
    expect(out).to.include({ indexed: 1, truncated: 1 });
    const doc = server.documents('big')[0]!.source;
    expect(doc).to.include({ '@truncated': true, '@original_bytes': big.source.length, keep: 'me' });
    expect(String(doc['@message'])).to.match(/^y+…\[truncated\]$/);
    expect(server.requests[0]!.bodyBytes).to.be.at.most(4096);
  });

  it('truncates a single document further when the cluster answers 413 for it alone', async () => {
    // Given a 3 KiB document and a cluster limit of 2 KiB
    server.setMaxBodyBytes(2048);
    const doc = { index: 'big', id: 'b2', action: 'create' as const, source: JSON.stringify({ m: 'z'.repeat(3000) }), ref: 1 };
    // When it is sent
    const out = await client().send([doc], soon());
    // Then it is indexed after halving, with the marker
    expect(out).to.include({ indexed: 1, truncated: 1 });
    expect(server.documents('big')[0]!.source['@truncated']).to.equal(true);
  });

  it('truncates a 4,000-deep document answered 413 without a stack overflow', async () => {
    // Given a cluster limit of 64 KiB and a 120 KB document nested 4,000 deep
    server.setMaxBodyBytes(65_536);
    const doc = { index: 'deep', id: 'd1', action: 'create' as const, source: deepJsonMessage(4_000, 'q'.repeat(110_000)), ref: 1 };
    // When it is sent (the client's own cap is larger, so only the 413 makes it cut)
    const out = await client().send([doc], soon());
    // Then it is indexed cut down, with the markers, and nothing fails
    expect(out).to.include({ indexed: 1, truncated: 1 });
    expect(out.permanentFailures).to.deep.equal([]);
    expect(server.documents('deep')[0]!.source['@truncated']).to.equal(true);
  });

  it('retries after a connection reset', async () => {
    // Given the first connection is reset without an answer
    server.resetConnections(1);
    // When items are sent
    const out = await client().send(items(3), soon());
    // Then the retry indexes them
    expect(out).to.include({ indexed: 3, requests: 2, retries: 1 });
  });

  it('gives up on a slow answer at the deadline and reports the items transient', async () => {
    // Given answers delayed by 2 s
    server.delayResponses(2_000);
    const started = Date.now();
    // When sent with a 400 ms deadline
    const out = await client().send(items(2), { deadlineMs: started + 400 });
    // Then send returns near the deadline with both items transient (network/timeout)
    expect(Date.now() - started).to.be.within(300, 700);
    expect(out.indexed).to.equal(0);
    expect(out.transientFailures.map((f) => f.status)).to.deep.equal([0, 0]);
    expect(out.transientFailures[0]!.error).to.contain('no complete answer');
  });

  it('sends gzip bodies when asked, still signed', async () => {
    // Given a gzip client
    const out = await client({ gzip: true }).send(items(50, { pad: 100 }), soon());
    // Then the server saw a compressed, signed request and stored every document
    const req = server.requests[0]!;
    expect(req.headers['content-encoding']).to.equal('gzip');
    expect(req.wireBytes).to.be.lessThan(req.bodyBytes / 3);
    expect(req.signature?.ok).to.equal(true);
    expect(out.indexed).to.equal(50);
    expect(out.bytesSent).to.equal(req.wireBytes);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    // Given slow answers and many small chunks
    server.delayResponses(50);
    // When 40 items go out 1 KiB at a time with concurrency 2
    const out = await client({ concurrency: 2, maxBulkBytes: 1024 }).send(items(40, { pad: 60 }), soon());
    // Then everything is indexed and the server never saw more than two at once
    expect(out.indexed).to.equal(40);
    expect(out.requests).to.be.greaterThan(4);
    expect(server.peakInFlight()).to.equal(2);
  });

  it('streams items through open/add/finish, asking the producer to wait while requests are pending', async () => {
    // Given one request at a time, 2 KiB bodies and slow answers
    server.delayResponses(20);
    const c = client({ concurrency: 1, maxBulkBytes: 2048 });
    const session = c.open<number>(soon());
    // When 50 items are added, awaiting whenever add() asks to
    let waits = 0;
    for (const item of items(50, { pad: 60 })) {
      const wait = session.add(item);
      if (wait) {
        waits++;
        await wait;
      }
    }
    const out = await session.finish();
    // Then the producer was held back, and every document arrived intact
    expect(out.requests).to.be.greaterThan(2);
    expect(waits).to.equal(out.requests - 1);
    expect(out.indexed).to.equal(50);
    expect(server.documents().map((d) => d.source.n)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
  });

  it('takes items the caller writes into the body (addWritten) alongside add(), and sends one too large for a body truncated', async () => {
    // Given 2 KiB bodies sent one at a time (so they arrive in order) and a writer that writes an item's NDJSON bytes itself
    const c = client({ maxBulkBytes: 2048, concurrency: 1 });
    const session = c.open<number>(soon());
    const writer = (item: BulkItem<number>, maxBytes: number) => ({
      maxBytes,
      sourceStart: 0,
      write(buf: Buffer, at: number): number {
        const line = `{"create":{"_index":"${item.index}","_id":"${item.id}"}}\n`;
        this.sourceStart = at + buf.write(line, at);
        return this.sourceStart + buf.write(`${item.source}\n`, this.sourceStart);
      },
    });
    // When items alternate between add() and addWritten(), one written item being larger than a body
    const all = items(40, { pad: 60 });
    all[21] = { ...all[21]!, source: JSON.stringify({ n: 21, msg: 'y'.repeat(3000) }) };
    for (const item of all) {
      const wait = item.ref % 2 === 0 ? session.add(item) : session.addWritten!(item, writer(item, Buffer.byteLength(item.source) + 200));
      if (wait) await wait;
    }
    const out = await session.finish();
    // Then every item arrived in order, the large one truncated to fit, and each written item's id is its own
    expect(out.indexed).to.equal(40);
    expect(out.truncated).to.equal(1);
    expect(out.requests).to.be.greaterThan(2);
    const docs = server.documents();
    expect(docs.map((d) => d.source.n)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    expect(docs.map((d) => d.id)).to.deep.equal(all.map((i) => i.id));
    expect(JSON.stringify(docs[21]!.source).length).to.be.lessThan(2048);
  });

  it('keeps documents intact when full-size buffers are reused across sends', async () => {
    // Given a client with a small cap, used for two sends in a row
    const c = client({ maxBulkBytes: 4096 });
    const first = items(80, { prefix: 'a', pad: 100 });
    const second = items(80, { prefix: 'b', pad: 50 });
    // When both are sent
    await c.send(first, soon());
    await c.send(second, soon());
    // Then the server holds exactly the sources that were sent
    const stored = new Map(server.documents().map((d) => [d.id, JSON.stringify(d.source)]));
    for (const it of [...first, ...second]) expect(stored.get(it.id!)).to.equal(it.source);
  });

  it('addMany sends what add sends, non-ASCII included, and retries exactly the items that failed', async () => {
    // Given groups of items with accents, CJK and emoji (multi-byte UTF-8) and one item throttled once
    const mixed = items(60, { pad: 30 }).map((it, i) => ({ ...it, source: JSON.stringify({ n: i, msg: i % 3 === 0 ? `caf\u00e9 \u6ce8\u6587 \ud83d\ude00 ${i}` : `plain ${i}` }) }));
    server.rejectItems(['id-7', 'id-40'], 429, 1);
    // When they are added 10 at a time into 2 KiB bodies (some groups cross a body's end)
    const c = client({ maxBulkBytes: 2048 });
    const session = c.open<number>(soon());
    for (let i = 0; i < mixed.length; i += 10) {
      const wait = session.addMany(mixed.slice(i, i + 10));
      if (wait) await wait;
    }
    const out = await session.finish();
    // Then every document arrived once, intact, the throttled ones after a retry
    expect(out).to.include({ indexed: 60, truncated: 0 });
    expect(out.retries).to.be.greaterThan(0);
    const stored = new Map(server.documents().map((d) => [d.id, JSON.stringify(d.source)]));
    expect(stored.size).to.equal(60);
    for (const it of mixed) expect(stored.get(it.id!)).to.equal(it.source);
    // And the bodies were no larger than the cap
    for (const r of server.requests) expect(r.bodyBytes).to.be.at.most(2048);
  });

  it('addMany reports a failed item with its own source, after a multi-byte neighbour', async () => {
    // Given a non-ASCII item followed by one the cluster rejects
    server.rejectItems(['id-1'], 400, Infinity, 'bad');
    const batch = items(3).map((it, i) => (i === 0 ? { ...it, source: '{"msg":"\u00e9\u00e9\ud83d\ude00"}' } : it));
    // When added together
    const session = client().open<number>(soon());
    await session.addMany(batch);
    const out = await session.finish();
    // Then the failure carries exactly the rejected item's source
    expect(out.permanentFailures.map((f) => [f.item.id, f.item.source])).to.deep.equal([['id-1', batch[1]!.source]]);
    expect(out.indexed).to.equal(2);
  });

  it('indexInPath: one body per index, sent to /<index>/_bulk with action lines naming no _index; retries and 413 splits keep the path', async () => {
    // Given items of three indices, interleaved as a batch across midnight and two prefixes gives them
    const indices = ['cwl-2024.12.31', 'cwl-2025.01.01', 'lambda-2025.01.01'];
    const batch = items(90, { pad: 40 }).map((it, i) => ({ ...it, index: indices[i % 3]! }));
    server.rejectItems(['id-4', 'id-50'], 429, 1);
    server.setMaxBodyBytes(1500);
    // When they are added in groups (some holding one index, most several) into 4 KiB bodies
    const c = client({ indexInPath: true, maxBulkBytes: 4096 });
    const session = c.open<number>(soon());
    for (let i = 0; i < 30; i++) await session.add(batch[i]!);
    await session.addMany(batch.slice(30, 60).filter((it) => it.index === indices[1]));
    await session.addMany(batch.slice(30));
    const out = await session.finish();
    // Then every document is stored once in its own index
    expect(out.indexed + out.duplicates).to.equal(90 + 10);
    for (const index of indices) expect(server.documents(index).map((d) => d.id).sort()).to.deep.equal(batch.filter((it) => it.index === index).map((it) => it.id).sort());
    // And every request went to its index's path, its action lines without _index, and was signed
    expect(server.requests.length).to.be.greaterThan(3);
    for (const r of server.requests) {
      expect(r.url).to.match(/^\/(cwl-2024\.12\.31|cwl-2025\.01\.01|lambda-2025\.01\.01)\/_bulk$/);
      expect(r.signature?.ok).to.equal(true);
    }
    expect(out.retries).to.be.greaterThan(0);
  });

  it('indexInPath: action lines are 24 bytes shorter for a daily index, and the default stays as it was', async () => {
    // Given the same three documents sent both ways
    const sent = async (indexInPath: boolean): Promise<number> => {
      server.clear();
      await client({ indexInPath }).send(items(3), soon());
      expect(server.requests[0]!.url).to.equal(indexInPath ? '/cwl-2024.01.02/_bulk' : '/_bulk');
      return server.requests[0]!.bodyBytes;
    };
    // Then the path form saves `"_index":"cwl-2024.01.02",` on each of them
    expect((await sent(false)) - (await sent(true))).to.equal(3 * '"_index":"cwl-2024.01.02",'.length);
  });

  it('rejects a bad configuration naming the setting', () => {
    expect(() => createBulkClient({ endpoint: 'ftp://x', service: 'es', region: 'r' })).to.throw(/endpoint must be http/);
    expect(() => createBulkClient({ endpoint: 'http://x', service: 'sql' as 'es', region: 'r' })).to.throw(/service must be/);
    expect(() => createBulkClient({ endpoint: 'http://x', service: 'es', region: 'r', maxBulkBytes: 10 })).to.throw(/maxBulkBytes/);
  });
});
