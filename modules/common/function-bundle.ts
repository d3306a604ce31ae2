import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Zips built by `npm run build` and shipped in the npm package (`dist/assets/functions/`).
 * In this repository the folder does not exist and the zip is built from sources instead.
 */
export const PACKAGED_ZIPS_DIR = resolve(__dirname, '..', '..', 'assets', 'functions');
/** Build output of a repository checkout, git-ignored. Override with LTO_BUILD_DIR (tests use a temporary folder). */
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

export interface BundleOptions {
  /**
   * Bundle `@aws-sdk/*` too. Off by default: every Node.js Lambda runtime provides SDK v3, and
   * leaving it out shrinks the zip and the cold start (the CDK's NodejsFunction does the same).
   */
  readonly bundleAwsSdk?: boolean;
}

// One zip per function variant per process: several constructs (or stacks) deploying the same
// function share it, and synth stays fast.
const cache = new Map<string, FunctionBundle>();

/** `shipper` or `shipper-with-sdk`. */
export const artifactName = (name: string, withSdk: boolean): string => (withSdk ? `${name}-with-sdk` : name);

/**
 * The deployable zip of `functions/<name>`: the one shipped in the npm package when there is
 * one, else built from the sources (esbuild, loaded only then). Synchronous because cdktf
 * constructs are built synchronously.
 */
export function bundleFunction(name: string, options: BundleOptions = {}): FunctionBundle {
  const withSdk = options.bundleAwsSdk === true;
  const artifact = artifactName(name, withSdk);
  const cached = cache.get(artifact);
  if (cached) return cached;

  let zipPath = join(PACKAGED_ZIPS_DIR, `${artifact}.zip`);
  let zip: Uint8Array;
  if (existsSync(zipPath)) {
    zip = readFileSync(zipPath);
  } else {
    // Required here, not imported: a consumer of the package never loads esbuild.
    const build = require('./function-build') as typeof import('./function-build');
    zip = build.buildFunctionZip(name, withSdk);
    zipPath = join(BUILD_DIR, `${artifact}.zip`);
    build.writeIfChanged(zipPath, zip);
  }
  const bundle: FunctionBundle = { name: artifact, zipPath, sourceCodeHash: createHash('sha256').update(zip).digest('base64') };
  cache.set(artifact, bundle);
  return bundle;
}
