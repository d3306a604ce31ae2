/**
 * Checks before a build: Go present and new enough, memory and disk enough for what is left to do.
 * The decisions are pure (tested with numbers); the readers are small.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statfsSync } from 'node:fs';
import { BUILD_NEEDS } from './pin';

export interface Machine {
  /** `go env GOVERSION` (e.g. go1.26.8), undefined when Go is not on the PATH. */
  goVersion?: string;
  /** MemAvailable, bytes. */
  memoryAvailable: number;
  /** Free bytes on the cache's file system. */
  diskFree: number;
}

/** "go1.26.8" → [1, 26, 8]; "1.26" → [1, 26, 0]. */
export function parseGoVersion(text: string): [number, number, number] | undefined {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function atLeast(have: [number, number, number], want: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

/** The `go` directive of a go.mod (the least Go version that builds it). */
export function goModRequirement(goMod: string): string | undefined {
  return /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod)?.[1];
}

const GiB = 1024 ** 3;
const gib = (n: number) => `${(n / GiB).toFixed(1)} GB`;

/**
 * Problems that stop the build, each a sentence saying what to do. `work`: `cold` compiles (memory for
 * the linker, disk for caches), `link` relinks a warm cache (the linker's memory, a new binary),
 * `install` only copies a finished binary into the mirror.
 */
export function preflightProblems(m: Machine, work: 'cold' | 'link' | 'install', requiredGo?: string): string[] {
  const problems: string[] = [];
  if (work !== 'install') {
    if (!m.goVersion) problems.push(`Go is not installed (or not on PATH): install Go ${requiredGo ?? '>= 1.26'} from https://go.dev/dl/ and run npm run provider again.`);
    else if (requiredGo) {
      const have = parseGoVersion(m.goVersion);
      const want = parseGoVersion(requiredGo)!;
      if (!have || !atLeast(have, want)) problems.push(`Go ${m.goVersion} is too old: the provider's go.mod asks for go ${requiredGo}; install a newer Go from https://go.dev/dl/.`);
    }
    if (m.memoryAvailable < BUILD_NEEDS.memoryBytes)
      problems.push(`Only ${gib(m.memoryAvailable)} of memory is available; linking the provider peaks at ~9.4 GB, so free at least ${gib(BUILD_NEEDS.memoryBytes)} (stop other builds or tests) and run npm run provider again.`);
  }
  const disk = work === 'cold' ? BUILD_NEEDS.coldDiskBytes : BUILD_NEEDS.warmDiskBytes;
  if (m.diskFree < disk)
    problems.push(`Only ${gib(m.diskFree)} free on the cache's disk; the ${work === 'cold' ? 'cold build needs' : 'build needs'} ~${gib(disk)} (module cache, build cache, an 863 MiB binary). Free space or set LTO_CACHE_DIR to a bigger disk.`);
  return problems;
}

export function readMachine(cache: string): Machine {
  const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  const meminfo = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : '';
  const kb = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1];
  mkdirSync(cache, { recursive: true });
  const fs = statfsSync(cache);
  return {
    goVersion: go.status === 0 ? go.stdout.trim() : undefined,
    memoryAvailable: kb ? Number(kb) * 1024 : Number.POSITIVE_INFINITY,
    diskFree: fs.bavail * fs.bsize,
  };
}
