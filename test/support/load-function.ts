import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { bundleFunction } from '../../modules/common/function-bundle';
import { PROJECT_ROOT } from './shared';

const FUNCTIONS_DIR = resolve(PROJECT_ROOT, 'functions');

/** `functions/<name>`. */
export const functionDir = (name: string): string => resolve(FUNCTIONS_DIR, name);

/**
 * Loads a function's exported `handler` fresh after setting its environment: a cold start, as
 * Lambda gives a new container (the entry point builds its configuration once per module load).
 */
export function loadFunction<H>(moduleDir: string, env: Record<string, string>): H {
  Object.assign(process.env, env);
  for (const key of Object.keys(require.cache)) if (key.startsWith(FUNCTIONS_DIR) || key.startsWith(moduleDir)) delete require.cache[key];
  return (require(moduleDir) as { handler: H }).handler;
}

/**
 * Loads a function from its deployable zip (`bundleFunction`, what `aws_lambda_function` uploads),
 * unpacked into a fresh folder, after setting its environment: the code Lambda would run, not the
 * TypeScript sources. `@aws-sdk/*` is left out of the zip (the runtime provides it), so only
 * functions that do not load it at module level can run from a temporary folder.
 */
export function loadBundledFunction<H>(name: string, env: Record<string, string>): H {
  const { zipPath } = bundleFunction(name);
  const dir = mkdtempSync(join(tmpdir(), `lto-${name}-`));
  for (const [file, bytes] of Object.entries(unzipSync(readFileSync(zipPath)))) writeFileSync(join(dir, file), bytes);
  Object.assign(process.env, env);
  return (require(join(dir, 'index.js')) as { handler: H }).handler;
}
