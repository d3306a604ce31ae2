import { resolve } from 'node:path';
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
