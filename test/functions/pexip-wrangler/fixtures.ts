import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Line `n` (1-based) of fixtures/pexip/<file>. */
export function fixtureLine(file: string, n: number): string {
  return fixtureLines(file)[n - 1]!;
}

export function fixtureLines(file: string): string[] {
  const text = readFileSync(resolve(__dirname, '../../../fixtures/pexip', file), 'utf8');
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}
