/**
 * Pexip wrangler benchmarks (alone: `npx tsx bench/pexip.bench.ts`; `npm run bench` runs it too).
 *
 * 1. Parse rate: wrangled lines (one raw syslog line → one record, JSON-serialized as exported)
 *    per CPU-second on the mixed workload of test/factories/pexip.ts (SIP INVITEs with SDP and
 *    responses, REST Python dicts, conference and participant events, ICE/media, audit SYSCALL and
 *    USER_ACCT, Apache lines), and MB/CPU-s on lines built for the slow paths (40 kB of stray
 *    quotes, 55 kB nested dicts, 100 kB of `^M` lines). The core is bundled by esbuild like the
 *    function. Medians of 5 rounds.
 * 2. Handler on a 6 MB batch (Lambda's event limit): Kinesis records of CloudWatch Logs messages
 *    totalling 6 MB of base64, through createWranglerHandler with every export on — S3 and
 *    CloudWatch Logs clients that accept everything in-process (their network time is not the
 *    wrangler's), and the real bulk client against a fast local `_bulk` endpoint in another
 *    process. Runs in its own process: its peak RSS and CPU are the handler's.
 *
 * Options: PEXIP_BENCH_LINES=40000 PEXIP_BENCH_INVOCATIONS=3
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { wrangleLine as WrangleLine } from '../functions/pexip-wrangler/core/wrangle';
import { loadConfig } from '../functions/pexip-wrangler/config';
import { RAW_LOG_GROUPS } from '../functions/pexip-wrangler/contract';
import { createWranglerHandler } from '../functions/pexip-wrangler/handler';
import { createBulkClient } from '../functions/shared/opensearch';
import { createDeadLetterWriter } from '../functions/shared/dead-letter';
import { cwlRecord, kinesisEvent } from '../test/factories/kinesis';
import { lambdaContext } from '../test/factories/lambda-context';
import { pexipLine, pexipSlowLine } from '../test/factories/pexip';
import { TEST_AWS_ENV } from '../test/support/moto';
import { cpuSeconds, fastBulkEndpoint, machine, median, serveUntilTerminated, spawnChild } from './support';

const TSX = resolve(__dirname, '..', 'node_modules', '.bin', 'tsx');
const BUNDLE_DIR = resolve(__dirname, '..', '.local', 'bench', 'pexip');
const ROUNDS = 5;

function coreBundle(): { wrangleLine: typeof WrangleLine } {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const outfile = resolve(BUNDLE_DIR, 'core.js');
  buildSync({
    bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent', legalComments: 'none',
    stdin: { contents: "export { wrangleLine } from './functions/pexip-wrangler/core/wrangle';", resolveDir: resolve(__dirname, '..'), loader: 'ts' },
    outfile,
  });
  return require(outfile) as { wrangleLine: typeof WrangleLine };
}

/** Lines per CPU-second of `lines` (median of ROUNDS passes after a warm-up pass). */
function rate(wrangle: typeof WrangleLine, lines: { kind?: 'support' | 'audit' | 'web'; line: string }[]): { linesPerCpuS: number; mbPerCpuS: number } {
  const bytes = lines.reduce((a, l) => a + l.line.length, 0);
  const pass = (): number => {
    let out = 0;
    for (const l of lines) out += JSON.stringify(wrangle(l.line, { kind: l.kind }).record).length;
    return out;
  };
  pass();
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const cpu = process.cpuUsage();
    pass();
    rates.push(lines.length / cpuSeconds(cpu));
  }
  const lps = median(rates);
  return { linesPerCpuS: lps, mbPerCpuS: (lps * bytes) / lines.length / 2 ** 20 };
}

function parseRates(): void {
  const count = Number(process.env.PEXIP_BENCH_LINES ?? 40_000);
  const { wrangleLine } = coreBundle();
  const mixed = Array.from({ length: count }, (_, n) => pexipLine(n));
  const mixedBytes = mixed.reduce((a, l) => a + l.line.length, 0);
  const m = rate(wrangleLine, mixed);
  console.log(`input: ${count} mixed lines (${(mixedBytes / 2 ** 20).toFixed(1)} MiB, ${Math.round(mixedBytes / count)} bytes/line average; 25 % SIP, 15 % REST dicts, 30 % conference/participant/ICE/media, 20 % audit, 10 % web)`);
  console.log(`parse (bundled core, line → record → JSON): ${Math.round(m.linesPerCpuS).toLocaleString('en')} lines and ${m.mbPerCpuS.toFixed(1)} MB per CPU-second (median of ${ROUNDS})`);
  const slow = Array.from({ length: 30 }, (_, n) => ({ line: pexipSlowLine(n) }));
  const s = rate(wrangleLine, slow);
  console.log(`slow paths (stray quotes 38 kB, nested dict 55 kB, 20,000 ^M lines 100 kB): ${s.mbPerCpuS.toFixed(1)} MB per CPU-second (${Math.round(s.linesPerCpuS).toLocaleString('en')} lines)`);
}

