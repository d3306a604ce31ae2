import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureOpenSearchInstalled } from '../../scripts/services/opensearch-install';
import { freePort } from './moto';

/**
 * A real single-node OpenSearch on 127.0.0.1 (free HTTP and transport ports, fresh data folder),
 * for e2e tests and the demo. The process can be stopped and started again on the same ports and
 * data, so tests can cause a real outage. Every node is killed when this process exits, even on
 * an uncaught error or Ctrl-C.
 */
export interface OpenSearchNode {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly port: number;
  readonly version: string;
  /** Wall time of the install step (0-ish when cached) and of the first start until green. */
  readonly timings: { installMs: number; firstStartMs: number; downloaded: boolean };
  isRunning(): boolean;
  /** Stops the process but keeps the data: a real outage. `hard` kills without a clean shutdown. */
  stopProcess(opts?: { hard?: boolean }): Promise<void>;
  /** Starts the process again on the same ports and data; resolves when the cluster answers yellow. */
  restartProcess(): Promise<number>;
  /** Final teardown: stops the process and deletes the data folder. */
  stop(): Promise<void>;
}

export interface StartOpenSearchOptions {
  heapMb?: number;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

const NOBODY = 65534;
const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the launcher script, the options parser and the JVM share one group
  } catch {
    // already gone
  }
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) killGroup(child, 'SIGKILL');
      process.exit(130);
    });
  }
}

function javaHome(): string {
  const given = process.env.OPENSEARCH_JAVA_HOME ?? process.env.JAVA_HOME;
  if (given && existsSync(join(given, 'bin', 'java'))) return given;
  const which = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' });
  const java = which.stdout.trim();
  if (which.status !== 0 || !java) throw new Error('OpenSearch needs Java 17+: no JAVA_HOME and no java on PATH');
  return dirname(dirname(realpathSync(java)));
}

const runningAsRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** OpenSearch refuses to run as root; as root we run it as `nobody`, who must be able to read the install. */
function readableHome(home: string): string {
  if (!runningAsRoot()) return home;
  const probe = spawnSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'test', '-r', join(home, 'lib')]);
  if (probe.error) throw new Error('running as root: OpenSearch must run as another user, and `setpriv` (util-linux) is missing');
  if (probe.status === 0) return home;
  // e.g. the clone lives under /root (mode 700): use a world-readable copy instead.
  const copy = join(tmpdir(), `${home.split('/').pop()}-readable`);
  if (!existsSync(join(copy, '.installed'))) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(home, copy, { recursive: true });
  }
  return copy;
}

function chownTree(path: string): void {
  chownSync(path, NOBODY, NOBODY);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry));
}

function writeConfig(home: string, runDir: string, port: number, transportPort: number, heapMb: number): string {
  const conf = join(runDir, 'config');
  mkdirSync(conf, { recursive: true });
  for (const dir of ['data', 'logs', 'tmp']) mkdirSync(join(runDir, dir), { recursive: true });
  copyFileSync(join(home, 'config', 'log4j2.properties'), join(conf, 'log4j2.properties'));
  writeFileSync(
    join(conf, 'opensearch.yml'),
    [
      'cluster.name: logs-to-opensearch-local',
      'node.name: local',
      'network.host: 127.0.0.1',
      `http.port: ${port}`,
      `transport.port: ${transportPort}`,
      'discovery.type: single-node',
      `path.data: ${join(runDir, 'data')}`,
      `path.logs: ${join(runDir, 'logs')}`,
      // A laptop or CI disk past 85-95% full must not turn every index read-only mid-test.
      'cluster.routing.allocation.disk.threshold_enabled: false',
      '',
    ].join('\n'),
  );
  // Our own JVM options: the stock file writes GC logs relative to the working directory.
  writeFileSync(
    join(conf, 'jvm.options'),
    [
      `-Xms${heapMb}m`,
      `-Xmx${heapMb}m`,
      '-XX:+UseG1GC',
      '-Djava.io.tmpdir=${OPENSEARCH_TMPDIR}',
      `-XX:ErrorFile=${join(runDir, 'logs', 'hs_err_pid%p.log')}`,
      '-Xlog:disable',
      '-Djava.security.manager=allow',
      '-Djava.util.concurrent.ForkJoinPool.common.threadFactory=org.opensearch.secure_sm.SecuredForkJoinWorkerThreadFactory',
      '',
    ].join('\n'),
  );
  if (runningAsRoot()) chownTree(runDir);
  return conf;
}

async function waitUntilYellow(endpoint: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`OpenSearch exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${endpoint}/_cluster/health?wait_for_status=yellow&timeout=1s`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  killGroup(child, 'SIGKILL');
  throw new Error(`OpenSearch did not become ready on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Installs OpenSearch (and, as root, its copy readable by `nobody`) without starting it: a runner of
 * several test processes calls this first so they never download or copy into the same folder at once.
 */
export async function prepareOpenSearch(log: (line: string) => void = () => {}): Promise<void> {
  readableHome((await ensureOpenSearchInstalled(log)).home);
}

export async function startOpenSearch(opts: StartOpenSearchOptions = {}): Promise<OpenSearchNode> {
  installExitHooks();
  const log = opts.log ?? (() => {});
  const install = await ensureOpenSearchInstalled(log);
  const home = readableHome(install.home);
  const java = javaHome();
  const [port, transportPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${port}`;
  const runDir = mkdtempSync(join(tmpdir(), 'opensearch-run-'));
  const conf = writeConfig(home, runDir, port, transportPort, opts.heapMb ?? 512);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 120_000;

  let child: ChildProcess | undefined;
  let output = '';

  const launch = async (): Promise<number> => {
    const started = Date.now();
    const cmd = join(home, 'bin', 'opensearch');
    const [file, args] = runningAsRoot()
      ? ['setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', cmd]]
      : [cmd, []];
    output = '';
    const proc = spawn(file, args as string[], {
      cwd: runDir,
      detached: true, // own process group, so one kill reaches the JVM behind the launcher script
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OPENSEARCH_JAVA_HOME: java,
        OPENSEARCH_PATH_CONF: conf,
        OPENSEARCH_TMPDIR: join(runDir, 'tmp'),
        OPENSEARCH_JAVA_OPTS: '',
      },
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-6000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.once('exit', () => live.delete(proc));
    live.add(proc);
    child = proc;
    await waitUntilYellow(endpoint, proc, readyTimeoutMs, () => output);
    return Date.now() - started;
  };

  const stopProcess = async (stopOpts: { hard?: boolean } = {}): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      killGroup(proc, stopOpts.hard ? 'SIGKILL' : 'SIGTERM');
      setTimeout(() => killGroup(proc, 'SIGKILL'), 20_000).unref();
    });
    // The launcher's process group may outlive the direct child for a moment; wait for the port to close.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        await fetch(endpoint, { signal: AbortSignal.timeout(500) });
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  let firstStartMs: number;
  try {
    firstStartMs = await launch();
  } catch (err) {
    rmSync(runDir, { recursive: true, force: true });
    throw err;
  }
  log(`OpenSearch ${install.version} ready on ${endpoint} in ${firstStartMs} ms`);

  return {
    endpoint,
    port,
    version: install.version,
    timings: { installMs: install.ms, firstStartMs, downloaded: install.fresh },
    isRunning: () => !!child && child.exitCode === null && child.signalCode === null,
    stopProcess,
    restartProcess: async () => {
      await stopProcess();
      return launch();
    },
    async stop() {
      await stopProcess();
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
