import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { zipSync } from 'fflate';

/** Where the project's Lambda sources live (`functions/<name>/index.ts`). */
export const FUNCTIONS_DIR = resolve(__dirname, '..', '..', 'functions');
/** Build output, git-ignored. Override with LTO_BUILD_DIR (tests use a temporary folder). */
const BUILD_DIR = process.env.LTO_BUILD_DIR ?? resolve(__dirname, '..', '..', '.build', 'functions');

/** A function bundled into a deployable zip. */
export interface FunctionBundle {
  /** Artifact name: the function folder under `functions/`, with `-with-sdk` when the AWS SDK is bundled. */
  readonly name: string;
  /** Absolute path of the zip (index.js + index.js.map). */
  readonly zipPath: string;
  /** base64(SHA-256(zip bytes)): the value Lambda reports as CodeSha256, used as `source_code_hash`. */
  readonly sourceCodeHash: string;
}

// One build per function per process: several constructs (or stacks) deploying the same
// function share a bundle, and synth stays fast.
const cache = new Map<string, FunctionBundle>();

// Every zip entry gets this fixed time, so identical code gives identical bytes and an
// unchanged function never changes `source_code_hash` (no redeploy on every synth).
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

export interface BundleOptions {
  /**
   * Bundle `@aws-sdk/*` too. Off by default: every Node.js Lambda runtime provides SDK v3, and
   * leaving it out shrinks the zip and the cold start (the CDK's NodejsFunction does the same).
   */
  readonly bundleAwsSdk?: boolean;
}

/**
 * Bundles `functions/<name>/index.ts` with esbuild (one minified CommonJS file with a
 * source map, Node 20 syntax) and zips it reproducibly. Runs synchronously because
 * cdktf constructs are built synchronously.
 */
export function bundleFunction(name: string, options: BundleOptions = {}): FunctionBundle {
  const withSdk = options.bundleAwsSdk === true;
  const artifact = withSdk ? `${name}-with-sdk` : name;
  const cached = cache.get(artifact);
  if (cached) return cached;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`bundleFunction: invalid function name "${name}"`);

  const entry = join(FUNCTIONS_DIR, name, 'index.ts');
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: join(BUILD_DIR, artifact, 'index.js'),
    external: withSdk ? [] : ['@aws-sdk/*'],
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    absWorkingDir: resolve(FUNCTIONS_DIR, '..'),
  });
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const out of result.outputFiles) {
    const base = out.path.endsWith('.map') ? 'index.js.map' : 'index.js';
    files[base] = [out.contents, { mtime: FIXED_MTIME }];
  }
  if (!files['index.js']) throw new Error(`bundleFunction: esbuild produced no index.js for ${name}`);

  const zip = zipSync(files, { level: 9 });
  mkdirSync(BUILD_DIR, { recursive: true });
  const zipPath = join(BUILD_DIR, `${artifact}.zip`);
  // Skip the write when the bytes are unchanged, so file watchers and caches stay quiet.
  let same = false;
  try {
    same = Buffer.compare(readFileSync(zipPath), Buffer.from(zip)) === 0;
  } catch {
    same = false;
  }
  if (!same) writeFileSync(zipPath, zip);

  const bundle: FunctionBundle = {
    name: artifact,
    zipPath,
    sourceCodeHash: createHash('sha256').update(zip).digest('base64'),
  };
  cache.set(artifact, bundle);
  return bundle;
}
