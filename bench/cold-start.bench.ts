/**
 * Cold start of each function, bundled with the AWS SDK inside vs `@aws-sdk/*` external (alone:
 * `npx tsx bench/cold-start.bench.ts`; `npm run bench` runs it too).
 *
 * Each function is built here with esbuild twice, with the settings of
 * modules/common/function-bundle.ts (minified CJS, node20): `external: ['@aws-sdk/*']` (the SDK
 * comes from node_modules, as the Lambda runtime provides it) and everything bundled. Every
 * measurement is a fresh `node` process (a new container): module load (`require` of the
 * bundle: wall ms and CPU ms) and the first invocation (configuration, clients, one small real
 * event: a Kinesis batch of 1 record × 20 events for the shipper, one S3 object of 200 ALB lines
 * for the ELB processor, a record of fixtures/pexip/support.log for the Pexip wrangler with its
 * S3 export and OpenSearch on (the CloudWatch Logs JSON copy off); S3 is a local stub reached
 * through AWS_ENDPOINT_URL_S3, answering 200 to every request), then a second
 * invocation for contrast. Bulk requests go to the fast local `_bulk` stub, signed. Variants
 * alternate run by run; medians of ROUNDS runs. Node's own start-up is not included.
 *
 * Options: COLD_BENCH_ROUNDS=7
 */
import { mkdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { albLine, makeRng } from '../fixtures/elb/generate';
import { lambdaContext } from '../test/factories/lambda-context';
import { s3Event } from '../test/factories/s3';
import { TEST_AWS_ENV } from '../test/support/moto';
import { fastBulkEndpoint, loadAverage, machine, median, serveUntilTerminated, spawnChild } from './support';
import { workloadBatch } from './workloads';
import { cwlRecord, kinesisEvent } from '../test/factories/kinesis';
import { RAW_LOG_GROUPS } from '../functions/pexip-wrangler/contract';

const ROOT = (process.env.BENCH_ROOT ??= resolve(__dirname, '..'));
const OUT = resolve(ROOT, '.local', 'bench', 'cold-start');
const CHILD_BUNDLE = resolve(OUT, 'cold-start-child.js');
const ROUNDS = Number(process.env.COLD_BENCH_ROUNDS ?? 7);
const FUNCTIONS = ['shipper', 'elb-processor', 'pexip-wrangler'] as const;
type Fn = (typeof FUNCTIONS)[number];
const ELB_KEY = 'AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2024/05/28/123456789012_elasticloadbalancing_eu-west-1_app.bench.50dc6c495c0c9188_20240528T1330Z_10.0.0.1_2et2e1mx.log.gz';

function bundle(fn: Fn, withSdk: boolean): string {
  const outfile = resolve(OUT, `${fn}${withSdk ? '-with-sdk' : ''}`, 'index.js');
  buildSync({
    entryPoints: [resolve(ROOT, 'functions', fn, 'index.ts')], bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs',
    outfile, external: withSdk ? [] : ['@aws-sdk/*'], legalComments: 'none', logLevel: 'silent',
  });
  return outfile;
}

/** Child: the fast `_bulk` stub plus an S3 GetObject stub serving one gzip ALB file for any key. */
async function serveStubs(): Promise<void> {
  const bulk = await fastBulkEndpoint();
  const rng = makeRng(7);
  const file = gzipSync(Array.from({ length: 200 }, (_, i) => albLine(rng, i)).join('\n') + '\n');
  const s3 = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length, etag: '"0123456789abcdef0123456789abcdef"' });
    res.end(req.method === 'HEAD' ? undefined : file);
  });
  await new Promise<void>((r) => s3.listen(0, '127.0.0.1', r));
  const s3Url = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
  await serveUntilTerminated({ endpoint: `${bulk.endpoint} ${s3Url}`, close: () => {
    void bulk.close();
    s3.close();
  } });
}

