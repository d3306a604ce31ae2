import { expect } from 'chai';
import { LogPipelineSourceAccount, LogPipelineSourceAccountProps } from '../../../modules/log-pipeline';
import { onlyResource, resourcesOf, synth } from '../../support/synth';

const DEST = 'arn:aws:logs:eu-west-1:999999999999:destination:central-logs';
const base: LogPipelineSourceAccountProps = { name: 'to-central', destinationArn: DEST, logGroupNames: ['/aws/lambda/a', '/aws/lambda/b'] };
const synthSource = (p: Partial<LogPipelineSourceAccountProps> = {}) => synth((s) => new LogPipelineSourceAccount(s, 'src', { ...base, ...p }));

describe('LogPipelineSourceAccount (companion for source accounts)', () => {
  it('subscribes each log group to the destination without a role', () => {
    const tf = synthSource({ filterPattern: 'ERROR' });
    expect(resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter')).to.deep.equal({
      src_filter_aws_lambda_a: { name: 'to-central-to-pipeline', log_group_name: '/aws/lambda/a', filter_pattern: 'ERROR', destination_arn: DEST, distribution: 'Random' },
      src_filter_aws_lambda_b: { name: 'to-central-to-pipeline', log_group_name: '/aws/lambda/b', filter_pattern: 'ERROR', destination_arn: DEST, distribution: 'Random' },
    });
    expect(resourcesOf(tf, 'aws_iam_role')).to.deep.equal({});
    expect(tf.provider).to.equal(undefined);
  });

  it('with accountPolicy: one account-level policy to the destination, exclusions sorted and unique', () => {
    const tf = synthSource({ logGroupNames: undefined, accountPolicy: { excludeLogGroupNames: ['/z', '/a', '/z'] } });
    expect(resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter')).to.deep.equal({});
    const [, p] = onlyResource(tf, 'aws_cloudwatch_log_account_policy');
    expect(p).to.deep.equal({
      policy_name: 'to-central',
      policy_type: 'SUBSCRIPTION_FILTER_POLICY',
      scope: 'ALL',
      policy_document: `\${jsonencode({"DestinationArn" = "${DEST}", "FilterPattern" = "", "Distribution" = "Random"})}`,
      selection_criteria: 'LogGroupName NOT IN ["/a","/z"]',
    });
  });

  it('rejects invalid props with clear errors', () => {
    expect(() => synthSource({ destinationArn: 'arn:aws:kinesis:eu-west-1:999999999999:stream/s' })).to.throw(/destinationArn is not a CloudWatch Logs destination ARN/);
    expect(() => synthSource({ accountPolicy: {} })).to.throw(/give logGroupNames or accountPolicy, not both/);
    expect(() => synthSource({ logGroupNames: [] })).to.throw(/no log source/);
    expect(() => synthSource({ name: 'X' })).to.throw(/name must be 3\.\.32 lowercase/);
    expect(() => synthSource({ logGroupNames: undefined, accountPolicy: { excludeLogGroupNames: ['a b'] } })).to.throw(/"a b" is not a literal log group name/);
  });
});
