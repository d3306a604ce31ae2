/**
 * `npm run build`: the npm library in dist/ — the constructs compiled to JavaScript with
 * declarations (tsc -p tsconfig.build.json) and every function's zip, both variants (AWS SDK left
 * to the runtime, and bundled), in dist/assets/functions/, where the constructs look first. A
 * consumer therefore needs neither esbuild nor our TypeScript sources, and its synth writes
 * nothing inside node_modules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { artifactName } from '../modules/common/function-bundle';
import { buildFunctionZip, FUNCTIONS_DIR, writeIfChanged } from '../modules/common/function-build';

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');

rmSync(DIST, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const zips = join(DIST, 'assets', 'functions');
const names = readdirSync(FUNCTIONS_DIR).filter((n) => existsSync(join(FUNCTIONS_DIR, n, 'index.ts'))).sort();
for (const name of names) {
  for (const withSdk of [false, true]) {
    const path = join(zips, `${artifactName(name, withSdk)}.zip`);
    writeIfChanged(path, buildFunctionZip(name, withSdk));
    console.log(`${path.slice(ROOT.length + 1)}\t${(statSync(path).size / 1024).toFixed(1)} KiB`);
  }
}
console.log(`dist/: constructs and ${names.length * 2} function zips`);
