import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A real moto server (`moto_server`) on 127.0.0.1 and a free port, for tests that talk to
 * S3, SQS, Kinesis, CloudWatch Logs, Glue, IAM or KMS. moto itself is installed by the
 * `setup:python` step (requirements-dev.txt), which `npm test` runs first.
 */
export interface MotoServer {
  /** e.g. http://127.0.0.1:41234, for AWS_ENDPOINT_URL / SDK `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** Forget every resource (moto's reset API), keeping the server up. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Credentials and region moto accepts; tests export these so the SDK never looks further. */
export const TEST_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDTESTLOCAL0000000',
  AWS_SECRET_ACCESS_KEY: 'test-secret-access-key-local-only',
  AWS_REGION: 'eu-west-1',
} as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function ensureMotoInstalled(): string {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (probe.status === 0) return 'moto_server';
  // Installing is a setup step (pinned in requirements-dev.txt), never a test's side effect.
  throw new Error('moto_server is not installed: run `npm run setup:python` (pip install -r requirements-dev.txt; `npm test` runs it first)');
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export async function startMoto(opts: { timeoutMs?: number } = {}): Promise<MotoServer> {
  const command = ensureMotoInstalled();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...TEST_AWS_ENV },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // Never leave a server behind, even when the test process dies on an exception.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitUntilUp(endpoint, child, opts.timeoutMs ?? 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    port,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
  };
}
