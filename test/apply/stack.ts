/**
 * The example app's stacks, synthesized for the apply suite, and what the suite reads from their JSON
 * (never hard-coded: the app and its modules change): resource counts, services, log groups a
 * deployment must find, function zips.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../main';
import { TARGET_ENV } from '../../functions/shared/contract';
import type { TfJson } from '../support/synth';

export interface SynthStack {
  name: string;
  /** Folder terraform runs in. */
  dir: string;
  json: TfJson;
}

/** Synthesizes main.ts's app into a fresh folder; the local backend's `../../../` then stays inside `root`. */
export function synthExampleApp(): { root: string; stacks: SynthStack[] } {
  const root = mkdtempSync(join(tmpdir(), 'lto-apply-'));
  const outdir = join(root, 'cdktf.out');
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'false';
  try {
    buildApp({ outdir }).app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }> };
  const stacks = Object.entries(manifest.stacks).map(([name, s]) => ({
    name,
    dir: join(outdir, s.workingDirectory),
    json: JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8')) as TfJson,
  }));
  return { root, stacks };
}

/** Resource instances a plan creates: one per block, `count`/`for_each` expanded when literal. */
export function managedResourceCount(tf: TfJson): number {
  let n = 0;
  for (const [type, blocks] of Object.entries(tf.resource ?? {}))
    for (const [name, block] of Object.entries(blocks)) {
      if (block.count !== undefined) {
        if (typeof block.count !== 'number') throw new Error(`${type}.${name}: count ${JSON.stringify(block.count)} is not a literal; count it from the plan`);
        n += block.count;
      } else if (block.for_each !== undefined) {
        const each = block.for_each;
        if (typeof each === 'string') throw new Error(`${type}.${name}: for_each ${each} is not a literal; count it from the plan`);
        n += Array.isArray(each) ? new Set(each).size : Object.keys(each).length;
      } else n += 1;
    }
  return n;
}

/** Log groups the stack subscribes without creating them: a deployment must find them (README, Deploy). */
export function preexistingLogGroups(tf: TfJson): string[] {
  const created = new Set(Object.values(tf.resource?.aws_cloudwatch_log_group ?? {}).map((g) => g.name as string));
  const names = Object.values(tf.resource?.aws_cloudwatch_log_subscription_filter ?? {})
    .map((f) => f.log_group_name as string)
    .filter((name) => typeof name === 'string' && !name.includes('${') && !created.has(name));
  return [...new Set(names)].sort();
}

/**
 * Provider endpoint key of each resource/data type family. A type no entry covers fails the suite:
 * add its endpoint here, or terraform would call real AWS.
 */
const ENDPOINT_OF: [prefix: string, endpoint: string | null][] = [
  ['aws_cloudwatch_log_', 'logs'],
  ['aws_cloudwatch_event_', 'events'],
  ['aws_cloudwatch_query_definition', 'logs'],
  ['aws_cloudwatch_metric_alarm', 'cloudwatch'],
  ['aws_cloudwatch_composite_alarm', 'cloudwatch'],
  ['aws_cloudwatch_dashboard', 'cloudwatch'],
  ['aws_iam_policy_document', null],
  ['aws_iam_', 'iam'],
  ['aws_kinesis_firehose_', 'firehose'],
  ['aws_kinesis_stream', 'kinesis'],
  ['aws_kms_', 'kms'],
  ['aws_lambda_', 'lambda'],
  ['aws_s3_', 's3'],
  ['aws_sqs_', 'sqs'],
  ['aws_sns_', 'sns'],
  ['aws_glue_', 'glue'],
  ['aws_athena_', 'athena'],
  ['aws_opensearch_', 'opensearch'],
  ['aws_opensearchserverless_', 'opensearchserverless'],
  ['aws_caller_identity', 'sts'],
  ['aws_partition', null],
  ['aws_region', null],
];

/** Endpoint keys of every service the stack's resources and data sources call, plus STS and S3 Control (account id, bucket tags). */
export function servicesUsed(tf: TfJson): string[] {
  return servicesFor([...Object.keys(tf.resource ?? {}), ...Object.keys(tf.data ?? {})]);
}

/** Endpoint keys of the services these resource and data source types call, plus STS and S3 Control. */
export function servicesFor(types: string[]): string[] {
  const used = new Set<string>(['sts']);
  for (const type of types) {
    const hit = ENDPOINT_OF.find(([prefix]) => type.startsWith(prefix));
    if (!hit) throw new Error(`no moto endpoint is known for ${type}: add its service to ENDPOINT_OF in test/apply/stack.ts`);
    if (hit[1]) used.add(hit[1]);
  }
  if (used.has('s3')) used.add('s3control');
  return [...used].sort();
}

/** `${var.x}` → x. */
const variableOf = (value: unknown) => (typeof value === 'string' ? /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(value)?.[1] : undefined);

/**
 * Terraform variables to set, found in the JSON (names may change): the OpenSearch endpoint the functions
 * get, pointed at the local node; the provider's skip-checks, turned off so the provider asks moto's STS
 * for the account as in a real deployment.
 */
export function testVariables(tf: TfJson, opensearchEndpoint: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const fn of Object.values(tf.resource?.aws_lambda_function ?? {})) {
    const name = variableOf(fn.environment?.variables?.[TARGET_ENV.endpoint]);
    if (name) vars[name] = opensearchEndpoint;
  }
  for (const provider of ((tf.provider as Record<string, Record<string, unknown>[]>)?.aws ?? []))
    for (const key of ['skip_credentials_validation', 'skip_requesting_account_id', 'skip_metadata_api_check']) {
      const name = variableOf(provider[key]);
      if (name) vars[name] = 'false';
    }
  return vars;
}
