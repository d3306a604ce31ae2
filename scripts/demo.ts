/**
 * `npm run demo`: the whole pipeline on this machine, no AWS account needed. Starts moto and a real
 * OpenSearch (downloaded once into .local/), sends sample CloudWatch Logs events through a subscription
 * filter, Kinesis, the local event source and the real shipper, shows progress, runs a search, prints a
 * few hits and the counts, and stops everything.
 */
import { account, summaryLine } from '../test/e2e/accounting';
import { openRun, startServices, type Services } from '../test/e2e/pipeline';
import { countDocs, search } from '../test/e2e/search';
import { generateWorkload } from '../test/e2e/workload';

const EVENTS = Number(process.env.DEMO_EVENTS ?? 3000);
const tty = process.stdout.isTTY;

let lastPlain = '';
let lastPlainAt = 0;
function progress(line: string): void {
  if (tty) return void process.stdout.write(`\r\x1b[2K${line}`);
  // Logs (CI, pipes): a line every 2 s at most, and only when something moved.
  if (line === lastPlain || Date.now() - lastPlainAt < 2000) return;
  lastPlain = line;
  lastPlainAt = Date.now();
  console.log(line);
}

function bar(done: number, total: number, width = 24): string {
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log('Starting moto and OpenSearch (the first run downloads OpenSearch, ~56 MB)...');
  let services: Services | undefined;
  try {
    services = await startServices((line) => console.log(`  ${line}`));
    console.log(`  moto ${services.moto.endpoint}, OpenSearch ${services.search.version} ${services.search.endpoint}, SigV4 proxy ${services.proxy.endpoint}`);

    const groups = ['/demo/api', '/demo/worker', '/demo/payments'];
    const workload = generateWorkload({ run: 'demo', events: EVENTS, groups, streamsPerGroup: 2 });
    const run = await openRun(services, {
      name: 'demo',
      groups,
      streamsPerGroup: 2,
      // The recommended setup (functions/shipper/README.md): typed @ fields (keyword, so the terms aggregations
      // below work on @log_group) and `fields` as flat_object.
      indexTemplate: 'recommended',
      ...(process.env.E2E_SHIPPER_MODULE ? { shipperModule: process.env.E2E_SHIPPER_MODULE } : {}),
    });
    console.log(`Sending ${EVENTS} sample events to ${groups.length} log groups (subscription filter → Kinesis ${run.streamName})`);

    const endpoint = services.search.endpoint;
    let putEvents = 0;
    let searchable = 0;
    const show = () =>
      progress(
        `  put ${bar(putEvents, EVENTS)} ${putEvents}/${EVENTS}   searchable ${bar(searchable, EVENTS)} ${searchable}/${EVENTS}   ` +
          `invocations ${run.source.stats.invocations}`,
      );
    const ticker = setInterval(() => {
      countDocs(endpoint, run.prefix)
        .then((n) => (searchable = n))
        .catch(() => undefined); // no index yet
      show();
    }, 250);
    await run.put(workload.batches, {
      onBatch: (done) => {
        putEvents = workload.batches.slice(0, done).reduce((n, b) => n + b.events.length, 0);
      },
    });
    putEvents = EVENTS;
    await run.source.waitUntilDrained({ quietMs: 1500 });
    await run.finish();
    searchable = await countDocs(endpoint, run.prefix);
    clearInterval(ticker);
    show();
    process.stdout.write('\n');

    const a = account({
      prefix: run.prefix,
      stream: await run.readStream(),
      docs: await run.docs(),
      deadLetters: await run.deadLetters(),
      putTimes: run.putTimes,
      firstSeen: run.firstSeen,
    });
    console.log(summaryLine('demo', EVENTS, a, Date.now() - started));

    console.log(`\nSearch: @message:error AND @log_group:"/demo/payments"  (POST ${run.prefix}-*/_search)`);
    const res = await search(endpoint, run.prefix, {
      size: 5,
      sort: [{ '@timestamp': 'desc' }],
      query: { bool: { must: [{ match: { '@message': 'error' } }, { match_phrase: { '@log_group': '/demo/payments' } }] } },
      aggs: {
        per_group: { terms: { field: '@log_group', size: 10 } },
        per_index: { terms: { field: '_index', size: 10 } },
      },
    });
    console.log(`  ${res.hits.total.value} hits; the newest ${res.hits.hits.length}:`);
    for (const h of res.hits.hits as { _index: string; _source: Record<string, string> }[]) {
      const msg = String(h._source['@message']).replace(/\s+/g, ' ');
      console.log(`  ${h._source['@timestamp']}  ${h._index}  ${h._source['@log_stream']}  ${msg.slice(0, 90)}${msg.length > 90 ? '…' : ''}`);
    }
    const all = await search(endpoint, run.prefix, {
      size: 0,
      aggs: { per_group: { terms: { field: '@log_group', size: 10 } }, per_index: { terms: { field: '_index', size: 10 } } },
    });
    console.log('\nCounts:');
    for (const b of all.aggregations.per_index.buckets as { key: string; doc_count: number }[]) console.log(`  index ${b.key.padEnd(28)} ${b.doc_count}`);
    for (const b of all.aggregations.per_group.buckets as { key: string; doc_count: number }[]) console.log(`  group ${b.key.padEnd(28)} ${b.doc_count}`);
    console.log(`  total searchable ${searchable} of ${EVENTS} sent; dead-lettered ${a.deadLetteredEvents}; duplicates ${a.duplicates}`);
    if (a.missing.length > 0 || a.duplicates > 0) process.exitCode = 1;
  } finally {
    console.log('\nStopping moto and OpenSearch.');
    await services?.stop();
  }
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
