/**
 * `npm run check:cdktn`: the migration path to CDK Terrain (`cdktn`, the community fork of the
 * archived cdktf), proven on every CI run. In a throwaway folder it installs cdktn and its AWS
 * provider bindings, copies the example app, the constructs and the functions with the two
 * import renames the migration needs, synthesizes there, and compares the result with the
 * cdktf synth of this checkout: the same resources (type and address), the same IAM actions in
 * every policy document, and the same arguments except where an asset path or the provider
 * version pin necessarily differ. Exits 1 on any other difference, naming it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';

/** The CDK Terrain release the check runs (bump here; the README's "Moving to CDK Terrain" names the same). */
export const CDKTN = { cdktn: '0.24.0', provider: '25.7.0', constructs: '10.6.0' } as const;

const ROOT = resolve(__dirname, '..', '..');
const WORK = join(ROOT, '.local', 'cdktn');
const STACK = 'logs-to-opensearch-example';
type Json = Record<string, any>;

function install(): void {
  const marker = join(WORK, 'installed.json');
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const want = {
    cdktn: CDKTN.cdktn,
    '@cdktn/provider-aws': CDKTN.provider,
    constructs: CDKTN.constructs,
    // What the functions and the bundler need, at this checkout's versions.
    ...Object.fromEntries(['esbuild', 'fflate', 'aws4', 'tsx', '@aws-sdk/client-s3', '@aws-sdk/client-cloudwatch-logs'].map((p) => [p, own.devDependencies[p]!])),
  };
  try {
    if (readFileSync(marker, 'utf8') === JSON.stringify(want)) return;
  } catch {
    // not installed yet
  }
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'package.json'), JSON.stringify({ name: 'cdktn-check', private: true, dependencies: want }, null, 2));
  console.log(`cdktn check: installing cdktn ${CDKTN.cdktn}, @cdktn/provider-aws ${CDKTN.provider} in ${WORK}`);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: WORK, stdio: 'inherit' });
  writeFileSync(marker, JSON.stringify(want));
}

/** The app and its sources with the migration's renames: `cdktf` → `cdktn`, `@cdktf/provider-aws` → `@cdktn/provider-aws`. */
function copyApp(): string {
  const app = join(WORK, 'app');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  for (const part of ['main.ts', 'modules', 'functions', 'tsconfig.json']) cpSync(join(ROOT, part), join(app, part), { recursive: true });
  symlinkSync(join(WORK, 'node_modules'), join(app, 'node_modules'));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        const renamed = text.replace(/from 'cdktf'/g, "from 'cdktn'").replace(/'@cdktf\/provider-aws\/lib\//g, "'@cdktn/provider-aws/lib/");
        if (renamed !== text) writeFileSync(path, renamed);
      }
    }
  };
  walk(app);
  return app;
}

function synthWith(engine: 'cdktf' | 'cdktn', cwd: string, outdir: string): Json {
  rmSync(outdir, { recursive: true, force: true });
  const script = `const { App } = require('${engine}'); const { ExampleStack } = require('./main'); const app = new App({ outdir: ${JSON.stringify(outdir)} }); new ExampleStack(app, '${STACK}'); app.synth();`;
  const r = spawnSync(process.execPath, [require.resolve('tsx/cli'), '-e', script], { cwd, encoding: 'utf8', env: { ...process.env, LTO_BUILD_DIR: join(outdir, '.build') } });
  if (r.status !== 0) throw new Error(`${engine} synth failed:\n${r.stderr}`);
  return JSON.parse(readFileSync(join(outdir, 'stacks', STACK, 'cdk.tf.json'), 'utf8')) as Json;
}

const addresses = (tf: Json): string[] => Object.entries(tf.resource ?? {}).flatMap(([t, r]) => Object.keys(r as Json).map((k) => `${t}.${k}`)).sort();

function iamActions(tf: Json): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, doc] of Object.entries((tf.data?.aws_iam_policy_document ?? {}) as Record<string, { statement: { actions?: string[] }[] }>)) {
    out[id] = doc.statement.flatMap((s) => s.actions ?? []).sort();
  }
  return out;
}

/**
 * Arguments that legitimately differ between engines: the asset path (engine-specific layout) and
 * the zip hash (the bundle's source map records where node_modules sat); the code itself is
 * compared separately (`index.js` inside each zip must be byte-identical).
 */
function normalized(resource: Json): string {
  return JSON.stringify(resource, (key, value) => (key === 'filename' || key === 'source_code_hash' || key === '//' ? undefined : value));
}

function functionCode(outdir: string, resource: Json): Uint8Array | undefined {
  const zip = readFileSync(join(outdir, 'stacks', STACK, resource.filename as string));
  return unzipSync(zip)['index.js'];
}

function main(): void {
  install();
  const app = copyApp();
  const cdktn = synthWith('cdktn', app, join(WORK, 'out-cdktn'));
  const cdktf = synthWith('cdktf', ROOT, join(WORK, 'out-cdktf'));
  const problems: string[] = [];
  const [a, b] = [addresses(cdktf), addresses(cdktn)];
  for (const x of a.filter((x) => !b.includes(x))) problems.push(`only in cdktf: ${x}`);
  for (const x of b.filter((x) => !a.includes(x))) problems.push(`only in cdktn: ${x}`);
  const [ia, ib] = [iamActions(cdktf), iamActions(cdktn)];
  for (const id of new Set([...Object.keys(ia), ...Object.keys(ib)])) {
    if (JSON.stringify(ia[id]) !== JSON.stringify(ib[id])) problems.push(`IAM actions of ${id}: cdktf ${JSON.stringify(ia[id])} vs cdktn ${JSON.stringify(ib[id])}`);
  }
  for (const address of a.filter((x) => b.includes(x))) {
    const [type, id] = [address.slice(0, address.indexOf('.')), address.slice(address.indexOf('.') + 1)];
    if (normalized(cdktf.resource[type][id]) !== normalized(cdktn.resource[type][id])) problems.push(`arguments of ${address} differ`);
    if (type === 'aws_lambda_function') {
      const [ca, cb] = [functionCode(join(WORK, 'out-cdktf'), cdktf.resource[type][id]), functionCode(join(WORK, 'out-cdktn'), cdktn.resource[type][id])];
      if (!ca || !cb || Buffer.compare(Buffer.from(ca), Buffer.from(cb)) !== 0) problems.push(`function code (index.js) of ${address} differs`);
    }
  }
  console.log(`cdktn check: ${a.length} resources, ${Object.keys(ia).length} policy documents compared; provider pin cdktf ${JSON.stringify(cdktf.terraform?.required_providers?.aws)} vs cdktn ${JSON.stringify(cdktn.terraform?.required_providers?.aws)}`);
  if (problems.length > 0) {
    console.error(`cdktn check FAILED:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('cdktn check: same resources, IAM actions and arguments with cdktf and cdktn');
}

main();
