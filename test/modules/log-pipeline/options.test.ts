import { expect } from 'chai';
import { onlyResource, resourcesOf, statementsOf } from '../../support/synth';
import { REF, synthPipeline } from './pipeline-fixture';

const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/existing';
const STREAM_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/stream-key';
const GIVEN_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/given';
const QUEUE = { arn: 'arn:aws:sqs:eu-west-1:123456789012:my-failures', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/my-failures', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/q' };
const BUCKET = { name: 'central-dead-letters', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/b' };

describe('LogPipeline: bring-your-own and optional features', () => {
  describe('existing stream', () => {
    // Given an existing stream and its key
    const tf = synthPipeline({ stream: { existingStreamArn: STREAM_ARN, existingStreamKmsKeyArn: STREAM_KEY } });

    it('creates no stream and wires subscriptions and the mapping to the given ARN', () => {
      expect(resourcesOf(tf, 'aws_kinesis_stream')).to.deep.equal({});
      expect(onlyResource(tf, 'aws_lambda_event_source_mapping')[1].event_source_arn).to.equal(STREAM_ARN);
      for (const f of Object.values(resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter'))) expect(f.destination_arn).to.equal(STREAM_ARN);
      expect(tf.output?.logs_stream_arn.value).to.equal(STREAM_ARN);
    });

    it('grants the stream key (not the pipeline key) for stream encryption', () => {
      const cwl = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').logs_subscription_role_policy.policy);
      expect(cwl.PutRecordsOnPipelineStream.resources).to.deep.equal([STREAM_ARN]);
      expect(cwl.EncryptStreamRecords.resources).to.deep.equal([STREAM_KEY]);
      const shipper = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').logs_shipper_policy.policy);
      expect(shipper.ReadPipelineStream.resources).to.deep.equal([STREAM_ARN]);
      expect(shipper.DecryptStreamRecords.resources).to.deep.equal([STREAM_KEY]);
    });

    it('grants no stream KMS use when the existing stream has no customer key', () => {
      const tf2 = synthPipeline({ stream: { existingStreamArn: STREAM_ARN } });
      const cwl = statementsOf(tf2, resourcesOf(tf2, 'aws_iam_role_policy').logs_subscription_role_policy.policy);
      expect(Object.keys(cwl)).to.deep.equal(['PutRecordsOnPipelineStream']);
      const shipper = statementsOf(tf2, resourcesOf(tf2, 'aws_iam_role_policy').logs_shipper_policy.policy);
      expect(shipper).to.not.have.property('DecryptStreamRecords');
    });
  });

  describe('given KMS key', () => {
    const tf = synthPipeline({ kmsKeyArn: GIVEN_KEY });

    it('creates no key or alias and uses the given key for stream, queue, bucket and log group', () => {
      expect(resourcesOf(tf, 'aws_kms_key')).to.deep.equal({});
      expect(resourcesOf(tf, 'aws_kms_alias')).to.deep.equal({});
      expect(tf.data?.aws_iam_policy_document).to.not.have.property('logs_key_policy');
      expect(onlyResource(tf, 'aws_kinesis_stream')[1].kms_key_id).to.equal(GIVEN_KEY);
      expect(onlyResource(tf, 'aws_sqs_queue')[1].kms_master_key_id).to.equal(GIVEN_KEY);
      expect(onlyResource(tf, 'aws_cloudwatch_log_group')[1].kms_key_id).to.equal(GIVEN_KEY);
      const sse = onlyResource(tf, 'aws_s3_bucket_server_side_encryption_configuration')[1];
      expect(sse.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).to.equal(GIVEN_KEY);
      expect(tf.output?.logs_kms_key_arn.value).to.equal(GIVEN_KEY);
    });
  });

  describe('given failure queue', () => {
    const tf = synthPipeline({ failureQueue: { existingQueue: QUEUE } });

    it('creates no queue; the mapping, policy, alarm and output use the given one', () => {
      expect(resourcesOf(tf, 'aws_sqs_queue')).to.deep.equal({});
      expect(onlyResource(tf, 'aws_lambda_event_source_mapping')[1].destination_config).to.deep.equal({ on_failure: { destination_arn: QUEUE.arn } });
      const s = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').logs_shipper_policy.policy);
      expect(s.SendToFailureQueue.resources).to.deep.equal([QUEUE.arn]);
      expect(s.EncryptFailureQueueMessages.resources).to.deep.equal([QUEUE.kmsKeyArn]);
      expect(resourcesOf(tf, 'aws_cloudwatch_metric_alarm').logs_alarms_failure_queue.dimensions).to.deep.equal({ QueueName: 'my-failures' });
      expect(tf.output?.logs_failure_queue_url.value).to.equal(QUEUE.url);
    });
  });

  describe('given dead-letter bucket', () => {
    const tf = synthPipeline({ deadLetter: { existingBucket: BUCKET, prefix: 'cwl/' } });

    it('creates no bucket or bucket configuration; the shipper writes under the given prefix only', () => {
      for (const type of [
        'aws_s3_bucket',
        'aws_s3_bucket_policy',
        'aws_s3_bucket_public_access_block',
        'aws_s3_bucket_ownership_controls',
        'aws_s3_bucket_server_side_encryption_configuration',
        'aws_s3_bucket_lifecycle_configuration',
      ]) {
        expect(resourcesOf(tf, type), type).to.deep.equal({});
      }
      const s = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').logs_shipper_policy.policy);
      expect(s.WriteDeadLetters.resources).to.deep.equal([`arn:${REF.partition}:s3:::central-dead-letters/cwl/*`]);
      expect(s.EncryptDeadLetters.resources).to.deep.equal([BUCKET.kmsKeyArn]);
      const vars = onlyResource(tf, 'aws_lambda_function')[1].environment.variables;
      expect([vars.DEAD_LETTER_BUCKET, vars.DEAD_LETTER_PREFIX]).to.deep.equal(['central-dead-letters', 'cwl/']);
      expect(tf.output?.logs_dead_letter_bucket.value).to.equal('central-dead-letters');
    });

    it('grants no bucket KMS use when the given bucket has no customer key', () => {
      const tf2 = synthPipeline({ deadLetter: { existingBucket: { name: 'plain-bucket' } } });
      const s = statementsOf(tf2, resourcesOf(tf2, 'aws_iam_role_policy').logs_shipper_policy.policy);
      expect(s).to.not.have.property('EncryptDeadLetters');
    });
  });

  describe('alarms off', () => {
    it('creates no alarm', () => {
      const tf = synthPipeline({ alarms: { enabled: false } });
      expect(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).to.deep.equal({});
    });
  });

  describe('no VPC (default) / VPC', () => {
    it('creates no security group and no vpc_config by default', () => {
      const tf = synthPipeline();
      expect(resourcesOf(tf, 'aws_security_group')).to.deep.equal({});
      expect(resourcesOf(tf, 'aws_vpc_security_group_egress_rule')).to.deep.equal({});
      expect(onlyResource(tf, 'aws_lambda_function')[1]).to.not.have.property('vpc_config');
    });

    it('with a VPC: the shipper gets an HTTPS-only security group', () => {
      const tf = synthPipeline({ shipper: { vpc: { subnetIds: ['subnet-1', 'subnet-2'], vpcId: 'vpc-1' } } });
      const [, sg] = onlyResource(tf, 'aws_security_group');
      expect(sg).to.include({ name: 'test-logs-shipper', vpc_id: 'vpc-1' });
      expect(onlyResource(tf, 'aws_vpc_security_group_egress_rule')[1]).to.include({ ip_protocol: 'tcp', from_port: 443, to_port: 443 });
      expect(onlyResource(tf, 'aws_lambda_function')[1].vpc_config.subnet_ids).to.deep.equal(['subnet-1', 'subnet-2']);
    });
  });

  describe('no cross-account, no account policy (default)', () => {
    it('creates no destination, destination policy or account policy', () => {
      const tf = synthPipeline();
      expect(resourcesOf(tf, 'aws_cloudwatch_log_destination')).to.deep.equal({});
      expect(resourcesOf(tf, 'aws_cloudwatch_log_destination_policy')).to.deep.equal({});
      expect(resourcesOf(tf, 'aws_cloudwatch_log_account_policy')).to.deep.equal({});
      expect(tf.output).to.not.have.property('logs_destination_arn');
    });
  });

  describe('account-level subscription policy', () => {
    const tf = synthPipeline({ logGroupNames: undefined, accountPolicy: { excludeLogGroupNames: ['/aws/lambda/noisy', '/aws/lambda/noisy'] } });

    it('creates one SUBSCRIPTION_FILTER_POLICY that excludes the shipper log group, after the role policy', () => {
      expect(resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter')).to.deep.equal({});
      const [id, p] = onlyResource(tf, 'aws_cloudwatch_log_account_policy');
      expect(id).to.equal('logs_account_policy');
      expect(p).to.include({ policy_name: 'test-logs', policy_type: 'SUBSCRIPTION_FILTER_POLICY', scope: 'ALL' });
      expect(p.selection_criteria).to.equal('LogGroupName NOT IN ["/aws/lambda/noisy","/aws/lambda/test-logs-shipper"]');
      expect(p.policy_document).to.equal(
        '${jsonencode({"DestinationArn" = aws_kinesis_stream.logs_stream.arn, "RoleArn" = aws_iam_role.logs_subscription_role.arn, "FilterPattern" = "", "Distribution" = "Random"})}',
      );
      expect(p.depends_on).to.deep.equal(['aws_iam_role_policy.logs_subscription_role_policy']);
    });

    it('always excludes the shipper log group, even with no user exclusions', () => {
      const tf2 = synthPipeline({ logGroupNames: undefined, accountPolicy: {} });
      expect(onlyResource(tf2, 'aws_cloudwatch_log_account_policy')[1].selection_criteria).to.equal('LogGroupName NOT IN ["/aws/lambda/test-logs-shipper"]');
    });
  });

  describe('cross-account destination', () => {
    const sources = ['111111111111', '222222222222'];
    const tf = synthPipeline({ logGroupNames: undefined, crossAccount: { sourceAccountIds: sources } });

    it('creates a destination on the stream with the CWL role, after the role policy', () => {
      const [, d] = onlyResource(tf, 'aws_cloudwatch_log_destination');
      expect(d).to.deep.equal({
        name: 'test-logs',
        role_arn: REF.subscriptionRole,
        target_arn: REF.stream,
        depends_on: ['aws_iam_role_policy.logs_subscription_role_policy'],
      });
      expect(tf.output?.logs_destination_arn.value).to.equal('${aws_cloudwatch_log_destination.logs_destination.arn}');
    });

    it('lets only the source accounts subscribe to the destination', () => {
      const [, dp] = onlyResource(tf, 'aws_cloudwatch_log_destination_policy');
      expect(dp.destination_name).to.equal('${aws_cloudwatch_log_destination.logs_destination.name}');
      expect(statementsOf(tf, dp.access_policy)).to.deep.equal({
        AllowSourceAccountsToSubscribe: {
          sid: 'AllowSourceAccountsToSubscribe',
          effect: 'Allow',
          actions: ['logs:PutSubscriptionFilter', 'logs:PutAccountPolicy'],
          resources: ['${aws_cloudwatch_log_destination.logs_destination.arn}'],
          principals: { AWS: sources },
          conditions: {},
        },
      });
    });

    it('trusts CloudWatch Logs acting for this account and the source accounts only', () => {
      const trust = statementsOf(tf, resourcesOf(tf, 'aws_iam_role').logs_subscription_role.assume_role_policy).AssumeRole;
      expect(trust.conditions).to.deep.equal({
        StringEquals: { 'aws:SourceAccount': [REF.account, ...sources] },
        ArnLike: {
          'aws:SourceArn': [REF.account, ...sources].map((a) => `arn:${REF.partition}:logs:${REF.region}:${a}:*`),
        },
      });
    });
  });
});
