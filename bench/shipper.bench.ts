/**
 * Shipper benchmarks (alone: `npx tsx bench/shipper.bench.ts`; `npm run bench` runs it too).
 *
 * Input: deterministic Kinesis batches of 200 records × 100 CloudWatch Logs events, mixed
 * messages (JSON, Lambda runtime format, key=value, plain text, stack traces; ~200 bytes each;
 * test/factories/messages.ts), 7 log groups, index rule `/aws/lambda/*` → `lambda`.
 *
 * 1. Core: decode (base64, gunzip, JSON, shape) → mask → extract → render documents → index
 *    names, record by record as the handler does, in events and MB (uncompressed subscription
 *    JSON) per CPU-second of this process (user + system, GC threads included). The core is
 *    bundled by esbuild like the function (under tsx every cross-module call pays a getter).
 * 2. Whole handler, as deployed: functions/shipper/index.ts bundled by esbuild the way
 *    modules/common/function-bundle.ts does it (minified CJS, node20), configured from the
 *    environment, signing with SigV4, writing its EMF line per invocation, against a fast local
 *    `_bulk` endpoint in a child process answering success like OpenSearch (per-item results).
 *    The handler runs in its own process for its own peak RSS; CPU-seconds are that process's only.
 *    (Correctness against the SigV4-checking test server is the tests' job.)
 *
 * Rates are medians of per-batch / per-invocation CPU measurements (other processes on a shared
 * machine make single runs jumpy); the overall figure is printed too.
 *
 * Options: SHIPPER_BENCH_INVOCATIONS=20 SHIPPER_BENCH_CORE_SECONDS=5
 */
import { mkdirSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { resolve } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { BulkItem } from '../functions/shared/opensearch';
import { emptyCounts, transformRecord, type TransformOptions } from '../functions/shipper/core/batch';
import { createIndexNamer } from '../functions/shipper/core/index-name';
import { createMasker } from '../functions/shipper/core/mask';
import type { ShipperHandler } from '../functions/shipper/handler';
import { cwlRecord, kinesisEvent } from '../test/factories/kinesis';
import { lambdaContext } from '../test/factories/lambda-context';
import { mixedMessage } from '../test/factories/messages';
import { TEST_AWS_ENV } from '../test/support/moto';
import { cpuSeconds, fastBulkEndpoint, machine, median, serveUntilTerminated, spawnChild } from './support';

const RECORDS = 200;
const EVENTS_PER_RECORD = 100;
const TSX = resolve(__dirname, '..', 'node_modules', '.bin', 'tsx');
const RULES = [{ logGroupPattern: '/aws/lambda/*', indexPrefix: 'lambda' }];

/** Batch `n` of the deterministic input (each batch has its own event ids and messages). */
function batch(n: number): KinesisStreamEvent {
  const base = n * RECORDS * EVENTS_PER_RECORD;
  return kinesisEvent(Array.from({ length: RECORDS }, (_, r) =>
    cwlRecord(
      Array.from({ length: EVENTS_PER_RECORD }, (_, e) => mixedMessage(base + r * EVENTS_PER_RECORD + e)),
      { logGroup: r % 7 === 6 ? '/ecs/checkout' : `/aws/lambda/fn-${r % 7}`, logStream: `2024/01/02/[$LATEST]${String(r).padStart(32, '0')}` },
    ),
  ));
}

function describe(event: KinesisStreamEvent): { events: number; bytes: number; compressed: number } {
  const counts = emptyCounts(event.Records.length);
  const options = transformOptions();
  const items: BulkItem<number>[] = [];
  event.Records.forEach((r, i) => transformRecord(r.kinesis.data, i, options, counts, items));
  return { events: counts.events, bytes: counts.bytesIn, compressed: counts.compressedBytes };
}

function transformOptions(): TransformOptions {
  return { namer: createIndexNamer('cwl', RULES), masker: createMasker(), placement: { mode: 'nested', field: 'fields' }, idMode: 'create-with-id' };
}

function core(seconds: number): void {
  const events2 = [batch(0), batch(1)];
  const input = describe(events2[0]!);
  const api = coreBundle();
  const options: TransformOptions = { namer: api.createIndexNamer('cwl', RULES), masker: api.createMasker(), placement: { mode: 'nested', field: 'fields' }, idMode: 'create-with-id' };
  const items: BulkItem<number>[] = [];
  const pass = (event: KinesisStreamEvent): number => {
    const counts = api.emptyCounts(event.Records.length);
    for (let r = 0; r < event.Records.length; r++) {
      items.length = 0;
      api.transformRecord(event.Records[r]!.kinesis.data, r, options, counts, items);
    }
    return counts.events;
  };
  const warm = Date.now();
  while (Date.now() - warm < 1000) pass(events2[0]!);
  let n = 0;
  let passes = 0;
  const rates: number[] = [];
  const cpu = process.cpuUsage();
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    const one = process.cpuUsage();
    const events = pass(events2[passes++ % 2]!);
    rates.push(events / cpuSeconds(one));
    n += events;
  }
  const c = cpuSeconds(cpu);
  const wall = (Date.now() - started) / 1000;
  const rate = median(rates);
  console.log(`input: ${RECORDS} records × ${EVENTS_PER_RECORD} events = ${input.events} events, ${(input.bytes / 2 ** 20).toFixed(2)} MiB subscription JSON, ${(input.compressed / 2 ** 20).toFixed(2)} MiB gzip per batch`);
  console.log(`core transform (bundled): ${Math.round(rate).toLocaleString('en')} events/s and ${((rate * input.bytes) / input.events / 2 ** 20).toFixed(1)} MB/s per CPU-second (median of ${passes} batches; overall ${Math.round(n / c).toLocaleString('en')} per CPU-second, ${Math.round(n / wall).toLocaleString('en')} events/s wall)`);
}

