import { expect } from 'chai';
import { bundleFunction } from '../../../modules/common/function-bundle';
import { BundledFunction, BundledFunctionProps } from '../../../modules/common/bundled-function';
import { onlyResource, resourcesOf, statementsOf, synth } from '../../support/synth';

const base: BundledFunctionProps = {
  functionName: 'my-fn',
  functionDir: 'shipper',
  logKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
  policyStatements: [{ sid: 'ReadThing', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/prefix/*'] }],
};

describe('common/BundledFunction', () => {
  it('creates the function with arm64, nodejs22.x, JSON logging and the bundle hash', () => {
    // Given a function with defaults
    const tf = synth((s) => new BundledFunction(s, 'fn', base));
    // Then the Lambda carries the documented defaults
    const [id, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(id).to.equal('fn_function');
    expect(fn.function_name).to.equal('my-fn');
    expect(fn.architectures).to.deep.equal(['arm64']);
    expect(fn.runtime).to.equal('nodejs22.x');
    expect(fn.handler).to.equal('index.handler');
    expect(fn.memory_size).to.equal(256);
    expect(fn.timeout).to.equal(60);
    expect(fn.source_code_hash).to.equal(bundleFunction('shipper').sourceCodeHash);
    expect(fn.filename).to.match(/^assets\/fn_code\/[0-9A-F]+\/shipper\.zip$/);
    expect(fn.logging_config).to.deep.equal({
      log_format: 'JSON',
      application_log_level: 'INFO',
      system_log_level: 'WARN',
      log_group: '${aws_cloudwatch_log_group.fn_logs.name}',
    });
    expect(fn.role).to.equal('${aws_iam_role.fn_role.arn}');
    expect(fn.depends_on).to.deep.equal(['aws_cloudwatch_log_group.fn_logs', 'aws_iam_role_policy.fn_policy']);
    expect(fn).to.not.have.property('vpc_config');
    expect(fn).to.not.have.property('reserved_concurrent_executions');
  });

  it('creates its own log group with retention and KMS', () => {
    const tf = synth((s) => new BundledFunction(s, 'fn', { ...base, logRetentionDays: 14 }));
    const [, lg] = onlyResource(tf, 'aws_cloudwatch_log_group');
    expect(lg).to.deep.equal({ name: '/aws/lambda/my-fn', retention_in_days: 14, kms_key_id: base.logKmsKeyArn });
  });

  it('trusts only lambda.amazonaws.com and grants log writing on its own group plus the given statements', () => {
    const tf = synth((s) => new BundledFunction(s, 'fn', base));
    const [, role] = onlyResource(tf, 'aws_iam_role');
    const trust = statementsOf(tf, role.assume_role_policy);
    expect(Object.keys(trust)).to.deep.equal(['AssumeRole']);
    expect(trust.AssumeRole.principals).to.deep.equal({ Service: ['lambda.amazonaws.com'] });
    expect(trust.AssumeRole.actions).to.deep.equal(['sts:AssumeRole']);
    const [, policy] = onlyResource(tf, 'aws_iam_role_policy');
    expect(policy.role).to.equal('${aws_iam_role.fn_role.id}');
    const s = statementsOf(tf, policy.policy);
    expect(Object.keys(s)).to.deep.equal(['WriteOwnLogs', 'ReadThing']);
    expect(s.WriteOwnLogs.actions).to.deep.equal(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(s.WriteOwnLogs.resources).to.deep.equal(['${aws_cloudwatch_log_group.fn_logs.arn}:*']);
    expect(s.ReadThing.actions).to.deep.equal(['s3:GetObject']);
    expect(s.ReadThing.resources).to.deep.equal(['arn:aws:s3:::bucket/prefix/*']);
  });

  it('sets reserved concurrency and sorted environment variables when given', () => {
    const tf = synth((s) => new BundledFunction(s, 'fn', { ...base, reservedConcurrency: 5, environment: { B: '2', A: '1' } }));
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.reserved_concurrent_executions).to.equal(5);
    expect(Object.keys(fn.environment.variables)).to.deep.equal(['A', 'B']);
  });

  it('sets X-Ray tracing to PassThrough by default, and Active with the X-Ray write actions when asked', () => {
    // Given a function with defaults, then one with active tracing
    const passive = synth((s) => new BundledFunction(s, 'fn', base));
    const active = synth((s) => new BundledFunction(s, 'fn', { ...base, tracing: 'Active' }));
    // Then the default traces only what an upstream service sampled, and grants nothing for it
    expect(onlyResource(passive, 'aws_lambda_function')[1].tracing_config).to.deep.equal({ mode: 'PassThrough' });
    expect(Object.keys(statementsOf(passive, onlyResource(passive, 'aws_iam_role_policy')[1].policy))).to.deep.equal(['WriteOwnLogs', 'ReadThing']);
    // And Active samples itself and may write traces (X-Ray has no resource-level permissions: "*")
    expect(onlyResource(active, 'aws_lambda_function')[1].tracing_config).to.deep.equal({ mode: 'Active' });
    const s = statementsOf(active, onlyResource(active, 'aws_iam_role_policy')[1].policy);
    expect(s.WriteTraces).to.deep.include({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] });
    // And an unknown mode is refused at synth
    expect(() => synth((st) => new BundledFunction(st, 'fn', { ...base, tracing: 'On' as 'Active' }))).to.throw(/tracing must be 'Active' or 'PassThrough', got "On"/);
  });

  it('with a VPC: creates an HTTPS-only egress security group and the ENI statement (commented wildcard)', () => {
    // Given a VPC without security groups
    const tf = synth((s) => new BundledFunction(s, 'fn', { ...base, vpc: { subnetIds: ['subnet-a', 'subnet-b'], vpcId: 'vpc-1' } }));
    // Then one security group with no inline rules and a single TCP 443 egress rule
    const [sgId, sg] = onlyResource(tf, 'aws_security_group');
    expect(sg).to.not.have.property('ingress');
    expect(sg).to.not.have.property('egress');
    expect(sg.vpc_id).to.equal('vpc-1');
    expect(resourcesOf(tf, 'aws_vpc_security_group_ingress_rule')).to.deep.equal({});
    const [, rule] = onlyResource(tf, 'aws_vpc_security_group_egress_rule');
    expect(rule).to.include({ ip_protocol: 'tcp', from_port: 443, to_port: 443, cidr_ipv4: '0.0.0.0/0' });
    expect(rule.security_group_id).to.equal(`\${aws_security_group.${sgId}.id}`);
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.vpc_config).to.deep.equal({ subnet_ids: ['subnet-a', 'subnet-b'], security_group_ids: [`\${aws_security_group.${sgId}.id}`] });
    const s = statementsOf(tf, onlyResource(tf, 'aws_iam_role_policy')[1].policy);
    expect(s.ManageVpcEnis.resources).to.deep.equal(['*']);
    expect(s.ManageVpcEnis.actions).to.deep.equal([
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ]);
  });

  it('with given security groups: creates no security group', () => {
    const tf = synth((s) => new BundledFunction(s, 'fn', { ...base, vpc: { subnetIds: ['subnet-a'], securityGroupIds: ['sg-1'] } }));
    expect(resourcesOf(tf, 'aws_security_group')).to.deep.equal({});
    expect(resourcesOf(tf, 'aws_vpc_security_group_egress_rule')).to.deep.equal({});
    expect(onlyResource(tf, 'aws_lambda_function')[1].vpc_config.security_group_ids).to.deep.equal(['sg-1']);
  });

  it('without a VPC: no security group and no ENI permissions', () => {
    const tf = synth((s) => new BundledFunction(s, 'fn', base));
    expect(resourcesOf(tf, 'aws_security_group')).to.deep.equal({});
    expect(statementsOf(tf, onlyResource(tf, 'aws_iam_role_policy')[1].policy)).to.not.have.property('ManageVpcEnis');
  });

  describe('validation', () => {
    const cases: [string, Partial<BundledFunctionProps>, RegExp][] = [
      ['bad function name', { functionName: 'has space' }, /functionName must be 1\.\.64/],
      ['memory out of range', { memorySize: 64 }, /memorySize must be an integer 128\.\.10240/],
      ['timeout out of range', { timeout: 901 }, /timeout must be an integer 1\.\.900/],
      ['retention not allowed by CloudWatch', { logRetentionDays: 10 }, /logRetentionDays must be one of 1, 3, 5/],
      ['zero reserved concurrency', { reservedConcurrency: 0 }, /reservedConcurrency must be an integer >= 1/],
      ['VPC without subnets', { vpc: { subnetIds: [], vpcId: 'vpc-1' } }, /vpc.subnetIds must list at least one subnet/],
      ['VPC without vpcId or groups', { vpc: { subnetIds: ['s'] } }, /vpc.vpcId is required/],
      ['reserved env var', { environment: { AWS_REGION: 'x' } }, /AWS_REGION are reserved by Lambda/],
      ['bad function dir', { functionDir: '../x' }, /functionDir must be a folder name/],
    ];
    for (const [what, change, message] of cases) {
      it(`rejects ${what}`, () => {
        expect(() => synth((s) => new BundledFunction(s, 'fn', { ...base, ...change }))).to.throw(message);
      });
    }
  });
});
