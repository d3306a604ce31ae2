/**
 * The AWS provider the apply tests run, built from source: one pinned module version, its hash,
 * the build flags and the per-user cache layout. Written once here; the build script, the tests
 * and the docs read it from this file.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PROVIDER_PIN = {
  /** Terraform source address the mirror serves. */
  source: 'registry.terraform.io/hashicorp/aws',
  /** Go module and the one build of it the Go proxy serves (main at 5f2286d6d836; version/VERSION says 6.47.1). */
  module: 'github.com/hashicorp/terraform-provider-aws',
  moduleVersion: 'v1.60.1-0.20260602190131-5f2286d6d836',
  /** go.sum-style hash of the module zip. The checksum database is unreachable here, so we check it ourselves. */
  moduleSum: 'h1:haLmsj0WF7e6d2TGbk0fbz5qWdA9f8w9sNpMe6J6WqM=',
  /** Version the binary reports and the mirror files it under. */
  version: '6.47.1',
  platform: 'linux_amd64',
} as const;

/**
 * Fixed build flags: identical flags, source path and caches make a warm rebuild a relink and the
 * binary byte-identical (`-trimpath`), which is what lets the cache be shared between runs.
 */
export const BUILD_FLAGS = ['-trimpath', '-ldflags', `-s -w -X ${PROVIDER_PIN.module}/version.ProviderVersion=${PROVIDER_PIN.version}`] as const;

/** What a cold build needs (measured: ~3,300 CPU-s, linker peak ~9.4 GB, ~1.4 GB module cache + ~8 GB build cache + 0.9 GB binary). */
export const BUILD_NEEDS = {
  memoryBytes: 10 * 1024 ** 3,
  coldDiskBytes: 12 * 1024 ** 3,
  /** A relink writes a new binary and its mirror copy. */
  warmDiskBytes: 2 * 1024 ** 3,
} as const;

/** Per-user cache outside the clone, shared by every checkout on the machine. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LTO_CACHE_DIR ?? join(homedir(), '.cache', 'logs-to-opensearch');
}

export interface ProviderPaths {
  cache: string;
  goModCache: string;
  goBuildCache: string;
  /** Writable copy of the module source (the module cache is read-only; the build may touch go.sum). */
  source: string;
  /** Marks `source` as a complete copy of the pinned, verified module. */
  sourceStamp: string;
  /** `go build -o` target. */
  buildOutput: string;
  /** Parent of the mirrors, one per version and binary hash. */
  mirrors: string;
  /** Which mirror holds the current build of the pinned version (JSON, see install.ts). */
  manifest: string;
  /** Terraform CLI configuration that installs the AWS provider from the mirror only. */
  cliConfig: string;
}

export function providerPaths(cache = cacheDir()): ProviderPaths {
  const binaryName = `terraform-provider-aws_v${PROVIDER_PIN.version}`;
  return {
    cache,
    goModCache: join(cache, 'go', 'mod'),
    goBuildCache: join(cache, 'go', 'build'),
    source: join(cache, 'src', 'terraform-provider-aws'),
    sourceStamp: join(cache, 'src', 'terraform-provider-aws.stamp'),
    buildOutput: join(cache, binaryName),
    mirrors: join(cache, 'providers'),
    manifest: join(cache, 'providers', `aws-${PROVIDER_PIN.version}.json`),
    cliConfig: join(cache, 'providers', `aws-${PROVIDER_PIN.version}.tfrc`),
  };
}

/** The environment every Go command of the build runs with (same caches, no checksum database). */
export function goEnv(paths: ProviderPaths, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    GOMODCACHE: paths.goModCache,
    GOCACHE: paths.goBuildCache,
    // sum.golang.org is unreachable here: the module hash is compared with PROVIDER_PIN.moduleSum instead,
    // and every dependency is checked against the provider's own go.sum.
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    // Never download another toolchain behind the user's back: too old a Go fails the preflight instead.
    GOTOOLCHAIN: 'local',
    GOMAXPROCS: env.GOMAXPROCS ?? '2',
  };
}
