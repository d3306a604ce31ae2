/**
 * Pure text work on cdktf's HCL synth (after `terraform fmt`): split it into a registry module's
 * files, and render the files the synth does not produce (versions.tf, README, example).
 */
import type { InputRow } from './inputs';

/** One top-level block: `resource "aws_x" "y" { … }`. */
export interface Block {
  /** `resource`, `data`, `variable`, `output`, `locals`, `provider`, `terraform`, … */
  readonly kind: string;
  /** Labels after the kind: `["aws_x", "y"]`. */
  readonly labels: string[];
  readonly text: string;
}

/**
 * Top-level blocks of formatted HCL. After `terraform fmt` a top-level block opens on a line at
 * column 0 and closes at the next `}` at column 0 (everything inside is indented, and cdktf writes
 * no heredocs), so no HCL parser is needed.
 */
export function splitBlocks(hcl: string): Block[] {
  const blocks: Block[] = [];
  const lines = hcl.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^([a-z_]+)((?: "[^"]*")*) \{(\})?\s*$/.exec(lines[i]);
    if (!head) {
      if (lines[i].trim() !== '' && !lines[i].startsWith('#')) throw new Error(`unexpected top-level line ${i + 1}: ${lines[i]}`);
      continue;
    }
    const labels = [...head[2].matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    let end = i;
    if (!head[3]) {
      end = lines.indexOf('}', i + 1);
      if (end < 0) throw new Error(`block at line ${i + 1} is not closed`);
    }
    blocks.push({ kind: head[1], labels, text: lines.slice(i, end + 1).join('\n') });
    i = end;
  }
  return blocks;
}

/**
 * cdktf's HCL writes `depends_on` entries as quoted strings, which Terraform reads with a
 * deprecation warning ("Quoted references are deprecated"): write them as references.
 */
export function unquoteDependsOn(text: string): string {
  return text.replace(/(depends_on = \[)([^\]]*)(\])/g, (_m, open: string, items: string, close: string) =>
    open + items.replace(/"((?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)"/g, '$1') + close,
  );
}

/** Where a function zip lives inside a module, relative to the module root. */
export const functionZipPath = (zipName: string): string => `functions/${zipName}`;

/**
 * cdktf writes each asset under `assets/<asset id>/<hash>/<file>` next to the stack: point every
 * such path at the module's own copy, `${path.module}/functions/<file>`. Returns the rewritten
 * text and the asset paths found (relative to the synth folder) with the file name each gets.
 */
export function rewriteAssetPaths(text: string): { text: string; assets: { from: string; zip: string }[] } {
  const assets: { from: string; zip: string }[] = [];
  const out = text.replace(/"assets\/([^"]+\/)?([^"/]+\.zip)"/g, (_m, dir: string | undefined, zip: string) => {
    assets.push({ from: `assets/${dir ?? ''}${zip}`, zip });
    return `"\${path.module}/${functionZipPath(zip)}"`;
  });
  return { text: out, assets };
}

/** `output "pipeline_stream_arn"` → `output "stream_arn"`: inside a module the construct prefix says nothing. */
export function renameOutput(block: Block, constructId: string): Block {
  const name = block.labels[0];
  const prefix = `${constructId}_`;
  if (!name.startsWith(prefix)) return block;
  const short = name.slice(prefix.length);
  return { ...block, labels: [short], text: block.text.replace(`output "${name}"`, `output "${short}"`) };
}

