/**
 * Fetch, verify and build the pinned provider module with the Go toolchain. Every command runs with
 * the same caches, source path and flags (pin.ts), so a second run on a machine relinks or reuses.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_FLAGS, goEnv, PROVIDER_PIN, type ProviderPaths } from './pin';

export interface DownloadedModule {
  Path: string;
  Version: string;
  Sum?: string;
  GoModSum?: string;
  Dir?: string;
  Error?: string;
}

/** The module `go mod download -json` reported, refused unless it is exactly the pinned version and hash. */
export function verifyDownload(json: string): DownloadedModule & { Dir: string } {
  let mod: DownloadedModule;
  try {
    mod = JSON.parse(json) as DownloadedModule;
  } catch {
    throw new Error(`go mod download printed no JSON: ${json.slice(0, 500)}`);
  }
  if (mod.Error) throw new Error(`go mod download ${PROVIDER_PIN.module}@${PROVIDER_PIN.moduleVersion} failed: ${mod.Error}`);
  if (mod.Path !== PROVIDER_PIN.module || mod.Version !== PROVIDER_PIN.moduleVersion)
    throw new Error(`go mod download returned ${mod.Path}@${mod.Version}, not the pinned ${PROVIDER_PIN.module}@${PROVIDER_PIN.moduleVersion}`);
  if (mod.Sum !== PROVIDER_PIN.moduleSum)
    throw new Error(`module hash mismatch for ${mod.Path}@${mod.Version}: the proxy served ${mod.Sum ?? '(none)'}, the pin is ${PROVIDER_PIN.moduleSum}. Refusing to build it.`);
  if (!mod.Dir || !existsSync(join(mod.Dir, 'go.mod'))) throw new Error(`go mod download gave no source directory for ${mod.Path}@${mod.Version}`);
  return mod as DownloadedModule & { Dir: string };
}

export function downloadModule(paths: ProviderPaths): DownloadedModule & { Dir: string } {
  const ref = `${PROVIDER_PIN.module}@${PROVIDER_PIN.moduleVersion}`;
  mkdirSync(paths.goModCache, { recursive: true });
  // Outside any module, so the project's own files play no part.
  const r = spawnSync('go', ['mod', 'download', '-json', ref], { cwd: paths.cache, env: goEnv(paths), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw new Error(`could not run go: ${r.error.message}`);
  const out = r.stdout.trim();
  if (!out) throw new Error(`go mod download ${ref} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return verifyDownload(out);
}

/** The stamp names exactly what the writable copy was made from. */
export function sourceStampText(): string {
  return `${PROVIDER_PIN.module}@${PROVIDER_PIN.moduleVersion} ${PROVIDER_PIN.moduleSum}\n`;
}

/** A writable copy of the verified module source, made once (the module cache is read-only). */
export function prepareSource(paths: ProviderPaths, moduleDir: string, log: (line: string) => void): void {
  if (existsSync(paths.sourceStamp) && readFileSync(paths.sourceStamp, 'utf8') === sourceStampText() && existsSync(join(paths.source, 'go.mod'))) {
    log(`source: ${paths.source} (copied before)`);
    return;
  }
  log(`source: copying ${moduleDir} to ${paths.source}`);
  rmSync(paths.sourceStamp, { force: true });
  rmSync(paths.source, { recursive: true, force: true });
  cpSync(moduleDir, paths.source, { recursive: true });
  makeWritable(paths.source);
  writeFileSync(paths.sourceStamp, sourceStampText());
}

function makeWritable(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    chmodSync(path, entry.isDirectory() ? 0o755 : 0o644);
    if (entry.isDirectory()) makeWritable(path);
  }
}

/** What the build output was made from and with; written after a successful build, next to the binary. */
export function buildStampText(goVersion: string): string {
  return `${JSON.stringify({ source: sourceStampText().trim(), flags: BUILD_FLAGS, go: goVersion })}\n`;
}

const buildStampPath = (paths: ProviderPaths) => `${paths.buildOutput}.stamp`;

/**
 * Whether the build output is the pinned source built with our flags and this Go (go version -m cannot
 * tell: -trimpath leaves -ldflags out of the build info), so a run can install it without relinking.
 */
export function existingBuildIsPinned(paths: ProviderPaths, goVersion: string): boolean {
  const stamp = buildStampPath(paths);
  if (!existsSync(paths.buildOutput) || !existsSync(stamp) || !existsSync(paths.sourceStamp)) return false;
  if (readFileSync(stamp, 'utf8') !== buildStampText(goVersion)) return false;
  // The stamp is written after the binary and after the source copy it was built from.
  return statSync(stamp).mtimeMs >= statSync(paths.buildOutput).mtimeMs && statSync(stamp).mtimeMs >= statSync(paths.sourceStamp).mtimeMs;
}

/** Whether the build cache already holds the compiled packages (then the build is a relink). */
export function buildCacheIsWarm(paths: ProviderPaths): boolean {
  return existsSync(paths.goBuildCache) && readdirSync(paths.goBuildCache).length > 200;
}

/** Packages the build compiles, for progress. */
function countPackages(paths: ProviderPaths): number | undefined {
  const r = spawnSync('go', ['list', '-deps', '.'], { cwd: paths.source, env: goEnv(paths), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean).length : undefined;
}

/** `go build` with progress lines (`go build -v` names each package it compiles; cached ones are silent). */
export async function buildProvider(paths: ProviderPaths, goVersion: string, log: (line: string) => void): Promise<void> {
  const total = countPackages(paths);
  // A fresh inode: the previous binary may be hard-linked into a mirror that must not change under terraform.
  rmSync(paths.buildOutput, { force: true });
  rmSync(buildStampPath(paths), { force: true });
  const args = ['build', '-v', ...BUILD_FLAGS, '-o', paths.buildOutput, '.'];
  log(`go ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}   (in ${paths.source})`);
  const started = Date.now();
  let compiled = 0;
  let last = '';
  let tail = '';
  const child = spawn('go', args, { cwd: paths.source, env: goEnv(paths), stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.setEncoding('utf8');
  let pending = '';
  child.stderr.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (/^[\w.\-/]+$/.test(line)) {
        compiled++;
        last = line;
      } else tail = `${tail}${line}\n`.slice(-8000);
    }
  });
  const minutes = () => ((Date.now() - started) / 60_000).toFixed(1);
  const timer = setInterval(() => {
    const of = total ? `/${total}` : '';
    log(`  ${minutes()} min: ${compiled}${of} packages compiled${last ? ` (last: ${last})` : ''}${compiled === 0 ? ' — compiled packages come from the cache, or the linker is running' : ''}`);
  }, 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`go build failed (exit ${code}) after ${minutes()} min:\n${tail || pending}`);
  writeFileSync(buildStampPath(paths), buildStampText(goVersion));
  log(`built in ${minutes()} min (${compiled} packages compiled, the rest from the cache): ${paths.buildOutput}`);
}
