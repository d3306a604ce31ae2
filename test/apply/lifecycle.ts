/**
 * The terraform steps every configuration under test goes through (an example stack of main.ts or a
 * registry module's examples/complete): validate, plan, apply, a second plan, destroy, each judged
 * against test/apply/known-gaps.ts. The spec files add what is particular to them.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { emptyAllBuckets } from './deployed';
import { undeletable } from './known-gaps';
import { errorDiagnostics, judgeErrors, judgeSecondPlan, plannedActions, typeOfAddress, type Judgement, type PlanJson, type Terraform } from './terraform';

export function report(title: string, j: Judgement): void {
  for (const e of j.excused) console.log(`      known gap ${e.gap.id}: ${e.what.slice(0, 300)}`);
  if (j.unexcused.length) console.log(`      ${title}, not excused by test/apply/known-gaps.ts:\n        ${j.unexcused.join('\n        ')}`);
}

/** `module.logs.aws_x.y` → `aws_x.y` (any depth of modules, indexed or not). */
export const withoutModulePath = (address: string): string => address.replace(/^(?:module\.[^.[]+(?:\[[^\]]*\])?\.)+/, '');

/** Managed resources in the state (data sources left out). */
export async function stateList(tf: Terraform): Promise<string[]> {
  return (await tf.run(['state', 'list'])).stdout.split('\n').filter((l) => l && !withoutModulePath(l).startsWith('data.'));
}

export async function expectValid(tf: Terraform): Promise<void> {
  const { stdout } = await tf.run(['validate', '-json', '-no-color']);
  const v = JSON.parse(stdout) as { valid: boolean; error_count: number; warning_count: number; diagnostics: unknown[] };
  expect(v, JSON.stringify(v.diagnostics)).to.include({ valid: true, error_count: 0, warning_count: 0 });
}

/** `plan -out=initial.tfplan`; asserts it only creates, and returns the plan and the addresses it creates. */
export async function planCreateOnly(tf: Terraform): Promise<{ plan: PlanJson; created: string[] }> {
  await tf.run(['plan', '-input=false', '-no-color', '-out=initial.tfplan']);
  const plan = JSON.parse((await tf.run(['show', '-json', 'initial.tfplan'])).stdout) as PlanJson;
  const actions = plannedActions(plan);
  expect(Object.keys(actions)).to.deep.equal(['create']);
  return { plan, created: actions.create! };
}

/** Creates the log groups a deployment would find (the configuration subscribes them, it does not create them). */
export async function createLogGroups(logs: CloudWatchLogsClient, names: string[]): Promise<void> {
  for (const logGroupName of names) await logs.send(new CreateLogGroupCommand({ logGroupName }));
}

/**
 * Applies initial.tfplan: every error must be a known moto gap, and everything else must be in the
 * state. Returns the addresses that failed for a known gap.
 */
export async function applyJudged(tf: Terraform, planned: number): Promise<string[]> {
  const { stdout } = await tf.run(['apply', '-json', '-input=false', '-auto-approve', 'initial.tfplan'], { allowFailure: true });
  const judged = judgeErrors(errorDiagnostics(stdout));
  report('apply errors', judged);
  expect(judged.unexcused).to.deep.equal([]);
  expect(await stateList(tf)).to.have.length(planned - judged.failedAddresses.length);
  return judged.failedAddresses;
}

/** The plan after apply changes nothing but what known gaps excuse. */
export async function secondPlanJudged(tf: Terraform, failedAddresses: string[]): Promise<void> {
  await tf.run(['plan', '-input=false', '-no-color', '-out=second.tfplan']);
  const plan = JSON.parse((await tf.run(['show', '-json', 'second.tfplan'])).stdout) as PlanJson;
  const judged = judgeSecondPlan(plan, failedAddresses);
  report('second plan', judged);
  expect(judged.unexcused).to.deep.equal([]);
}

/** Empties the buckets (as a user does), takes out what moto cannot delete, destroys: nothing may be left. */
export async function destroyJudged(tf: Terraform, s3: S3Client): Promise<void> {
  await emptyAllBuckets(s3);
  const kept = undeletable(await stateList(tf), typeOfAddress);
  for (const { address, gap } of kept) console.log(`      known gap ${gap.id}: ${address} left in moto, taken out of the state`);
  if (kept.length) await tf.run(['state', 'rm', ...kept.map((k) => k.address)]);
  const { stdout } = await tf.run(['destroy', '-json', '-input=false', '-auto-approve'], { allowFailure: true });
  const judged = judgeErrors(errorDiagnostics(stdout));
  report('destroy errors', judged);
  expect(judged.unexcused).to.deep.equal([]);
  expect(await stateList(tf)).to.deep.equal([]);
}