/** Child: one cold start of `bundlePath` (function `fn`), one JSON line. */
async function coldStart(fn: Fn, bundlePath: string, endpoint: string, s3Url: string): Promise<void> {
  Object.assign(process.env, TEST_AWS_ENV, {
    OPENSEARCH_ENDPOINT: endpoint, DEAD_LETTER_BUCKET: 'bench-dead-letters', AWS_LAMBDA_FUNCTION_NAME: `bench-${fn}`, AWS_ENDPOINT_URL_S3: s3Url,
  });
  if (fn === 'pexip-wrangler') process.env.EXPORT_BUCKET = 'bench-export';
  const event = fn === 'shipper' ? workloadBatch('mix', 0, 1, 20)
    : fn === 'elb-processor' ? s3Event({ bucket: 'bench-logs', key: ELB_KEY })
    : kinesisEvent([cwlRecord(readFileSync(resolve(ROOT, 'fixtures', 'pexip', 'support.log'), 'utf8').split('\n').filter(Boolean), { logGroup: RAW_LOG_GROUPS.support, logStream: 'Pexip_Conferencing_Nodes' })]);
  // The handlers write one summary line per invocation on stdout: keep the result line apart.
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const handler = (require(bundlePath) as { handler: (e: unknown, c: unknown) => Promise<unknown> }).handler;
  const c1 = process.cpuUsage();
  const t1 = process.hrtime.bigint();
  await handler(event, lambdaContext({ remainingMs: 60_000 }));
  const c2 = process.cpuUsage();
  const t2 = process.hrtime.bigint();
  await handler(event, lambdaContext({ remainingMs: 60_000 }));
  const t3 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint): number => Number(b - a) / 1e6;
  const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => (b.user - a.user + b.system - a.system) / 1000;
  writeSync(1, `${JSON.stringify({ loadMs: ms(t0, t1), loadCpuMs: cpuMs(c0, c1), firstMs: ms(t1, t2), firstCpuMs: cpuMs(c1, c2), secondMs: ms(t2, t3) })}\n`);
  process.exit(0);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  buildSync({ entryPoints: [__filename], bundle: true, platform: 'node', target: 'node20', outfile: CHILD_BUNDLE, logLevel: 'silent', external: ['esbuild'] });
  console.log(`# cold start — ${machine()}; load average at start ${loadAverage()}`);
  // The SDK's Node-version notice on every cold start would bury the table (it costs the same in both variants).
  process.env.NODE_NO_WARNINGS = '1';
  const stubs = spawnChild(process.execPath, [CHILD_BUNDLE, '--serve']);
  const [endpoint, s3Url] = (await stubs.firstLine).split(' ') as [string, string];
  const variants = FUNCTIONS.flatMap((fn) => [false, true].map((withSdk) => ({ fn, withSdk, path: bundle(fn, withSdk), runs: [] as Record<string, number>[] })));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of round % 2 ? [...variants].reverse() : variants) {
        v.runs.push(JSON.parse(await spawnChild(process.execPath, [CHILD_BUNDLE, '--cold', v.fn, v.path, endpoint, s3Url]).firstLine) as Record<string, number>);
      }
    }
  } finally {
    stubs.proc.kill('SIGTERM');
  }
  console.log(`medians of ${ROUNDS} fresh processes per variant, variants alternating; load average at end ${loadAverage()}`);
  console.log('| function | bundle | size | module load (wall / CPU) | first invocation (wall / CPU) | load + first (wall) | second invocation |');
  console.log('|---|---|---|---|---|---|---|');
  for (const v of variants) {
    const m = (k: string): number => median(v.runs.map((r) => r[k]!));
    console.log(`| ${v.fn} | ${v.withSdk ? 'SDK bundled' : 'SDK external'} | ${(statSync(v.path).size / 1024).toFixed(0)} KiB | ${m('loadMs').toFixed(0)} / ${m('loadCpuMs').toFixed(0)} ms | ${m('firstMs').toFixed(0)} / ${m('firstCpuMs').toFixed(0)} ms | ${median(v.runs.map((r) => r.loadMs! + r.firstMs!)).toFixed(0)} ms | ${m('secondMs').toFixed(1)} ms |`);
  }
}

const [mode, a, b, c, d] = process.argv.slice(2);
const job = mode === '--serve' ? serveStubs() : mode === '--cold' ? coldStart(a as Fn, b!, c!, d!) : main();
job.catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
