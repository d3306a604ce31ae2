import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import { CloudwatchLogAccountPolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-account-policy';
import { CloudwatchLogSubscriptionFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter';
import { useStableLogicalIds } from '../common/logical-ids';
import { LOG_GROUP_NAME_RULE } from '../../functions/shared/contract';
import { checkName, failFor } from '../common/validation';
import { subscriptionId } from './names';

export interface LogPipelineSourceAccountProps {
  /** Names the subscription filters / account policy: 3..32 lowercase letters, digits, hyphens. */
  readonly name: string;
  /** The pipeline's destination ARN (LogPipeline output `destination_arn`), same region. */
  readonly destinationArn: string;
  /** Log groups of this account to send. Mutually exclusive with `accountPolicy`. */
  readonly logGroupNames?: string[];
  /** Send every log group of this account, except these. */
  readonly accountPolicy?: { readonly excludeLogGroupNames?: string[] };
  /** @default '' (every event) */
  readonly filterPattern?: string;
}

/**
 * Deploy in each source account (with that account's provider) to send its logs to a
 * LogPipeline's cross-account destination. The destination's role does the writing, so no
 * role is created here; the pipeline must list this account in `crossAccount.sourceAccountIds`.
 */
export class LogPipelineSourceAccount extends Construct {
  readonly subscriptionFilters: CloudwatchLogSubscriptionFilter[] = [];
  readonly accountPolicy?: CloudwatchLogAccountPolicy;

  constructor(scope: Construct, id: string, props: LogPipelineSourceAccountProps) {
    super(scope, id);
    useStableLogicalIds(this);
    const where = 'LogPipelineSourceAccount';
    checkName(failFor(where), props.name);
    if (!Token.isUnresolved(props.destinationArn) && !/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:destination:[^:*]+$/.test(props.destinationArn)) {
      throw new Error(`${where}: destinationArn is not a CloudWatch Logs destination ARN: "${props.destinationArn}"`);
    }
    if (props.logGroupNames && props.accountPolicy) throw new Error(`${where}: give logGroupNames or accountPolicy, not both`);
    if (!props.accountPolicy && (props.logGroupNames ?? []).length === 0) {
      throw new Error(`${where}: no log source: give logGroupNames (non-empty) or accountPolicy`);
    }
    for (const g of props.accountPolicy?.excludeLogGroupNames ?? []) {
      if (Token.isUnresolved(g) || !LOG_GROUP_NAME_RULE.pattern.test(g)) throw new Error(`${where}: accountPolicy.excludeLogGroupNames: "${g}" is not a literal log group name (${LOG_GROUP_NAME_RULE.describe})`);
    }
    const filterPattern = props.filterPattern ?? '';

    for (const [i, logGroupName] of (props.logGroupNames ?? []).entries()) {
      this.subscriptionFilters.push(
        new CloudwatchLogSubscriptionFilter(this, subscriptionId(logGroupName, i), {
          name: `${props.name}-to-pipeline`,
          logGroupName,
          filterPattern,
          destinationArn: props.destinationArn,
          distribution: 'Random',
        }),
      );
    }
    if (props.accountPolicy) {
      const excluded = [...new Set(props.accountPolicy.excludeLogGroupNames ?? [])].sort();
      this.accountPolicy = new CloudwatchLogAccountPolicy(this, 'account_policy', {
        policyName: props.name,
        policyType: 'SUBSCRIPTION_FILTER_POLICY',
        scope: 'ALL',
        // jsonencode: cdktf's HCL output garbles JSON strings holding references.
        policyDocument: Fn.jsonencode({ DestinationArn: props.destinationArn, FilterPattern: filterPattern, Distribution: 'Random' }),
        selectionCriteria: excluded.length > 0 ? `LogGroupName NOT IN ${JSON.stringify(excluded)}` : undefined,
      });
    }
  }
}
