/**
 * What every benchmark shares: the machine line printed with the figures, CPU-time and median
 * helpers, and the child-process plumbing (each measured part runs in its own process, so its
 * CPU-seconds and peak RSS are its own, and a local `_bulk` endpoint runs in another so it does
 * not share the measured process's event loop).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, totalmem } from 'node:os';

export function machine(): string {
  return `${cpus().length} vCPU ${cpus()[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
}

/** User + system CPU of this process since `since` (GC threads included), in seconds. */
export function cpuSeconds(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
}

/** Median of per-run rates: other processes on a shared 2-vCPU machine make single runs jumpy. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Child {
  proc: ChildProcess;
  /** The child's first stdout line (an endpoint or a JSON result); rejects if it exits first. */
  firstLine: Promise<string>;
}

/** Starts `command args` with stderr shown and stdout read for its first line. */
export function spawnChild(command: string, args: string[]): Child {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = new Promise<string>((resolveLine, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl !== -1) resolveLine(buf.slice(0, nl));
    });
    proc.on('exit', (code) => reject(new Error(`child ${args.join(' ')} exited with ${code}`)));
  });
  return { proc, firstLine };
}

export interface LocalEndpoint {
  endpoint: string;
  close(): Promise<void> | void;
}

/**
 * Child-process side of a local endpoint: prints its URL as the first stdout line (what
 * `spawnChild(...).firstLine` waits for), serves until the parent sends SIGTERM, then exits.
 */
export async function serveUntilTerminated(server: LocalEndpoint): Promise<void> {
  process.stdout.write(`${server.endpoint}\n`);
  await once(process, 'SIGTERM');
  await server.close();
  process.exit(0);
}

/**
 * A fast local `_bulk` endpoint answering success the way OpenSearch does (one `create` result
 * per item, `"errors":false`), so a client's whole HTTP edge is exercised (upload, answer
 * download, keep-alive) without the test server's per-line parsing and signature checks
 * setting the pace.
 */
export async function fastBulkEndpoint(): Promise<LocalEndpoint> {
  const ITEM = '{"create":{"_index":"i","_id":"x","_version":1,"result":"created","status":201}}';
  const server = createServer((req, res) => {
    let lines = 0;
    req.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    req.on('end', () => {
      const items = lines >> 1;
      const body = `{"took":1,"errors":false,"items":[${items > 0 ? `${ITEM},`.repeat(items - 1) + ITEM : ''}]}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The machine's load right now (`/proc/loadavg`'s 1/5/15-minute averages), printed with every figure. */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return loadavg().map((l) => l.toFixed(2)).join(' ');
  }
}

/** `--profile` on the command line (npm run bench -- --profile, or on one bench file). */
export const PROFILING = process.argv.includes('--profile');

/**
 * Runs `fn` under the V8 CPU profiler (node:inspector, the same sampler as `node --cpu-prof`)
 * and returns the top self-time functions as printable lines. Bundles are built unminified in
 * profile mode, so the names are the source's.
 */
export async function profileTop(fn: () => Promise<unknown> | unknown, top = 15): Promise<string> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  await fn();
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) continue;
    const f = node.callFrame;
    const file = f.url ? f.url.slice(f.url.lastIndexOf('/') + 1) : '';
    const name = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`)
    .join('\n');
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
}
