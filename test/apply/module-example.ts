/**
 * Pure helpers of the registry-module half of test:apply: what a module declares (its main.tf) and
 * what a plan of its example creates, compared block by block.
 */
import { splitBlocks } from '../../scripts/modules/hcl';
import { withoutModulePath } from './lifecycle';
import type { PlanJson } from './terraform';

export interface DeclaredBlock {
  readonly kind: 'resource' | 'data';
  readonly type: string;
  readonly name: string;
}

/** The resource and data blocks of a generated module's main.tf. */
export function declaredResources(mainTf: string): DeclaredBlock[] {
  return splitBlocks(mainTf)
    .filter((b): b is typeof b & { kind: 'resource' | 'data' } => b.kind === 'resource' || b.kind === 'data')
    .map((b) => ({ kind: b.kind, type: b.labels[0]!, name: b.labels[1]! }));
}

/** `module.logs.aws_x.y["k"]` → `aws_x.y`: the distinct blocks a plan's addresses come from, sorted. */
export function plannedBlocks(addresses: string[]): string[] {
  return [...new Set(addresses.map((a) => withoutModulePath(a).replace(/\[[^\]]*\]$/, '')))].sort();
}

/** Log groups the plan subscribes (subscription filters) but does not create: a deployment must find them. */
export function subscribedNotCreated(plan: PlanJson): string[] {
  const after = (type: string, key: string) =>
    (plan.resource_changes ?? [])
      .filter((rc) => rc.mode === 'managed' && rc.type === type && rc.change.actions.includes('create'))
      .map((rc) => rc.change.after?.[key])
      .filter((v): v is string => typeof v === 'string');
  const created = new Set(after('aws_cloudwatch_log_group', 'name'));
  return [...new Set(after('aws_cloudwatch_log_subscription_filter', 'log_group_name'))].filter((n) => !created.has(n)).sort();
}