/** Kinesis records of 500 events each from the three RAW groups until their base64 data reaches `bytes`. */
function batchOf(bytes: number, seed: number): { event: KinesisStreamEvent; lines: number; rawBytes: number } {
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const records = [];
  let size = 0;
  let n = seed;
  let rawBytes = 0;
  const groups = { support: RAW_LOG_GROUPS.support, audit: RAW_LOG_GROUPS.audit, web: RAW_LOG_GROUPS.web } as const;
  while (size < bytes) {
    const byKind: Record<string, string[]> = { support: [], audit: [], web: [] };
    for (let e = 0; e < 500; e++) {
      const l = pexipLine(n++, day);
      byKind[l.kind]!.push(l.line);
      rawBytes += l.line.length;
    }
    for (const [kind, lines] of Object.entries(byKind)) {
      const r = cwlRecord(lines, { logGroup: groups[kind as keyof typeof groups], logStream: 'Pexip_Conferencing_Nodes' });
      size += r.kinesis.data.length;
      records.push(r);
    }
  }
  return { event: kinesisEvent(records), lines: n - seed, rawBytes };
}

async function serveBulk(): Promise<void> {
  await serveUntilTerminated(await fastBulkEndpoint());
}

/** Child process: the handler over `invocations` 6 MB batches; one RESULT line. */
async function handlerRun(endpoint: string, invocations: number): Promise<void> {
  const config = loadConfig({ ...TEST_AWS_ENV, EXPORT_BUCKET: 'bench-exports', JSON_LOG_GROUP_SUFFIX: '_JSON', OPENSEARCH_ENDPOINT: endpoint, DEAD_LETTER_BUCKET: 'bench-dlq' });
  let putBytes = 0;
  const accept = { send: async (c: { input: { Body?: Buffer } }) => ((putBytes += c.input.Body?.length ?? 0), {}), destroy: () => undefined };
  const handler = createWranglerHandler({
    config,
    s3: accept as never,
    logs: accept as never,
    bulk: createBulkClient({ endpoint, service: 'es', region: TEST_AWS_ENV.AWS_REGION, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) }),
    deadLetters: createDeadLetterWriter({ bucket: 'bench-dlq', functionName: 'bench', s3: accept as never }),
    writeLine: () => undefined,
  });
  const inputs = Array.from({ length: invocations + 1 }, (_, i) => batchOf(6 * 2 ** 20, i * 1_000_000));
  const rssBefore = process.memoryUsage().rss;
  await handler(inputs[0]!.event, lambdaContext({ remainingMs: 600_000 }));
  const rates: number[] = [];
  let failures = 0;
  for (let i = 1; i <= invocations; i++) {
    const cpu = process.cpuUsage();
    const res = await handler(inputs[i]!.event, lambdaContext({ remainingMs: 600_000 }));
    rates.push(inputs[i]!.lines / cpuSeconds(cpu));
    failures += res.batchItemFailures.length;
  }
  const one = inputs[1]!;
  process.stdout.write(`${JSON.stringify({
    records: one.event.Records.length, lines: one.lines, rawMiB: one.rawBytes / 2 ** 20, medianRate: median(rates), failures,
    inputsRssMiB: rssBefore / 2 ** 20, maxRssMiB: process.resourceUsage().maxRSS / 1024, putMiB: putBytes / 2 ** 20,
  })}\n`);
  process.exit(0);
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  parseRates();
  const invocations = Number(process.env.PEXIP_BENCH_INVOCATIONS ?? 3);
  const server = spawnChild(TSX, [__filename, '--serve-bulk']);
  try {
    const endpoint = await server.firstLine;
    const r = JSON.parse(await spawnChild(TSX, [__filename, '--handler', endpoint, String(invocations)]).firstLine) as Record<string, number>;
    console.log(`handler, 6 MB batch (${r.records} Kinesis records, ${r.lines!.toLocaleString('en')} lines, ${r.rawMiB!.toFixed(0)} MiB of raw lines), S3 + JSON copy + OpenSearch on: ${Math.round(r.medianRate!).toLocaleString('en')} lines per CPU-second (median of ${invocations}); batch failures ${r.failures}`);
    console.log(`peak RSS (handler process, ${invocations + 1} batches held as input = ${r.inputsRssMiB!.toFixed(0)} MiB before the first call): ${r.maxRssMiB!.toFixed(0)} MiB`);
  } finally {
    server.proc.kill('SIGTERM');
  }
}

const [mode, a, b] = process.argv.slice(2);
const job = mode === '--serve-bulk' ? serveBulk() : mode === '--handler' ? handlerRun(a!, Number(b)) : main();
job.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
