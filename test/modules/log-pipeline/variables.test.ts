import { expect } from 'chai';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { LogPipeline } from '../../../modules/log-pipeline';
import { resourcesOf, synth } from '../../support/synth';
import { DOMAIN_ARN } from './pipeline-fixture';

const ENDPOINT = 'https://search-logs.eu-west-1.es.amazonaws.com';

describe('modules/log-pipeline: props given as Terraform variables (the registry module)', () => {
  it('defers the checks of variable props to plan time and subscribes a log group list variable with for_each', () => {
    // Given name, log groups, retention and shipper memory as Terraform variables (unknown at synth)
    const tf = synth((scope) => {
      const v = (id: string, type: string) => new TerraformVariable(TerraformStack.of(scope), id, { type });
      new LogPipeline(scope, 'logs', {
        name: v('name', 'string').stringValue,
        logGroupNames: v('groups', 'list(string)').listValue,
        stream: { retentionHours: v('retention', 'number').numberValue },
        shipper: { memorySize: v('memory', 'number').numberValue, logRetentionDays: v('log_days', 'number').numberValue },
        opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, maxBulkBytes: v('bulk', 'number').numberValue },
      });
    });
    // Then the construct synthesizes (no literal check ran on a token) with the variables wired in
    const [filterId, filter] = Object.entries(resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter'))[0]!;
    expect(Object.keys(resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter'))).to.deep.equal([filterId]);
    expect(filterId).to.equal('logs_filters');
    expect(filter.for_each).to.equal('${toset(var.groups)}');
    expect(filter.log_group_name).to.equal('${each.value}');
    expect(filter.name).to.equal('${var.name}-to-kinesis');
    expect(resourcesOf(tf, 'aws_kinesis_stream').logs_stream!.retention_period).to.equal('${var.retention}');
    const fn = resourcesOf(tf, 'aws_lambda_function').logs_shipper_function!;
    expect(fn.memory_size).to.equal('${var.memory}');
    expect(fn.environment.variables.MAX_BULK_BYTES).to.equal('${var.bulk}');
    expect(resourcesOf(tf, 'aws_cloudwatch_log_group').logs_shipper_logs!.retention_in_days).to.equal('${var.log_days}');
  });

  it('still checks literal values, and keeps one filter per literal log group', () => {
    // Given literal props: one bad, one good
    expect(() => synth((s) => new LogPipeline(s, 'logs', { name: 'Logs', logGroupNames: ['/a'], opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN } }))).to.throw(/name must be 3\.\.32/);
    const tf = synth((s) => new LogPipeline(s, 'logs', { name: 'logs', logGroupNames: ['/aws/lambda/a', '/ecs/b'], opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN } }));
    // Then the filters are named after their log groups, without for_each
    const filters = resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter');
    expect(Object.keys(filters).sort()).to.deep.equal(['logs_filter_aws_lambda_a', 'logs_filter_ecs_b']);
    expect(Object.values(filters).every((f) => f.for_each === undefined)).to.equal(true);
  });
});
