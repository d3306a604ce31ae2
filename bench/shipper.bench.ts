/**
 * Shipper benchmarks, side by side with the AWS console blueprint (alone:
 * `npx tsx bench/shipper.bench.ts [--profile] [workload…]`; `npm run bench` runs it too).
 *
 * Baseline: bench/blueprint.ts, a small re-implementation of the "LogsToElasticsearch"
 * blueprint written for this benchmark from its documented behaviour (nothing vendored), given
 * every benefit of the doubt (see its header). It does not mask secrets; the shipper does.
 *
 * Input: bench/workloads.ts, seeded random workloads written to hit the slow paths, not the
 * test factories the code was tuned on: `mix` (35 % JSON, 20 % Lambda runtime lines with JSON,
 * 20 % key=value access lines, 10 % text with `{` that is not JSON, 10 % START/END/REPORT, 5 %
 * stack traces, ~216 B per message, 7 log groups, across midnight UTC) and the `secrets`,
 * `json`, `long` and `non-ascii` variants. A batch is RECORDS × EVENTS_PER_RECORD events.
 *
 * 1. Core (no I/O): Kinesis record data → bulk body bytes. Ours: decode, mask, extract, render,
 *    index name, batch-wide id check, action lines, UTF-8 into a body buffer (one write per record, as the handler). The
 *    blueprint's: decode, transform to its NDJSON text (not even encoded to bytes). Both in the
 *    same process, alternating batch by batch, esbuild-bundled like the functions; events per
 *    CPU-second (user + system of the process, GC included), median of per-batch figures.
 *    Decode alone (base64 + gunzip + JSON.parse) is printed, and the floor: decode + JSON.parse
 *    of every message from its first `{` + one JSON.stringify of the message (the least work of
 *    any shipper that sends `@message` and the fields of JSON messages, as the blueprint does),
 *    with the rates the targets (2.5× the blueprint's core, 3× its handler) would need.
 * 2. Whole handler: ours as deployed (functions/shipper/index.ts bundled the way the construct
 *    bundles it, configured from the environment, SigV4, EMF line) and the blueprint's handler,
 *    each in its own process against the same fast local `_bulk` stub (bench/support.ts) in
 *    another process; runs alternate ours / blueprint over ROUNDS rounds (the machine is shared:
 *    A/B interleaved, medians of per-invocation CPU figures).
 * Bulk bytes per event (request bodies) are printed for both.
 *
 * `--profile`: after the figures, the top self-time functions of our core and of our whole
 * handler on `mix` (V8 sampling profiler through node:inspector, unminified bundles).
 *
 * Options: SHIPPER_BENCH_RECORDS=100 SHIPPER_BENCH_EVENTS=100 SHIPPER_BENCH_INVOCATIONS=6
 * SHIPPER_BENCH_ROUNDS=3 SHIPPER_BENCH_CORE_SECONDS=4
 */
import { mkdirSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { KinesisStreamEvent } from 'aws-lambda';
import { buildSync } from 'esbuild';
import { actionLine } from '../functions/shared/opensearch/ndjson';
import { appendItem, appendItems, type Chunk } from '../functions/shared/opensearch/body-buffer';
import type { BulkItem } from '../functions/shared/opensearch';
import { createBatchIds, emptyCounts, transformRecord, type TransformOptions } from '../functions/shipper/core/batch';
import { createIndexNamer } from '../functions/shipper/core/index-name';
import { createMasker } from '../functions/shipper/core/mask';
import type { ShipperHandler } from '../functions/shipper/handler';
import { lambdaContext } from '../test/factories/lambda-context';
import { TEST_AWS_ENV } from '../test/support/moto';
import { blueprintHandler, blueprintRecord } from './blueprint';
import { cpuSeconds, fastBulkEndpoint, loadAverage, machine, median, PROFILING, profileTop, serveUntilTerminated, spawnChild } from './support';
import { WORKLOADS, workloadBatch, type WorkloadName } from './workloads';

const RECORDS = Number(process.env.SHIPPER_BENCH_RECORDS ?? 100);
const EVENTS_PER_RECORD = Number(process.env.SHIPPER_BENCH_EVENTS ?? 100);
const INVOCATIONS = Number(process.env.SHIPPER_BENCH_INVOCATIONS ?? 6);
const ROUNDS = Number(process.env.SHIPPER_BENCH_ROUNDS ?? 3);
const CORE_SECONDS = Number(process.env.SHIPPER_BENCH_CORE_SECONDS ?? 4);
const RULES = [{ logGroupPattern: '/aws/lambda/*', indexPrefix: 'lambda' }];
// Children run a bundle of this file from OUT, where __dirname is not bench/: they get the root from the parent.
const ROOT = (process.env.BENCH_ROOT ??= resolve(__dirname, '..'));
const OUT = resolve(ROOT, '.local', 'bench', 'shipper');
const CHILD_BUNDLE = resolve(OUT, 'shipper-bench-child.js');
const HANDLER_BUNDLE = resolve(OUT, 'index.js');
const ESBUILD = { bundle: true, minify: !PROFILING, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent', legalComments: 'none' } as const;

const fmt = (n: number): string => Math.round(n).toLocaleString('en');
/** µs of CPU per event at `rate` events per CPU-second. */
const us = (rate: number): string => (1e6 / rate).toFixed(2);

function ourOptions(): TransformOptions {
  return { namer: createIndexNamer('cwl', RULES), masker: createMasker(), placement: { mode: 'nested', field: 'fields' }, idMode: 'create-with-id' };
}

/** Our core over one batch: every record to bulk body bytes (action lines + sources), as the handler's session writes them. */
function ourCore(event: KinesisStreamEvent, options: TransformOptions, body: { buf: Buffer }): { events: number; bytes: number } {
  const counts = emptyCounts(event.Records.length);
  const items: BulkItem<number>[] = [];
  const lines: string[] = [];
  // As the handler: ids checked batch-wide (an id repeated with other content gets a suffix).
  const ids = createBatchIds(() => undefined);
  let chunk: Chunk<number> = { buf: body.buf, used: 0, slots: [] };
  let total = 0;
  let multiByte = 0; // as the session: item by item for 15 records after one with multi-byte text
  for (let r = 0; r < event.Records.length; r++) {
    items.length = 0;
    lines.length = 0;
    transformRecord(event.Records[r]!.kinesis.data, r, options, counts, items, ids);
    // One write per record (BulkSession.addMany, which writes item by item after multi-byte text); a full body starts over.
    let need = 0;
    for (const item of items) {
      const line = actionLine(item, true); // the handler's client sends to /<index>/_bulk (indexInPath)
      lines.push(line);
      need += (line.length + item.source.length) * 3 + 1;
    }
    // One body per index, as the client does with indexInPath (a record's events share a day but at midnight).
    if (chunk.used + need > chunk.buf.length || (items.length > 0 && chunk.index !== items[0]!.index)) {
      total += chunk.used;
      if (need > body.buf.length) body.buf = Buffer.allocUnsafe(need);
      chunk = { buf: body.buf, used: 0, slots: [], index: items[0]?.index };
    }
    if (multiByte % 16 === 0) multiByte = appendItems(chunk, items, lines) ? 0 : 1;
    else {
      multiByte++;
      for (let i = 0; i < items.length; i++) appendItem(chunk, items[i]!, lines[i]!, items[i]!.source, undefined);
    }
  }
  return { events: counts.events, bytes: total + chunk.used };
}

function blueprintCore(event: KinesisStreamEvent): { events: number; bytes: number } {
  let events = 0;
  let chars = 0;
  for (const r of event.Records) {
    const text = blueprintRecord(r.kinesis.data);
    chars += text.length;
    events++;
  }
  return { events, bytes: chars };
}

/** base64 → gunzip → JSON.parse of one record's subscription payload, nothing else. */
function decodePayload(data: string): { logEvents: { message: string }[] } {
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as { logEvents: { message: string }[] };
}

function decodeOnly(event: KinesisStreamEvent): number {
  let n = 0;
  for (const r of event.Records) n += decodePayload(r.kinesis.data).logEvents.length;
  return n;
}

/**
 * The floor: the least work any shipper does that sends `@message` and the fields of JSON
 * messages, as the blueprint does: decode, JSON.parse of each message from its first `{` (how a
 * message is known to hold JSON; a JavaScript validator costs more than V8's parser, see the
 * README) and one JSON.stringify of the message for `@message`. No masking, no other field, no
 * document, no id check, nothing encoded to bytes.
 */
function floorOnly(event: KinesisStreamEvent): number {
  let chars = 0;
  for (const r of event.Records) {
    for (const e of decodePayload(r.kinesis.data).logEvents) {
      const brace = e.message.indexOf('{');
      if (brace >= 0) {
        try {
          JSON.parse(brace === 0 ? e.message : e.message.slice(brace));
        } catch {
          // not JSON: text
        }
      }
      chars += JSON.stringify(e.message).length;
    }
  }
  return chars;
}

/** Child: core rates of ours, the blueprint's and decode alone, alternating pass by pass. */
async function coreChild(workload: WorkloadName, seconds: number): Promise<void> {
  const batches = [workloadBatch(workload, 0, RECORDS, EVENTS_PER_RECORD), workloadBatch(workload, 1, RECORDS, EVENTS_PER_RECORD)];
  const events = batches[0]!.Records.length * EVENTS_PER_RECORD;
  const options = ourOptions();
  const body = { buf: Buffer.allocUnsafe(5 * 2 ** 20) };
  // Bytes per event, exactly: the blueprint's text measured in UTF-8 once (not in the timed loop).
  const ourBytes = ourCore(batches[0]!, options, body).bytes / events;
  const bpBytes = batches[0]!.Records.reduce((a, r) => a + Buffer.byteLength(blueprintRecord(r.kinesis.data)), 0) / events;
  const runners: [string, (e: KinesisStreamEvent) => unknown][] = [
    ['ours', (e) => ourCore(e, options, body)],
    ['blueprint', (e) => blueprintCore(e)],
    ['decode', (e) => decodeOnly(e)],
    ['floor', (e) => floorOnly(e)],
  ];
  const rates: Record<string, number[]> = { ours: [], blueprint: [], decode: [], floor: [] };
  const warm = Date.now();
  while (Date.now() - warm < 1500) for (const [, run] of runners) run(batches[0]!);
  const started = Date.now();
  for (let pass = 0; Date.now() - started < seconds * 1000 || pass < 3; pass++) {
    const batch = batches[pass % 2]!;
    // Alternate which runs first, so neither always follows the other's garbage.
    const order = pass % 2 ? [...runners].reverse() : runners;
    for (const [name, run] of order) {
      const one = process.cpuUsage();
      run(batch);
      rates[name]!.push(events / cpuSeconds(one));
    }
  }
  let profile: string | undefined;
  if (PROFILING) {
    profile = await profileTop(() => {
      const until = Date.now() + seconds * 1000;
      for (let pass = 0; Date.now() < until; pass++) ourCore(batches[pass % 2]!, options, body);
    });
  }
  process.stdout.write(`${JSON.stringify({
    ours: median(rates.ours!), blueprint: median(rates.blueprint!), decode: median(rates.decode!), floor: median(rates.floor!), passes: rates.ours!.length,
    ourBytes, bpBytes, profile,
  })}\n`);
  process.exit(0);
}

/** Child: one handler (ours bundled as deployed, or the blueprint's) over INVOCATIONS batches. */
async function handlerChild(kind: 'ours' | 'blueprint', endpoint: string, workload: WorkloadName): Promise<void> {
  Object.assign(process.env, TEST_AWS_ENV, {
    OPENSEARCH_ENDPOINT: endpoint, INDEX_RULES: JSON.stringify(RULES), DEAD_LETTER_BUCKET: 'bench-unused', AWS_LAMBDA_FUNCTION_NAME: 'bench-shipper',
  });
  const inputs = Array.from({ length: INVOCATIONS + 1 }, (_, i) => workloadBatch(workload, i + 2, RECORDS, EVENTS_PER_RECORD));
  // The pre-built batches are the bench's, not the handler's: their share of the peak is reported apart.
  const inputsRssMiB = process.memoryUsage().rss / 2 ** 20;
  const events = RECORDS * EVENTS_PER_RECORD;
  let invoke: (e: KinesisStreamEvent) => Promise<{ failed: number; bytes: number }>;
  const lines: string[] = [];
  if (kind === 'ours') {
    const handler = (require(HANDLER_BUNDLE) as { handler: ShipperHandler }).handler;
    // The handler prints one EMF line per invocation on stdout; keep them for the bulk bytes.
    process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    invoke = async (e) => {
      const res = await handler(e, lambdaContext({ remainingMs: 300_000 }));
      const emf = JSON.parse(lines[lines.length - 1]!) as Record<string, number>;
      return { failed: res.batchItemFailures.length, bytes: emf.BulkBytes! };
    };
  } else {
    const handler = blueprintHandler(endpoint, TEST_AWS_ENV.AWS_REGION);
    invoke = async (e) => handler(e);
  }
  await invoke(inputs[0]!); // warm-up (JIT, connections)
  const rates: number[] = [];
  let failed = 0;
  let bytes = 0;
  const run = async (): Promise<void> => {
    for (let i = 1; i <= INVOCATIONS; i++) {
      const one = process.cpuUsage();
      const res = await invoke(inputs[i]!);
      rates.push(events / cpuSeconds(one));
      failed += res.failed;
      bytes += res.bytes;
    }
  };
  await run();
  // Profiled separately (a second pass over the same batches), so the sampler's cost stays out of the figures.
  const profile = PROFILING && kind === 'ours' ? await profileTop(async () => {
    for (let i = 1; i <= INVOCATIONS; i++) await invoke(inputs[i]!);
  }) : undefined;
  const out = { rate: median(rates), failed, bytesPerEvent: bytes / (INVOCATIONS * events), maxRssMiB: process.resourceUsage().maxRSS / 1024, inputsRssMiB, profile };
  // stdout.write was replaced for ours: write the result to the descriptor.
  writeSync(1, `${JSON.stringify(out)}\n`);
  process.exit(0);
}

function child(args: string[]): ReturnType<typeof spawnChild> {
  return spawnChild(process.execPath, [CHILD_BUNDLE, ...args, ...(PROFILING ? ['--profile'] : [])]);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const workloads = only.length > 0 ? WORKLOADS.filter((w) => only.includes(w)) : WORKLOADS;
  mkdirSync(OUT, { recursive: true });
  buildSync({ ...ESBUILD, entryPoints: [__filename], outfile: CHILD_BUNDLE, external: ['esbuild'] });
  buildSync({ ...ESBUILD, entryPoints: [resolve(ROOT, 'functions', 'shipper', 'index.ts')], outfile: HANDLER_BUNDLE });
  console.log(`machine: ${machine()}; load average at start ${loadAverage()}`);
  console.log(`input: ${RECORDS} Kinesis records × ${EVENTS_PER_RECORD} CloudWatch Logs events per batch (bench/workloads.ts); baseline: bench/blueprint.ts (re-implementation of the console blueprint from its documented behaviour)`);
  const server = spawnChild(process.execPath, [CHILD_BUNDLE, '--serve-bulk']);
  const endpoint = await server.firstLine;
  const rows: string[] = [];
  const profiles: string[] = [];
  try {
    for (const workload of workloads) {
      const core = JSON.parse(await child(['--core', workload, String(CORE_SECONDS)]).firstLine) as Record<string, number> & { profile?: string };
      const ours: number[] = [];
      const bp: number[] = [];
      let ourBytes = 0;
      let bpBytes = 0;
      let failed = 0;
      let rss = 0;
      let inputsRss = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const order: ('ours' | 'blueprint')[] = round % 2 ? ['blueprint', 'ours'] : ['ours', 'blueprint'];
        for (const kind of order) {
          const r = JSON.parse(await child(['--handler', kind, endpoint, workload]).firstLine) as Record<string, number> & { profile?: string };
          (kind === 'ours' ? ours : bp).push(r.rate!);
          if (kind === 'ours') {
            ourBytes = r.bytesPerEvent!;
            rss = Math.max(rss, r.maxRssMiB!);
            inputsRss = Math.max(inputsRss, r.inputsRssMiB!);
            if (r.profile && workload === 'mix' && round === 0) profiles.push(`our whole handler on ${workload}:\n${r.profile}`);
          } else bpBytes = r.bytesPerEvent!;
          failed += r.failed!;
        }
      }
      if (core.profile && workload === 'mix') profiles.unshift(`our core on ${workload}:\n${core.profile}`);
      if (failed > 0) throw new Error(`${workload}: ${failed} failed items against the stub`);
      const h = median(ours);
      const hb = median(bp);
      rows.push(
        `| ${workload} | ${fmt(core.ours!)} | ${fmt(core.blueprint!)} | **${(core.ours! / core.blueprint!).toFixed(2)}×** | ${fmt(h)} | ${fmt(hb)} | **${(h / hb).toFixed(2)}×** | ${ourBytes.toFixed(0)} / ${bpBytes.toFixed(0)} | ${fmt(core.decode!)} | ${fmt(core.floor!)} | ${fmt(2.5 * core.blueprint!)} / ${fmt(3 * hb)} | ${loadAverage()} |`,
      );
      console.log(`${workload}: core ours ${fmt(core.ours!)} vs blueprint ${fmt(core.blueprint!)} events/CPU-s (${(core.ours! / core.blueprint!).toFixed(2)}×, ${core.passes} alternating passes); ` +
        `whole handler ours ${fmt(h)} vs blueprint ${fmt(hb)} (${(h / hb).toFixed(2)}×, ${ROUNDS} rounds × ${INVOCATIONS} invocations each: ours ${ours.map(fmt).join(', ')}; blueprint ${bp.map(fmt).join(', ')}); ` +
        `bulk bytes/event ours ${ourBytes.toFixed(0)} (wire) / ${core.ourBytes!.toFixed(0)} (core), blueprint ${bpBytes.toFixed(0)}; decode alone ${fmt(core.decode!)}; ` +
        `floor (decode + JSON.parse of JSON messages + @message escaped, nothing else) ${fmt(core.floor!)} = ${us(core.floor!)} µs/event, ` +
        `while 2.5× the blueprint's core means ${us(2.5 * core.blueprint!)} µs/event${core.floor! < 2.5 * core.blueprint! ? ' (less than the floor: out of reach here for any shipper doing that work)' : ''} ` +
        `and 3× its handler ${us(3 * hb)} µs/event, where signing and sending (our handler − our core) cost ${(1e6 / h - 1e6 / core.ours!).toFixed(2)} µs/event on top of the floor's ${us(core.floor!)}; our handler peak RSS ${rss.toFixed(0)} MiB (${inputsRss.toFixed(0)} MiB before its first invocation: Node and the bench's ${INVOCATIONS + 1} pre-built batches); load ${loadAverage()}`);
    }
  } finally {
    server.proc.kill('SIGTERM');
  }
  console.log('\n| workload | core ours (events/CPU-s) | core blueprint | core ratio | handler ours | handler blueprint | handler ratio | bulk bytes/event ours / blueprint | decode alone | floor | targets: 2.5× core / 3× handler | load after |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  for (const p of profiles) console.log(`\nCPU profile, top self time, ${p}`);
}

async function serveBulk(): Promise<void> {
  await serveUntilTerminated(await fastBulkEndpoint());
}

const args = process.argv.slice(2).filter((a) => a !== '--profile');
const [mode, a, b, c] = args;
const job =
  mode === '--serve-bulk' ? serveBulk()
  : mode === '--core' ? coreChild(a as WorkloadName, Number(b))
  : mode === '--handler' ? handlerChild(a as 'ours' | 'blueprint', b!, c as WorkloadName)
  : main();
job.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
