// Bundles every functions/<name>/index.ts into .build/functions/<name>.zip and prints sizes and
// hashes, to inspect bundles without a synth (synth bundles on its own).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFunction } from '../modules/common/function-bundle';
import { FUNCTIONS_DIR } from '../modules/common/function-build';

const names = readdirSync(FUNCTIONS_DIR).filter((name) => existsSync(join(FUNCTIONS_DIR, name, 'index.ts')));
for (const name of names) {
  const bundle = bundleFunction(name);
  const kib = (statSync(bundle.zipPath).size / 1024).toFixed(1);
  console.log(`${name}\t${kib} KiB\tsource_code_hash=${bundle.sourceCodeHash}\t${bundle.zipPath}`);
}
