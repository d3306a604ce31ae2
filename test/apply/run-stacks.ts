/**
 * `npm run test:apply`: runs test/apply/stacks.apply.ts once per example stack, the stacks side by
 * side in separate processes (each with its own moto, OpenSearch and terraform working folder).
 * The default stack spends 20 of its ~30 minutes in the provider's fixed OpenSearch domain waits, so
 * running the other stacks meanwhile costs the suite nothing. Output is streamed, each line tagged
 * with its stack; the exit code is non-zero when any stack failed.
 *
 * `APPLY_STACK=<name>` runs one stack in this process's terminal; `APPLY_JOBS=1` runs the stacks one
 * after another. Without the provider one mocha run prints its single skip (or, in CI, its failure).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { TerraformStack } from 'cdktf';
import { buildApp } from '../../main';
import { findInstalledProvider } from '../../scripts/provider/install';
import { providerPaths } from '../../scripts/provider/pin';
import { prepareOpenSearch } from '../support/opensearch';
import { PROJECT_ROOT } from '../support/shared';

const MOCHA = [join(PROJECT_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--config', join(PROJECT_ROOT, '.mocharc.apply.json')];

interface StackRun {
  readonly stack: string | undefined;
  readonly code: number;
}

/** Stack names of the example app, as its construct tree holds them (no synth). */
function exampleStackNames(): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'lto-apply-names-'));
  try {
    const { app } = buildApp({ outdir });
    return app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** One mocha process; `tag` prefixes each output line when several run at once. */
function runMocha(stack: string | undefined, tag: string | undefined): Promise<StackRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    if (stack) env.APPLY_STACK = stack;
    const child = spawn(process.execPath, MOCHA, { cwd: PROJECT_ROOT, env, stdio: tag ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    children.add(child);
    if (tag) {
      for (const [from, to] of [
        [child.stdout!, process.stdout],
        [child.stderr!, process.stderr],
      ] as const)
        createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`[${tag}] ${line}\n`));
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ stack, code: code ?? (signal ? 128 : 1) });
    });
  });
}

const children = new Set<ReturnType<typeof spawn>>();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    // Each mocha stops its own moto and OpenSearch on SIGTERM.
    for (const child of children) child.kill('SIGTERM');
    process.exitCode = 130;
  });

async function main(): Promise<number> {
  const only = process.env.APPLY_STACK;
  if (only || 'missing' in findInstalledProvider(providerPaths())) return (await runMocha(only, undefined)).code;

  const stacks = exampleStackNames();
  const jobs = Math.max(1, Number(process.env.APPLY_JOBS ?? stacks.length) || stacks.length);
  // Install (and, as root, copy readable for `nobody`) once, before processes could race on it.
  await prepareOpenSearch((line) => console.log(`[test:apply] ${line}`));
  console.log(`[test:apply] ${stacks.length} stacks, ${Math.min(jobs, stacks.length)} at a time: ${stacks.join(', ')}`);

  const results: StackRun[] = [];
  let next = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const stack = stacks[next++]!;
      results.push(await runMocha(stack, jobs > 1 ? stack : undefined));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, stacks.length) }, worker));
  for (const r of results) console.log(`[test:apply] stack ${r.stack}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`}`);
  return results.some((r) => r.code !== 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(process.exitCode || code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