/** Child process: the fast local `_bulk` endpoint (support.ts); the handler still signs every request. */
async function serveBulk(): Promise<void> {
  await serveUntilTerminated(await fastBulkEndpoint());
}

const BUNDLE_DIR = resolve(__dirname, '..', '.local', 'bench', 'shipper');

const ESBUILD = { bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent', legalComments: 'none' } as const;

/** The deployable bundle (same esbuild settings as modules/common/function-bundle.ts). */
function bundle(): string {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const outfile = resolve(BUNDLE_DIR, 'index.js');
  buildSync({ ...ESBUILD, entryPoints: [resolve(__dirname, '..', 'functions', 'shipper', 'index.ts')], outfile });
  return outfile;
}

/** The pure core bundled the same way (module boundaries compiled away, as in the function). */
function coreBundle(): CoreApi {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const outfile = resolve(BUNDLE_DIR, 'core.js');
  buildSync({
    ...ESBUILD,
    stdin: {
      contents: [
        "export { transformRecord, emptyCounts } from './functions/shipper/core/batch';",
        "export { createIndexNamer } from './functions/shipper/core/index-name';",
        "export { createMasker } from './functions/shipper/core/mask';",
      ].join('\n'),
      resolveDir: resolve(__dirname, '..'),
      loader: 'ts',
    },
    outfile,
  });
  return require(outfile) as CoreApi;
}

interface CoreApi {
  transformRecord: typeof transformRecord;
  emptyCounts: typeof emptyCounts;
  createIndexNamer: typeof createIndexNamer;
  createMasker: typeof createMasker;
}

/** Child process: the bundled handler over `invocations` distinct batches, one RESULT line. */
async function wholeHandler(endpoint: string, invocations: number, bundlePath: string): Promise<void> {
  Object.assign(process.env, TEST_AWS_ENV, {
    OPENSEARCH_ENDPOINT: endpoint, INDEX_RULES: JSON.stringify(RULES), DEAD_LETTER_BUCKET: 'bench-unused', AWS_LAMBDA_FUNCTION_NAME: 'bench-shipper',
  });
  const handler = (require(bundlePath) as { handler: ShipperHandler }).handler;
  const inputs = Array.from({ length: invocations + 1 }, (_, i) => batch(i + 2));
  const input = describe(inputs[0]!);
  // The handler prints one EMF line per invocation on stdout; keep the last one for the figures.
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  await handler(inputs[0]!, lambdaContext({ remainingMs: 300_000 })); // warm-up (JIT, connections)
  let failures = 0;
  const rates: number[] = [];
  const cpu = process.cpuUsage();
  const started = Date.now();
  for (let i = 1; i <= invocations; i++) {
    const one = process.cpuUsage();
    const res = await handler(inputs[i]!, lambdaContext({ remainingMs: 300_000 }));
    rates.push(input.events / cpuSeconds(one));
    failures += res.batchItemFailures.length;
  }
  const c = cpuSeconds(cpu);
  const wall = (Date.now() - started) / 1000;
  process.stdout.write = write;
  const last = JSON.parse(lines[lines.length - 1]!) as Record<string, number>;
  process.stdout.write(`${JSON.stringify({
    invocations, events: invocations * input.events, bytes: invocations * input.bytes, cpuSeconds: c, wallSeconds: wall, medianRate: median(rates),
    failures, indexed: last.Indexed, deadLettered: last.DeadLettered, requests: last.BulkRequests, durationMs: last.DurationMs,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`);
  process.exit(0);
}

function child(args: string[]): ReturnType<typeof spawnChild> {
  return spawnChild(TSX, [__filename, ...args]);
}

async function main(): Promise<void> {
  const invocations = Number(process.env.SHIPPER_BENCH_INVOCATIONS ?? 20);
  const coreSeconds = Number(process.env.SHIPPER_BENCH_CORE_SECONDS ?? 5);
  console.log(`machine: ${machine()}`);
  core(coreSeconds);
  const server = child(['--serve-bulk']);
  try {
    const endpoint = await server.firstLine;
    const run = child(['--handler', endpoint, String(invocations), bundle()]);
    const r = JSON.parse(await run.firstLine) as Record<string, number>;
    const mb = (r.medianRate! * r.bytes!) / r.events! / 2 ** 20;
    console.log(`whole handler (bundled): ${Math.round(r.medianRate!).toLocaleString('en')} events/s and ${mb.toFixed(1)} MB/s per CPU-second of the handler process (median of ${r.invocations} invocations of ${r.events! / r.invocations!} events; overall ${Math.round(r.events! / r.cpuSeconds!).toLocaleString('en')} per CPU-second, ${Math.round(r.events! / r.wallSeconds!).toLocaleString('en')} events/s wall; each ${r.requests} bulk requests, ${r.durationMs} ms, ${r.indexed} indexed; batch failures ${r.failures}, dead-lettered ${r.deadLettered})`);
    console.log(`peak RSS (handler process): ${r.maxRssMiB!.toFixed(0)} MiB`);
  } finally {
    server.proc.kill('SIGTERM');
  }
}

const [mode, a, b, c] = process.argv.slice(2);
const job = mode === '--serve-bulk' ? serveBulk() : mode === '--handler' ? wholeHandler(a!, Number(b), c!) : main();
job.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
