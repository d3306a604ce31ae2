/**
 * `npm run bench [-- --profile] [name…]`: runs every bench/*.bench.ts (or those whose file name
 * contains a given name) in turn, each in its own process (so one's heap
 * and peak RSS do not colour the next), and stops with the first failure's exit code.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const dir = __dirname;
const tsx = resolve(dir, '..', 'node_modules', '.bin', 'tsx');
// Flags (`--profile`) go to every bench; other arguments choose bench files by name.
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

for (const file of benches) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const res = spawnSync(tsx, [resolve(dir, file), ...flags], { stdio: 'inherit' });
  if (res.status !== 0) {
    process.stderr.write(`${file} failed with exit code ${res.status ?? res.signal}\n`);
    process.exit(res.status ?? 1);
  }
}
