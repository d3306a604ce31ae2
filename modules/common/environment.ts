import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';

/** Where a construct is deployed, resolved at plan time (no literal region or account needed). */
export interface DeployEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** Data sources `<scope>_partition`, `_region`, `_account` (computed locally by the provider, no write). */
export function deployEnvironment(scope: Construct): DeployEnvironment {
  return {
    partition: new DataAwsPartition(scope, 'partition').partition,
    region: new DataAwsRegion(scope, 'region').region,
    accountId: new DataAwsCallerIdentity(scope, 'account').accountId,
  };
}