/** The module's versions.tf: Terraform and the AWS provider as lower bounds, no provider configuration. */
export function versionsTf(awsProviderMin: string, terraformMin: string): string {
  return [
    'terraform {',
    `  required_version = ">= ${terraformMin}"`,
    '',
    '  required_providers {',
    '    aws = {',
    '      source  = "hashicorp/aws"',
    `      version = ">= ${awsProviderMin}"`,
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** A value as HCL (strings, numbers, booleans, lists and maps of them). */
export function hclValue(v: unknown, indent = ''): string {
  if (Array.isArray(v)) return `[${v.map((x) => hclValue(x, indent)).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const inner = `${indent}  `;
    const entries = Object.entries(v).map(([k, x]) => `${inner}${/^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k)} = ${hclValue(x, inner)}`);
    return entries.length === 0 ? '{}' : `{\n${entries.join('\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

export interface ExampleSpec {
  readonly moduleName: string;
  readonly callName: string;
  readonly source: string;
  readonly values: Record<string, unknown>;
  readonly outputs: string[];
  readonly awsProviderMin: string;
  readonly terraformMin: string;
}

/** The `module "…" { source = …, inputs }` block. */
export function moduleCallTf(e: Pick<ExampleSpec, 'callName' | 'source' | 'values'>): string {
  const args = Object.entries(e.values).map(([k, v]) => `  ${k} = ${hclValue(v, '  ')}`);
  return [`module "${e.callName}" {`, `  source = "${e.source}"`, '', ...args, '}', ''].join('\n');
}

/** A root configuration calling the module: provider block, module call, its outputs passed on. */
export function exampleTf(e: ExampleSpec): string {
  return [
    `# Complete example of ${e.moduleName}: terraform init && terraform plan (set real values first).`,
    'terraform {',
    `  required_version = ">= ${e.terraformMin}"`,
    '  required_providers {',
    '    aws = {',
    '      source  = "hashicorp/aws"',
    `      version = ">= ${e.awsProviderMin}"`,
    '    }',
    '  }',
    '}',
    '',
    'provider "aws" {',
    '  region = "eu-west-1"',
    '}',
    '',
    moduleCallTf(e),
    ...e.outputs.flatMap((o) => [`output "${o}" {`, `  value = module.${e.callName}.${o}`, '}', '']),
  ].join('\n');
}

/** `a | b` cells: pipes and newlines would break the table. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export interface ReadmeSpec {
  readonly dirName: string;
  readonly construct: string;
  readonly summary: string;
  readonly inputs: InputRow[];
  readonly outputs: { name: string; description: string }[];
  readonly zips: string[];
  readonly example: string;
  readonly awsProviderMin: string;
  readonly terraformMin: string;
  /** What the module fixes that the construct leaves open, and how it connects to the other modules (one bullet each). */
  readonly notes?: readonly string[];
}

/** The module README: what it is, usage, requirements, inputs (with their validation) and outputs. */
export function readmeMd(r: ReadmeSpec): string {
  const inputs = r.inputs.map((i) =>
    `| \`${i.name}\` | ${cell(i.description)}${i.rules.length ? `<br>Validation: ${cell(i.rules.join(' '))}` : ''} | \`${cell(i.type)}\` | ${i.default === undefined ? 'n/a' : `\`${cell(i.default)}\``} | ${i.default === undefined ? 'yes' : 'no'} |`,
  );
  const outputs = r.outputs.map((o) => `| \`${o.name}\` | ${cell(o.description)} |`);
  return [
    `# ${r.dirName}`,
    '',
    r.summary,
    '',
    `Generated by \`npm run build:modules\` from the cdktf construct \`${r.construct}\` of logs-to-opensearch: the same resources, IAM and defaults as the construct; every variable's validation is the rule the construct checks (one source). Do not edit: regenerate.`,
    '',
    '## Usage',
    '',
    '```hcl',
    r.example.trim(),
    '```',
    '',
    'A complete example is in [examples/complete](examples/complete/main.tf). The module declares no provider configuration: it uses the caller\'s `aws` provider (region, credentials, default tags).',
    '',
    ...(r.notes?.length ? ['## Module behaviour and cdktf-only options', '', ...r.notes.map((n) => `- ${n}`), ''] : []),
    '## Requirements',
    '',
    '| Name | Version |',
    '|---|---|',
    `| terraform | >= ${r.terraformMin} |`,
    `| hashicorp/aws | >= ${r.awsProviderMin} |`,
    '',
    ...(r.zips.length
      ? [`Lambda code: ${r.zips.map((z) => `\`functions/${z}\``).join(', ')} (built from the project's TypeScript sources, referenced through \`\${path.module}\`).`, '']
      : []),
    '## Inputs',
    '',
    '| Name | Description | Type | Default | Required |',
    '|---|---|---|---|---|',
    ...inputs,
    '',
    '## Outputs',
    '',
    '| Name | Description |',
    '|---|---|',
    ...outputs,
    '',
  ].join('\n');
}

/** The `description` of an output block (cdktf writes it as a plain quoted string). */
export function outputDescription(block: Block): string {
  const m = /^\s*description\s*=\s*("(?:[^"\\]|\\.)*")\s*$/m.exec(block.text);
  return m ? (JSON.parse(m[1]) as string) : '';
}
