import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { zipSync } from 'fflate';

/**
 * Builds a function's deployable zip from its TypeScript sources with esbuild (one minified
 * CommonJS file with a source map, Node 20 syntax), reproducibly. Used in this repository and by
 * `npm run build` (which ships the zips in the npm package); a consumer of the package never
 * loads this file, so it needs neither esbuild nor our sources.
 */

/** Where the project's Lambda sources live (`functions/<name>/index.ts`). */
export const FUNCTIONS_DIR = resolve(__dirname, '..', '..', 'functions');

// Every zip entry gets this fixed time, so identical code gives identical bytes and an
// unchanged function never changes `source_code_hash` (no redeploy on every synth).
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

/** The zip bytes of `functions/<name>/index.ts`; `@aws-sdk/*` left to the Lambda runtime unless `withSdk`. */
export function buildFunctionZip(name: string, withSdk: boolean): Uint8Array {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`buildFunctionZip: invalid function name "${name}"`);
  const result = buildSync({
    entryPoints: [join(FUNCTIONS_DIR, name, 'index.ts')],
    bundle: true,
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: join(FUNCTIONS_DIR, '..', '.build', 'esbuild', name, 'index.js'),
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
  if (!files['index.js']) throw new Error(`buildFunctionZip: esbuild produced no index.js for ${name}`);
  return zipSync(files, { level: 9 });
}

/** Writes `zip` to `path` unless the file already holds those bytes (file watchers and caches stay quiet). */
export function writeIfChanged(path: string, zip: Uint8Array): void {
  let same = false;
  try {
    same = Buffer.compare(readFileSync(path), Buffer.from(zip)) === 0;
  } catch {
    same = false;
  }
  if (!same) {
    mkdirSync(resolve(path, '..'), { recursive: true });
    writeFileSync(path, zip);
  }
}
