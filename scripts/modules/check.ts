/**
 * `npm run check:modules [-- DIR]`: offline checks of the generated registry modules
 * (dist/terraform/terraform-aws-*, written by `npm run build:modules`):
 *   - `terraform fmt -check -recursive`
 *   - shape: main/variables/outputs/versions.tf, README, examples/complete; no provider or backend
 *     block in the module; `hashicorp/aws` as a lower bound; every `${path.module}/…` file present
 *   - declarations: every var./local./resource/data/module reference is declared, and the example
 *     passes only declared variables, every required one, and reads only declared outputs
 *   - with the AWS provider in the local mirror (`npm run provider`): `terraform init -backend=false`
 *     and `terraform validate` on every module and example (copies in a temporary folder, so dist/
 *     stays free of .terraform and lock files). Without it, one line says validate was skipped.
 * Exit status 1 on any problem.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { findInstalledProvider } from '../provider/install';
import { providerPaths } from '../provider/pin';
import { DEFAULT_OUT } from './build';
import { splitBlocks, type Block } from './hcl';

const MODULE_FILES = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md', join('examples', 'complete', 'main.tf')];

const tfFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tf')).map((f) => join(dir, f));
const blocksOf = (dir: string): Block[] => tfFiles(dir).flatMap((f) => splitBlocks(readFileSync(f, 'utf8')));

/** Names a configuration declares, as its references spell them (`var.x`, `aws_s3_bucket.b`, `data.t.n`, `module.m`). */
export function declarations(blocks: Block[]): Set<string> {
  const names = new Set<string>();
  for (const b of blocks) {
    if (b.kind === 'variable') names.add(`var.${b.labels[0]}`);
    else if (b.kind === 'resource') names.add(`${b.labels[0]}.${b.labels[1]}`);
    else if (b.kind === 'data') names.add(`data.${b.labels[0]}.${b.labels[1]}`);
    else if (b.kind === 'module') names.add(`module.${b.labels[0]}`);
    else if (b.kind === 'locals') for (const m of b.text.matchAll(/^ {2}([A-Za-z_][\w-]*)\s*=/gm)) names.add(`local.${m[1]}`);
  }
  return names;
}

/** Every reference in `text` to a variable, local, resource, data source or module. */
export function references(text: string): Set<string> {
  const refs = new Set<string>();
  const id = '[A-Za-z_][\\w-]*';
  for (const m of text.matchAll(new RegExp(`(?<![\\w.])(var|local|module)\\.(${id})`, 'g'))) refs.add(`${m[1]}.${m[2]}`);
  for (const m of text.matchAll(new RegExp(`(?<![\\w.])data\\.([a-z][a-z0-9_]*)\\.(${id})`, 'g'))) refs.add(`data.${m[1]}.${m[2]}`);
  // Resource references: `<provider>_<type>.<name>` not preceded by `data.` (or another identifier).
  for (const m of text.matchAll(new RegExp(`(?<![\\w.])(aws_[a-z0-9_]+)\\.(${id})`, 'g'))) refs.add(`${m[1]}.${m[2]}`);
  return refs;
}

/** References in `blocks` that nothing in `declared` declares. */
export function undeclared(blocks: Block[], declared: Set<string>): string[] {
  const missing = new Set<string>();
  for (const b of blocks) for (const r of references(b.text)) if (!declared.has(r)) missing.add(r);
  return [...missing].sort();
}

