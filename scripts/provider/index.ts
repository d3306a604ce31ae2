/**
 * npm run provider [-- --force]: the AWS provider the apply tests run, built from source into a
 * per-user filesystem mirror (see README "Provider for the apply tests"). Fast when it is there already;
 * a relink (~35 s) on a warm Go cache; a cold build (~3,300 CPU-seconds) otherwise.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCacheIsWarm, buildProvider, downloadModule, existingBuildIsPinned, prepareSource } from './build';
import { findInstalledProvider, installIntoMirror } from './install';
import { PROVIDER_PIN, providerPaths } from './pin';
import { goModRequirement, preflightProblems, readMachine } from './preflight';

const log = (line: string) => console.log(`[provider] ${line}`);

function fail(problems: string[]): never {
  for (const p of problems) console.error(`[provider] ERROR: ${p}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const paths = providerPaths();
  log(`AWS provider ${PROVIDER_PIN.version} from ${PROVIDER_PIN.module}@${PROVIDER_PIN.moduleVersion}; cache ${paths.cache}`);

  const found = findInstalledProvider(paths);
  if (!force && 'provider' in found) {
    log(`already built: ${found.provider.binary} (sha256 ${found.provider.sha256.slice(0, 16)}…)`);
    log(`terraform uses it with TF_CLI_CONFIG_FILE=${found.cliConfig}`);
    return;
  }
  if ('missing' in found) log(found.missing);

  holdBuildLock(paths.mirrors);
  const machine = readMachine(paths.cache);
  if (!machine.goVersion) fail(preflightProblems(machine, 'cold'));
  log(`fetching the module through the Go proxy (${process.env.GOPROXY ?? 'https://proxy.golang.org'}) and checking its hash ...`);
  const mod = downloadModule(paths);
  log(`module hash ${mod.Sum} = the pinned hash`);
  const requiredGo = goModRequirement(readFileSync(join(mod.Dir, 'go.mod'), 'utf8'));
  prepareSource(paths, mod.Dir, log);

  if (!force && existingBuildIsPinned(paths, machine.goVersion)) {
    log(`found a finished build of this source with the pinned flags: ${paths.buildOutput}`);
    const problems = preflightProblems(machine, 'install', requiredGo);
    if (problems.length) fail(problems);
  } else {
    const work = buildCacheIsWarm(paths) ? 'link' : 'cold';
    const problems = preflightProblems(machine, work, requiredGo);
    if (problems.length) fail(problems);
    log(
      work === 'cold'
        ? `cold build: ~3,300 CPU-seconds (about 30 minutes on 2 idle cores, more on a loaded machine), linker peak ~9.4 GB; progress every minute`
        : `the Go build cache is warm: expect a relink (~35 s on an idle machine) unless the cache lost packages`,
    );
    await buildProvider(paths, machine.goVersion, log);
  }

  const installed = await installIntoMirror(paths, paths.buildOutput, log);
  log(`ready: ${installed.binary} (${(installed.bytes / 1024 ** 2).toFixed(0)} MiB, sha256 ${installed.sha256.slice(0, 16)}…)`);
  log(`terraform uses it with TF_CLI_CONFIG_FILE=${paths.cliConfig}`);
}

/** One build per cache at a time (two linkers would need ~19 GB); a lock left by a dead process is taken over. */
function holdBuildLock(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const lock = `${dir}/.build.lock`;
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lock, 'utf8'));
    let alive = false;
    try {
      process.kill(holder, 0);
      alive = true;
    } catch {
      // gone
    }
    if (alive && holder !== process.pid) fail([`another npm run provider (pid ${holder}) is building into this cache; wait for it to finish, then run npm run provider again.`]);
    writeFileSync(lock, String(process.pid));
  }
  process.on('exit', () => rmSync(lock, { force: true }));
}

main().catch((err: Error) => fail([err.message]));
