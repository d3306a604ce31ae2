import { Construct } from 'constructs';
import { Fn, TerraformIterator, Token, type ITerraformDependable } from 'cdktf';
import { CloudwatchLogAccountPolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-account-policy';
import { CloudwatchLogDestination } from '@cdktf/provider-aws/lib/cloudwatch-log-destination';
import { CloudwatchLogDestinationPolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-destination-policy';
import { CloudwatchLogSubscriptionFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter';
import { policyDocument } from '../common/iam';
import { destinationPolicyStatements } from './iam';
import { subscriptionId } from './names';

export interface PipelineSourcesProps {
  readonly name: string;
  readonly streamArn: string;
  readonly roleArn: string;
  /** CloudWatch Logs test-writes to the stream with the role when a subscription is created: wait for its policy. */
  readonly rolePolicy: ITerraformDependable;
  readonly filterPattern: string;
  readonly logGroupNames?: string[];
  /** Log groups never subscribed by the account policy (the shipper's own, against a feedback loop). */
  readonly accountPolicyExcludes?: string[];
  readonly crossAccountIds?: string[];
  readonly tags?: Record<string, string>;
}

/**
 * The three ways logs reach the stream: a subscription filter per log group, one account-level
 * subscription filter policy, or a destination other accounts subscribe to. Resources are created
 * directly in `scope` so their logical ids stay `<pipeline>_filter_…`, `<pipeline>_account_policy`,
 * `<pipeline>_destination`.
 */
export function createSources(scope: Construct, p: PipelineSourcesProps) {
  const filter = (id: string, logGroupName: string, forEach?: TerraformIterator) =>
    new CloudwatchLogSubscriptionFilter(scope, id, {
      forEach,
      name: `${p.name}-to-kinesis`,
      logGroupName,
      filterPattern: p.filterPattern,
      destinationArn: p.streamArn,
      roleArn: p.roleArn,
      // Spread load over shards; document order does not matter to OpenSearch.
      distribution: 'Random',
      dependsOn: [p.rolePolicy],
    });
  let subscriptionFilters: CloudwatchLogSubscriptionFilter[];
  if (p.logGroupNames && Token.isUnresolved(p.logGroupNames)) {
    // A list known only at plan time (a Terraform variable): one resource with for_each over it,
    // keyed by log group name, so adding a group never touches the others (`<pipeline>_filters["/aws/…"]`).
    const groups = TerraformIterator.fromList(p.logGroupNames);
    subscriptionFilters = [filter('filters', groups.value, groups)];
  } else {
    subscriptionFilters = (p.logGroupNames ?? []).map((logGroupName, i) => filter(subscriptionId(logGroupName, i), logGroupName));
  }
  let accountPolicy: CloudwatchLogAccountPolicy | undefined;
  if (p.accountPolicyExcludes) {
    const excluded = [...new Set(p.accountPolicyExcludes)].sort();
    accountPolicy = new CloudwatchLogAccountPolicy(scope, 'account_policy', {
      policyName: p.name,
      policyType: 'SUBSCRIPTION_FILTER_POLICY',
      scope: 'ALL',
      // jsonencode, not JSON.stringify: cdktf's HCL output garbles JSON strings holding references.
      policyDocument: Fn.jsonencode({ DestinationArn: p.streamArn, RoleArn: p.roleArn, FilterPattern: p.filterPattern, Distribution: 'Random' }),
      selectionCriteria: `LogGroupName NOT IN ${JSON.stringify(excluded)}`,
      dependsOn: [p.rolePolicy],
    });
  }
  let destinationArn: string | undefined;
  if (p.crossAccountIds) {
    const destination = new CloudwatchLogDestination(scope, 'destination', {
      name: p.name,
      roleArn: p.roleArn,
      targetArn: p.streamArn,
      tags: p.tags,
      dependsOn: [p.rolePolicy],
    });
    new CloudwatchLogDestinationPolicy(scope, 'destination_policy', {
      destinationName: destination.name,
      accessPolicy: policyDocument(scope, 'destination_access_policy', destinationPolicyStatements(destination.arn, p.crossAccountIds)),
    });
    destinationArn = destination.arn;
  }
  return { subscriptionFilters, accountPolicy, destinationArn };
}