/** Problems of one module directory found without terraform's provider. */
export function staticProblems(dir: string): string[] {
  const problems: string[] = [];
  for (const f of MODULE_FILES) if (!existsSync(join(dir, f))) problems.push(`missing ${f}`);
  if (problems.length) return problems;
  const blocks = blocksOf(dir);
  for (const b of blocks) {
    if (b.kind === 'provider') problems.push(`a module must not configure a provider: provider "${b.labels[0]}"`);
    if (b.kind === 'terraform' && /\bbackend\b|\bcloud\s*\{/.test(b.text)) problems.push('a module must not declare a backend');
  }
  const versions = readFileSync(join(dir, 'versions.tf'), 'utf8');
  if (!/source\s*=\s*"hashicorp\/aws"/.test(versions) || !/version\s*=\s*">=\s*6\.\d+"/.test(versions)) problems.push('versions.tf must require hashicorp/aws as a lower bound ">= 6.x"');
  for (const m of blocks.flatMap((b) => [...b.text.matchAll(/\$\{path\.module\}\/([^"]+)"/g)])) {
    if (!existsSync(join(dir, m[1]))) problems.push(`${m[1]} is referenced but not in the module`);
  }
  for (const r of undeclared(blocks, declarations(blocks))) problems.push(`undeclared reference ${r}`);

  // The example: declared module, declared and required inputs, declared outputs.
  const exampleDir = join(dir, 'examples', 'complete');
  const example = blocksOf(exampleDir);
  for (const r of undeclared(example, declarations(example))) problems.push(`examples/complete: undeclared reference ${r}`);
  const variables = blocks.filter((b) => b.kind === 'variable');
  const outputs = new Set(blocks.filter((b) => b.kind === 'output').map((b) => b.labels[0]));
  for (const call of example.filter((b) => b.kind === 'module')) {
    const args = new Set([...call.text.matchAll(/^ {2}([A-Za-z_][\w-]*)\s*=/gm)].map((m) => m[1]).filter((a) => a !== 'source'));
    for (const a of args) if (!variables.some((v) => v.labels[0] === a)) problems.push(`examples/complete: module "${call.labels[0]}" sets ${a}, which the module does not declare`);
    for (const v of variables) if (!/^\s*default\s*=/m.test(v.text) && !args.has(v.labels[0])) problems.push(`examples/complete: required variable ${v.labels[0]} not set`);
    for (const m of example.flatMap((b) => [...b.text.matchAll(new RegExp(`module\\.${call.labels[0]}\\.([\\w-]+)`, 'g'))])) {
      if (!outputs.has(m[1])) problems.push(`examples/complete: module.${call.labels[0]}.${m[1]} is not an output`);
    }
  }
  return problems;
}

function terraform(args: string[], cwd: string, cliConfig: string): { ok: boolean; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
  delete env.TF_DATA_DIR;
  const r = spawnSync('terraform', [...args, '-no-color'], { cwd, env, encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

/** `terraform init -backend=false` + `validate` (warnings are problems too) on a copy of the module and of its example. */
export function validateProblems(dir: string, cliConfig: string): string[] {
  const work = mkdtempSync(join(tmpdir(), 'lto-check-module-'));
  try {
    const copy = join(work, 'module');
    cpSync(dir, copy, { recursive: true });
    const problems: string[] = [];
    for (const sub of ['.', join('examples', 'complete')]) {
      const cwd = join(copy, sub);
      const init = terraform(['init', '-backend=false', '-input=false'], cwd, cliConfig);
      if (!init.ok) {
        problems.push(`${sub}: terraform init failed:\n${init.output.trim()}`);
        continue;
      }
      const v = terraform(['validate'], cwd, cliConfig);
      if (!v.ok || /Warning:/.test(v.output)) problems.push(`${sub}: terraform validate:\n${v.output.trim()}`);
    }
    return problems;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The CLI configuration installing the AWS provider from the local mirror, or why there is none. */
export function mirrorCliConfig(): { cliConfig: string } | { missing: string } {
  const found = findInstalledProvider(providerPaths());
  return 'provider' in found ? { cliConfig: found.cliConfig } : found;
}

export function moduleDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => d.startsWith('terraform-aws-') && statSync(join(root, d)).isDirectory())
    .sort()
    .map((d) => join(root, d));
}

export function fmtProblems(root: string): string[] {
  const r = spawnSync('terraform', ['fmt', '-check', '-recursive', '-no-color', root], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.status === 0) return [];
  return [`terraform fmt -check: ${(r.stdout + r.stderr).trim() || `exit ${r.status}`}`];
}

function main(): number {
  const root = resolve(process.argv[2] ?? DEFAULT_OUT);
  const dirs = moduleDirs(root);
  if (dirs.length === 0) {
    console.error(`check:modules: no terraform-aws-* module in ${root}: run npm run build:modules first`);
    return 1;
  }
  const mirror = mirrorCliConfig();
  if ('missing' in mirror) console.log(`check:modules: terraform validate skipped (${mirror.missing}; npm run provider builds it); static declaration checks only`);
  let failed = fmtProblems(root).map((p) => (console.error(p), p)).length;
  for (const dir of dirs) {
    const name = relative(process.cwd(), dir) || dir;
    const problems = [...staticProblems(dir), ...('cliConfig' in mirror ? validateProblems(dir, mirror.cliConfig) : [])];
    if (problems.length === 0) console.log(`ok ${name}${'cliConfig' in mirror ? ' (static checks, terraform validate of the module and examples/complete)' : ' (static checks)'}`);
    for (const p of problems) console.error(`FAIL ${name}: ${p}`);
    failed += problems.length;
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main());
