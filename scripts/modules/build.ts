/**
 * `npm run build:modules [-- --out DIR] [name…]`: a Terraform registry module per construct, in
 * dist/terraform/terraform-aws-<name>/ (main.tf, variables.tf, outputs.tf, versions.tf, the
 * function zips under functions/, README.md, examples/complete/main.tf).
 *
 * Each module is the construct synthesized by cdktf as HCL inside a stack whose props are
 * Terraform variables (scripts/modules/definitions.ts), then post-processed: the provider and
 * terraform blocks go (a module takes its caller's provider; versions.tf states lower bounds),
 * asset paths point into the module (`${path.module}/functions/…`), outputs lose the construct
 * prefix, everything is `terraform fmt`-ed. Resource addresses are the construct's stable
 * logical ids (`aws_kinesis_stream.pipeline_stream`).
 *
 * `npm run build` empties dist/: run it before this, not after.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { MODULES, type ModuleDefinition } from './definitions';
import { exampleTf, moduleCallTf, outputDescription, readmeMd, renameOutput, rewriteAssetPaths, splitBlocks, unquoteDependsOn, versionsTf, type Block } from './hcl';
import { ModuleInputs } from './inputs';

const ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_OUT = join(ROOT, 'dist', 'terraform');
/** Lower bounds the modules declare (the module checks validate them with the provider in the local mirror). */
export const AWS_PROVIDER_MIN = '6.0';
export const TERRAFORM_MIN = '1.5';

export const moduleDirName = (name: string): string => `terraform-aws-${name}`;

/** `terraform fmt` of a text (stdin → stdout). */
function fmt(text: string): string {
  const r = spawnSync('terraform', ['fmt', '-no-color', '-'], { input: text, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.error) throw new Error(`terraform fmt: ${r.error.message} (terraform must be on PATH)`);
  if (r.status !== 0) throw new Error(`terraform fmt failed:\n${r.stderr}`);
  return r.stdout;
}

/** The construct synthesized as HCL with its variables, in a temporary folder. */
function synthesize(def: ModuleDefinition, work: string): { hcl: string; stackDir: string; inputs: ModuleInputs } {
  // cdktf 0.21 reads this in the stack (see main.ts buildApp): `hclOutput` alone writes JSON.
  const before = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    const app = new App({ outdir: work, hclOutput: true });
    const stack = new TerraformStack(app, def.name);
    // Only so cdktf's validation finds a provider for the resources: dropped from the module.
    new AwsProvider(stack, 'aws', {});
    const inputs = new ModuleInputs(stack);
    def.build(stack, inputs);
    app.synth();
    const stackDir = join(work, 'stacks', def.name);
    return { hcl: readFileSync(join(stackDir, 'cdk.tf'), 'utf8'), stackDir, inputs };
  } finally {
    if (before === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = before;
  }
}

const joinBlocks = (blocks: Block[]): string => `${blocks.map((b) => b.text).join('\n\n')}\n`;

export interface BuiltModule {
  readonly name: string;
  readonly dir: string;
  readonly variables: string[];
  readonly outputs: string[];
  readonly zips: string[];
}

export function buildModule(def: ModuleDefinition, outDir: string): BuiltModule {
  const work = mkdtempSync(join(tmpdir(), `lto-module-${def.name}-`));
  try {
    const { hcl, stackDir, inputs } = synthesize(def, work);
    const blocks = splitBlocks(fmt(hcl));
    const dir = join(outDir, moduleDirName(def.name));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'functions'), { recursive: true });

    const main: Block[] = [];
    const variables: Block[] = [];
    const outputs: Block[] = [];
    const zips = new Set<string>();
    for (const block of blocks) {
      if (block.kind === 'terraform' || block.kind === 'provider') continue;
      const { text, assets } = rewriteAssetPaths(unquoteDependsOn(block.text));
      for (const a of assets) {
        copyFileSync(join(stackDir, a.from), join(dir, 'functions', a.zip));
        zips.add(a.zip);
      }
      const b = { ...block, text };
      if (b.kind === 'variable') variables.push(inputs.nullDefaults.has(b.labels[0]) ? { ...b, text: b.text.replace(/\n\}$/, '\n  default = null\n}') } : b);
      else if (b.kind === 'output') outputs.push(renameOutput(b, def.constructId));
      else main.push(b);
    }
    const unexpected = outputs.filter((o) => o.labels[0] === def.constructId || o.text.includes(`output "${def.constructId}_`));
    if (unexpected.length) throw new Error(`${def.name}: outputs without the construct prefix: ${unexpected.map((o) => o.labels[0]).join(', ')}`);

    writeFileSync(join(dir, 'main.tf'), fmt(joinBlocks(main)));
    writeFileSync(join(dir, 'variables.tf'), fmt(joinBlocks(variables)));
    writeFileSync(join(dir, 'outputs.tf'), fmt(joinBlocks(outputs)));
    writeFileSync(join(dir, 'versions.tf'), fmt(versionsTf(AWS_PROVIDER_MIN, TERRAFORM_MIN)));

    const callName = def.constructId;
    const outputNames = outputs.map((o) => o.labels[0]);
    const example = (source: string) =>
      fmt(exampleTf({ moduleName: moduleDirName(def.name), callName, source, values: def.example, outputs: outputNames.slice(0, 3), awsProviderMin: AWS_PROVIDER_MIN, terraformMin: TERRAFORM_MIN }));
    mkdirSync(join(dir, 'examples', 'complete'), { recursive: true });
    writeFileSync(join(dir, 'examples', 'complete', 'main.tf'), example('../..'));
    writeFileSync(
      join(dir, 'README.md'),
      readmeMd({
        dirName: moduleDirName(def.name),
        construct: def.construct,
        summary: def.summary,
        inputs: inputs.rows,
        outputs: outputs.map((o) => ({ name: o.labels[0], description: outputDescription(o) })),
        zips: [...zips],
        // The README shows the call only (the provider block is in examples/complete).
        example: fmt(moduleCallTf({ callName, source: `./${moduleDirName(def.name)}`, values: def.example })),
        awsProviderMin: AWS_PROVIDER_MIN,
        terraformMin: TERRAFORM_MIN,
        notes: def.notes,
      }),
    );
    return { name: def.name, dir, variables: variables.map((v) => v.labels[0]), outputs: outputNames, zips: [...zips] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function buildModules(outDir = DEFAULT_OUT, names: string[] = []): BuiltModule[] {
  const unknown = names.filter((n) => !MODULES.some((m) => m.name === n));
  if (unknown.length) throw new Error(`unknown module(s) ${unknown.join(', ')} (known: ${MODULES.map((m) => m.name).join(', ')})`);
  return MODULES.filter((m) => names.length === 0 || names.includes(m.name)).map((m) => buildModule(m, outDir));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = at >= 0 ? resolve(args[at + 1]) : DEFAULT_OUT;
  const names = args.filter((_a, i) => at < 0 || (i !== at && i !== at + 1));
  for (const m of buildModules(out, names)) {
    console.log(`${relative(ROOT, m.dir) || m.dir}: ${m.variables.length} variables, ${m.outputs.length} outputs, ${m.zips.join(', ')}`);
  }
}
