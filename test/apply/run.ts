/**
 * `npm run test:apply`: runs test/apply/*.apply.ts once per target — each example stack of main.ts
 * (stacks.apply.ts) and each Terraform registry module's examples/complete (modules.apply.ts) — in
 * separate processes (each with its own moto, OpenSearch and terraform folder), APPLY_JOBS (default
 * 3) at a time, longest first. A target that creates an OpenSearch domain spends 20 minutes in the
 * provider's fixed domain waits, so the others run meanwhile. Output is streamed, each line tagged
 * with its target; the exit code is non-zero when any target failed.
 *
 * `APPLY_STACK=<name>` or `APPLY_MODULE=<name>` runs that one target in this terminal;
 * `APPLY_JOBS=1` runs the targets one after another. Without the provider one mocha run prints the
 * skips (or, in CI, fails).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TerraformStack } from 'cdktf';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { buildApp } from '../../main';
import { buildModules } from '../../scripts/modules/build';
import { findInstalledProvider } from '../../scripts/provider/install';
import { providerPaths } from '../../scripts/provider/pin';
import { prepareOpenSearch } from '../support/opensearch';
import { PROJECT_ROOT } from '../support/shared';

const MOCHA = [join(PROJECT_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--config', join(PROJECT_ROOT, '.mocharc.apply.json')];
const DEFAULT_JOBS = 3;

/** One process of the suite: the environment that selects its target. */
interface Target {
  readonly label: string;
  readonly env: Record<string, string>;
  /** Creates an OpenSearch domain: ~20 minutes of the provider's fixed waits, so it starts first. */
  readonly long: boolean;
}

interface TargetRun {
  readonly label: string;
  readonly code: number;
}

/** The example app's stacks, as its construct tree holds them (no synth). */
function stackTargets(): Target[] {
  const outdir = mkdtempSync(join(tmpdir(), 'lto-apply-names-'));
  try {
    const { app } = buildApp({ outdir });
    return app.node.children
      .filter((c): c is TerraformStack => c instanceof TerraformStack)
      .map((s) => ({ label: `stack ${s.node.id}`, env: { APPLY_STACK: s.node.id }, long: s.node.findAll().some((c) => c instanceof OpensearchDomain) }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The registry modules, built once into `root` for every module process. */
function moduleTargets(root: string): Target[] {
  return buildModules(root).map((m) => ({
    label: `module ${m.name}`,
    env: { APPLY_MODULE: m.name, APPLY_MODULES_DIR: root },
    long: /^resource "aws_opensearch_domain" /m.test(readFileSync(join(m.dir, 'main.tf'), 'utf8')),
  }));
}

const children = new Set<ReturnType<typeof spawn>>();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    // Each mocha stops its own moto and OpenSearch on SIGTERM.
    for (const child of children) child.kill('SIGTERM');
    process.exitCode = 130;
  });

/** One mocha process; `tag` prefixes each output line when several run at once. */
function runMocha(env: Record<string, string>, label: string, tag: boolean): Promise<TargetRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, MOCHA, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: tag ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    children.add(child);
    if (tag)
      for (const [from, to] of [
        [child.stdout!, process.stdout],
        [child.stderr!, process.stderr],
      ] as const)
        createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`[${label}] ${line}\n`));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ label, code: code ?? (signal ? 128 : 1) });
    });
  });
}

async function main(): Promise<number> {
  const selected = ['APPLY_STACK', 'APPLY_MODULE'].some((k) => process.env[k]);
  if (selected || 'missing' in findInstalledProvider(providerPaths())) return (await runMocha({}, 'test:apply', false)).code;

  const modulesRoot = mkdtempSync(join(tmpdir(), 'lto-apply-modules-'));
  try {
    const targets = [...stackTargets(), ...moduleTargets(modulesRoot)].sort((a, b) => Number(b.long) - Number(a.long));
    const jobs = Math.min(targets.length, Math.max(1, Number(process.env.APPLY_JOBS ?? DEFAULT_JOBS) || DEFAULT_JOBS));
    // Install (and, as root, copy readable for `nobody`) once, before processes could race on it.
    await prepareOpenSearch((line) => console.log(`[test:apply] ${line}`));
    console.log(`[test:apply] ${targets.length} targets, ${jobs} at a time: ${targets.map((t) => t.label).join(', ')}`);
    const results: TargetRun[] = [];
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const t = targets[next++]!;
        const started = Date.now();
        const run = await runMocha(t.env, t.label, jobs > 1);
        console.log(`[test:apply] ${t.label}: ${run.code === 0 ? 'passed' : `FAILED (exit ${run.code})`} after ${Math.round((Date.now() - started) / 1000)} s`);
        results.push(run);
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
    const failed = results.filter((r) => r.code !== 0);
    console.log(`[test:apply] ${results.length - failed.length} of ${targets.length} targets passed${failed.length ? `; failed: ${failed.map((r) => r.label).join(', ')}` : ''}`);
    return failed.length > 0 || results.length < targets.length ? 1 : 0;
  } finally {
    if (existsSync(modulesRoot)) rmSync(modulesRoot, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(process.exitCode || code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
