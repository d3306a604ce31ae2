import aws4 from 'aws4';
import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { account, summaryLine, type Accounting } from './accounting';
import { TEST_AWS_ENV } from '../support/moto';
import { openRun, runBootstrap, runDesiredState, startServices, type IndexTemplateMode, type PipelineRun, type RunOptions, type Services } from './pipeline';
import { fieldType, listIndices } from './search';
import { generateWorkload, lastMidnightUtc, tokenOf, type PutBatch } from './workload';

/**
 * End to end on real services: moto CloudWatch Logs delivers put-log-events through a subscription
 * filter into moto Kinesis; the local event source mapping invokes the real shipper handler, which
 * writes through the SigV4-checking fault proxy into a real OpenSearch node. Each run accounts for
 * every event: indexed exactly once in the right daily index, or dead-lettered with a reason.
 */
const SHIPPER_MODULE = process.env.E2E_SHIPPER_MODULE; // lets the harness be tried against another handler

describe('e2e: CloudWatch Logs → Kinesis → shipper → OpenSearch', function () {
  this.timeout(600_000);
  let services: Services;
  const summaries: string[] = [];

  before(async () => {
    services = await startServices((line) => console.log(`      ${line}`));
    const t = services.search.timings;
    console.log(
      `      services up in ${services.timings.servicesMs} ms (OpenSearch ${services.search.version}: install ${t.installMs} ms` +
        `${t.downloaded ? ' incl. download' : ', cached'}, start ${t.firstStartMs} ms); function logs → ${services.functionLogs}`,
    );
  });
  after(async () => {
    for (const s of summaries) console.log(s);
    await services?.stop();
  });
  afterEach(() => {
    services.proxy.clearFaults();
    if (!services.search.isRunning()) return services.search.restartProcess().then(() => undefined);
    return undefined;
  });

  interface Outcome {
    run: PipelineRun;
    a: Accounting;
    eventsPut: number;
    wallMs: number;
    template: IndexTemplateMode;
  }

  async function execute(
    name: string,
    events: number,
    opts: {
      groups?: number;
      streamsPerGroup?: number;
      run?: Partial<RunOptions>;
      beforePut?: (run: PipelineRun) => Promise<void>;
      onBatch?: (done: number, total: number, run: PipelineRun) => void | Promise<void>;
      extraBatches?: PutBatch[];
    } = {},
  ): Promise<Outcome> {
    const groups = Array.from({ length: opts.groups ?? 4 }, (_, i) => `/e2e/${name}/app-${i}`);
    const streamsPerGroup = opts.streamsPerGroup ?? 3;
    const workload = generateWorkload({ run: name, events, groups, streamsPerGroup });
    const batches = [...workload.batches, ...(opts.extraBatches ?? [])];
    const eventsPut = batches.reduce((n, b) => n + b.events.length, 0);
    services.proxy.resetStats();
    const started = Date.now();
    const run = await openRun(services, {
      name,
      groups,
      streamsPerGroup,
      ...(SHIPPER_MODULE ? { shipperModule: SHIPPER_MODULE } : {}),
      ...opts.run,
    });
    await opts.beforePut?.(run);
    await run.put(batches, { onBatch: (done) => opts.onBatch?.(done, batches.length, run) });
    await run.source.waitUntilDrained({ quietMs: 2_000, timeoutMs: 420_000 });
    await run.finish();
    const wallMs = Date.now() - started;
    const a = account({
      prefix: run.prefix,
      stream: await run.readStream(),
      docs: await run.docs(),
      deadLetters: await run.deadLetters(),
      putTimes: run.putTimes,
      firstSeen: run.firstSeen,
    });
    const p = services.proxy.stats;
    const line = summaryLine(
      name,
      eventsPut,
      a,
      wallMs,
      `template=${opts.run?.indexTemplate ?? 'bootstrap'} bulk_requests=${p.bulkRequests} injected(429req=${p.wholeRequestFaults} item429=${p.itemFaults[429]} item400=${p.itemFaults[400]} dropped=${p.dropped + p.upstreamDown} answers_lost=${p.answersLost}) 409s=${p.conflicts} mapping_races=${p.mappingRaces} ` +
        `invocations=${run.source.stats.invocations} redelivered_batches=${run.source.stats.retries}`,
    );
    summaries.push(line);
    console.log(`      ${line}`);
    return { run, a, eventsPut, wallMs, template: opts.run?.indexTemplate ?? 'bootstrap' };
  }

  /** The invariant every run must keep. */
  function expectAllAccounted(o: Outcome): void {
    const { a, run } = o;
    expect(services.proxy.stats.unsignedRejected, `requests refused for their signature: ${services.proxy.signatureRejections.slice(0, 3).join('; ')}`).to.equal(0);
    expect(a.eventsInStream, 'events the subscription delivered into the stream').to.equal(o.eventsPut);
    expect(a.missing.map((e) => `${e.id} ${tokenOf(e.message)}`).slice(0, 10), 'events neither indexed nor dead-lettered').to.deep.equal([]);
    expect(a.duplicates, 'documents stored twice').to.equal(0);
    expect(a.indexedAndDeadLettered.slice(0, 10), 'events both indexed and dead-lettered').to.deep.equal([]);
    expect(a.wrong.slice(0, 10), 'documents whose fields or index disagree with their event').to.deep.equal([]);
    expect(a.poisonNotDeadLettered, 'undecodable records not dead-lettered').to.deep.equal([]);
    expect(a.deadLettersWithoutReason, 'dead letters without a reason').to.equal(0);
    expect(a.indexed + a.deadLetteredEvents, 'events in = indexed + dead-lettered').to.equal(o.eventsPut);
    expect(run.source.onFailureRecords, 'batches the event source gave up on').to.deep.equal([]);
    // With the bootstrap's template in place no first write can race another over a field's type: no item
    // needed the bulk client's mapping-race retry (OpenSearch answered none `mapper [x] cannot be changed from type`)
    if (o.template === 'bootstrap') expect(services.proxy.stats.mappingRaces, 'items answered with a dynamic-mapping race').to.equal(0);
  }

  it('the fault proxy forwards SigV4-signed requests and refuses unsigned or wrongly signed ones', async () => {
    // Given requests to the proxy: signed with the right key, unsigned, signed with a wrong secret, signed for another service
    const url = new URL(services.proxy.endpoint);
    const send = async (sign?: { secret: string; service: string }) => {
      const req = { host: url.host, path: '/', method: 'GET', service: sign?.service ?? 'es', region: TEST_AWS_ENV.AWS_REGION, headers: {} as Record<string, string> };
      if (sign) aws4.sign(req, { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: sign.secret });
      const res = await fetch(`${services.proxy.endpoint}/`, { headers: req.headers });
      return { status: res.status, body: await res.text() };
    };
    services.proxy.resetStats();
    // When they are sent
    const good = await send({ secret: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY, service: 'es' });
    const unsigned = await send();
    const wrongSecret = await send({ secret: 'not-the-secret', service: 'es' });
    const wrongService = await send({ secret: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY, service: 'aoss' });
    // Then only the correctly signed one reaches OpenSearch
    expect(good.status).to.equal(200);
    expect(JSON.parse(good.body).version.number).to.equal(services.search.version);
    expect([unsigned.status, wrongSecret.status, wrongService.status]).to.deep.equal([403, 403, 403]);
    expect(services.proxy.signatureRejections).to.deep.equal([
      'missing Authorization header',
      'signature does not match',
      'signed for service aoss, expected es',
    ]);
    expect(services.proxy.stats.forwarded).to.equal(1);
  });

  it('indexes 20,000 mixed events from 4 log groups × 3 streams exactly once, in the right daily index', async () => {
    // Given 20,000 events of mixed shapes, one log group straddling midnight UTC
    // When they are put through the whole pipeline with no faults
    const o = await execute('clean', 20_000);
    // Then every event is searchable exactly once with its documented fields, nothing is dead-lettered
    expectAllAccounted(o);
    expect(o.a.indexed, `indexed (dead-letter reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(20_000);
    expect(o.a.deadLetteredEvents, `dead-lettered (reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(0);
    // And the midnight group's events landed on both sides of the day boundary
    const midnight = lastMidnightUtc(Date.now());
    const day = (t: number) => new Date(t).toISOString().slice(0, 10).replace(/-/g, '.');
    const indices = await listIndices(services.search.endpoint, o.run.prefix);
    expect(indices).to.include.members([`${o.run.prefix}-${day(midnight - 1)}`, `${o.run.prefix}-${day(midnight)}`]);
    // And this was the default deployment: the bootstrap put the cwl template for the run's prefix in place
    // first, so both daily indices took its mapping (parsed JSON as one flat_object, typed `@` fields)
    expect(o.run.bootstrapReport?.items.find((i) => i.kind === 'index-template')).to.deep.include({ name: 'cwl' }).and.satisfy((i: { result: string }) => ['created', 'updated'].includes(i.result));
    for (const index of indices) {
      expect(await fieldType(services.search.endpoint, index, 'fields'), index).to.equal('flat_object');
      expect(await fieldType(services.search.endpoint, index, '@log_group'), index).to.equal('keyword');
    }
  });

  it('the deployed bootstrap converges: run again with the same state it changes nothing and says so', async () => {
    // Given the bootstrap's zip run as apply runs it (signed, through the proxy) for a fresh prefix
    services.proxy.resetStats();
    const first = await runBootstrap(services, runDesiredState('e2e-converge'));
    // When it runs a second time with the same desired state
    const second = await runBootstrap(services, runDesiredState('e2e-converge'));
    // Then the first wrote the template, the second wrote nothing and its summary says so
    expect(first.changed).to.equal(1);
    expect(second.items.find((i) => i.kind === 'index-template')).to.deep.equal({ kind: 'index-template', name: 'cwl', result: 'unchanged' });
    expect(second.changed).to.equal(0);
    expect(second.summary).to.match(/^no changes/);
    expect(services.proxy.stats.unsignedRejected).to.equal(0);
  });

  it('loses and duplicates nothing when OpenSearch is stopped mid-run and restarted', async () => {
    // Given a run whose OpenSearch process is really stopped after a third of the puts, for 12 s
    let outage: Promise<void> | undefined;
    let downMs = 0;
    const o = await execute('outage', 6_000, {
      onBatch: (done, total) => {
        if (done !== Math.floor(total / 3)) return;
        outage = (async () => {
          const t = Date.now();
          await services.search.stopProcess();
          await new Promise((r) => setTimeout(r, 12_000));
          await services.search.restartProcess();
          downMs = Date.now() - t;
        })();
      },
    });
    await outage;
    // Then after the restart every event is indexed exactly once
    console.log(`      OpenSearch was down for ${downMs} ms`);
    expect(downMs).to.be.greaterThan(12_000);
    expect(services.proxy.stats.upstreamDown).to.be.greaterThan(0);
    expectAllAccounted(o);
    expect(o.a.indexed, `indexed (dead-letter reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(6_000);
  });

  it('indexes everything exactly once while 30% of bulk requests are answered 429', async () => {
    // Given a proxy that throttles 30% of _bulk requests
    const o = await execute('throttled', 5_000, {
      beforePut: async () => services.proxy.setFaults({ wholeRequest: { status: 429, fraction: 0.3, bulkOnly: true } }),
    });
    // Then the throttling happened and still nothing is lost or doubled
    expect(services.proxy.stats.wholeRequestFaults).to.be.greaterThan(0);
    expectAllAccounted(o);
    expect(o.a.indexed, `indexed (dead-letter reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(5_000);
  });

  it('indexes everything exactly once on a flaky network: delays, dropped requests, and answers lost after the write', async () => {
    // Given 150 ms added latency, 10% of bulk connections dropped before forwarding and 15% dropped after
    // OpenSearch wrote the documents (the shipper cannot know they were written)
    const o = await execute('flaky-net', 4_000, {
      beforePut: async () => services.proxy.setFaults({ delayMs: 150, dropFraction: 0.1, dropAnswerFraction: 0.15 }),
    });
    // Then connections were really dropped, re-sent documents answered 409, and every event is stored once
    expect(services.proxy.stats.dropped).to.be.greaterThan(0);
    expect(services.proxy.stats.answersLost, 'answers lost after the write').to.be.greaterThan(0);
    expectAllAccounted(o);
    expect(o.a.indexed, `indexed (dead-letter reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(4_000);
    expect(services.proxy.stats.conflicts, 'documents written before a lost answer came back as 409').to.be.greaterThan(0);
  });

  it('retries per-item 429s and dead-letters per-item 400 mapping errors to S3 with the reason', async () => {
    // Given per-item faults: every 10th event 429 on its first two tries (retried inside the invocation); every
    // 1000th event 429 for 5 s, longer than the 3 s function timeout, so its record comes back through the event
    // source with its batch-mates; every 50th event a 400 mapping error
    const tries = new Map<string, number>();
    const stuckSince = new Map<string, number>();
    const expected400 = new Set<string>();
    const o = await execute('item-faults', 5_000, {
      run: { runner: { functionTimeoutMs: 3_000 } },
      beforePut: async () =>
        services.proxy.setFaults({
          item: (doc) => {
            const token = tokenOf(doc.source);
            const n = token ? Number(token.split('-').pop()) : -1;
            if (n < 0) return undefined;
            if (n % 50 === 7) {
              expected400.add(token!);
              return 400;
            }
            if (n % 1000 === 13) {
              if (!stuckSince.has(token!)) stuckSince.set(token!, Date.now());
              return Date.now() - stuckSince.get(token!)! < 5_000 ? 429 : undefined;
            }
            if (n % 10 === 3) {
              const t = (tries.get(token!) ?? 0) + 1;
              tries.set(token!, t);
              return t <= 2 ? 429 : undefined;
            }
            return undefined;
          },
        }),
    });
    // Then the 429'd items were indexed after redelivery (their batch-mates answered 409, not a second copy),
    // and exactly the 400'd ones are in the dead-letter bucket
    expectAllAccounted(o);
    expect(o.run.source.stats.partialFailures, 'partial batch responses').to.be.greaterThan(0);
    expect(o.a.deadLetteredEvents, `dead-lettered (reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(100);
    expect(o.a.indexed, `indexed (dead-letter reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(4_900);
    expect(services.proxy.stats.itemFaults[429]).to.be.at.least(2 * 495);
    expect(services.proxy.stats.conflicts, 'redelivered batch-mates answered 409').to.be.greaterThan(0);
    const dead = (await o.run.deadLetters()).map((d) => d.body).join('\n');
    expect(dead).to.contain('mapper_parsing_exception');
    for (const token of expected400) expect(dead).to.contain(token);
  });

  it('dead-letters poison records put straight into the stream, and an event that conflicts with its own mapping, and indexes everything else', async () => {
    // Given three records no subscription filter would write: random bytes, gzip'd text, gzip'd JSON of the wrong shape;
    // and one JSON event holding `"a.b": 1` next to `"a": {"b": "x"}`, which OpenSearch's dynamic mapping refuses on
    // every try with the same error a mapping race gives (`mapper [fields.a.b] cannot be changed from type …`)
    // This run has no template (a domain nobody prepared): with the bootstrap's flat_object `fields` that event
    // would simply be indexed; without it, it shows what dynamic mapping does with it.
    const selfConflict = JSON.stringify({ 'a.b': 1, a: { b: 'x' }, tok: 'tok=poison-999999' });
    const o = await execute('poison', 2_000, {
      run: { indexTemplate: 'none' },
      extraBatches: [{ group: '/e2e/poison/app-0', stream: 'stream-0', events: [{ token: 'tok=poison-999999', group: '/e2e/poison/app-0', stream: 'stream-0', timestamp: Date.now(), message: selfConflict }] }],
      beforePut: async (run) => {
        await run.putRaw(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]), 'poison-1');
        await run.putRaw(gzipSync('this is not json'), 'poison-2');
        await run.putRaw(gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: 'nope' })), 'poison-3');
      },
    });
    // Then each poison record is in the dead-letter bucket (by its data or sequence number) and all 2,000 events are indexed
    const stream = await o.run.readStream();
    expect(stream.undecodable).to.have.length(3);
    expectAllAccounted(o);
    expect(o.a.deadLetteredRecords).to.equal(3);
    expect(o.a.indexed, `indexed (dead-letter reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(2_000);
    // And the self-conflicting event is dead-lettered once with OpenSearch's reason, after one retry, not redelivered
    // until the event source gives up on its batch
    expect(o.a.deadLetteredEvents, `dead-lettered (reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(1);
    const dead = (await o.run.deadLetters()).map((d) => d.body).join('\n');
    expect(dead).to.contain('tok=poison-999999');
    expect(dead).to.match(/mapper \[fields\.a(\.b)?\] cannot be changed from type/);
    expect(o.run.source.stats.retries, 'batches redelivered').to.equal(0);
  });

  it('keeps an oversized event searchable (truncated with markers) or dead-letters it, never blocking the shard', async () => {
    // Given a shipper whose bulk requests are capped at 64 KiB and one 200 KB event among 500 others
    const big = `oversized tok=oversized-999999 ${'y'.repeat(200_000)}`;
    const o = await execute('oversized', 500, {
      groups: 1,
      streamsPerGroup: 1,
      run: { shipperEnv: { MAX_BULK_BYTES: String(64 * 1024) } },
      extraBatches: [{ group: '/e2e/oversized/app-0', stream: 'stream-0', events: [{ token: 'tok=oversized-999999', group: '/e2e/oversized/app-0', stream: 'stream-0', timestamp: Date.now(), message: big }] }],
    });
    // Then all 501 events are accounted for; the big one is stored truncated and says so
    expectAllAccounted(o);
    const docs = await o.run.docs();
    const stored = docs.find((d) => String(d.source['@message']).startsWith('oversized tok=oversized-999999'));
    if (stored) {
      expect(stored.source['@truncated']).to.equal(true);
      expect(stored.source['@original_bytes']).to.be.greaterThan(200_000);
      expect(Buffer.byteLength(JSON.stringify(stored.source))).to.be.lessThan(64 * 1024);
    } else {
      expect(o.a.deadLetteredEvents).to.equal(1);
    }
  });

  it('indexes events whose ids are decimal strings, as real CloudWatch Logs writes them, with the recommended index template', async () => {
    // Given the records' numeric moto ids turned into strings (the only change), as CloudWatch Logs has them,
    // into indices made from the template functions/shipper/README.md recommends
    const o = await execute('string-ids', 2_000, { run: { eventIds: 'as-real-cloudwatch', indexTemplate: 'recommended' } });
    // Then every event is indexed exactly once under its id
    expectAllAccounted(o);
    expect(o.a.indexed, `indexed (dead-letter reasons: ${JSON.stringify(o.a.deadLetterReasons)})`).to.equal(2_000);
    // And the indices took the template's mapping
    const [index] = await listIndices(services.search.endpoint, o.run.prefix);
    expect(await fieldType(services.search.endpoint, index!, 'fields')).to.equal('flat_object');
    expect(await fieldType(services.search.endpoint, index!, '@log_group')).to.equal('keyword');
  });
});
