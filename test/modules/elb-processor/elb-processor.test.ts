import { expect } from 'chai';
import { ElbProcessor, type ElbProcessorProps } from '../../../modules/elb-processor';
import { onlyResource, resourcesOf, statementsOf, synth } from '../../support/synth';

const base: ElbProcessorProps = {
  region: 'eu-west-1',
  opensearchEndpoint: 'https://search-logs.eu-west-1.es.amazonaws.com',
  opensearchArn: 'arn:aws:es:eu-west-1:123456789012:domain/logs',
};

describe('modules/elb-processor: ElbProcessor synth', () => {
  it('creates a private, encrypted, expiring log bucket with defaults', () => {
    // Given the construct with only the required props
    const tf = synth((s) => new ElbProcessor(s, 'elb', base));
    // Then the bucket blocks public access, uses SSE-S3, and expires logs after 7 days
    const [, bucket] = onlyResource(tf, 'aws_s3_bucket');
    expect(bucket.bucket_prefix).to.equal('elb-logs-');
    expect(bucket.force_destroy).to.equal(false);
    const [, pab] = onlyResource(tf, 'aws_s3_bucket_public_access_block');
    expect(pab).to.include({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const [, sse] = onlyResource(tf, 'aws_s3_bucket_server_side_encryption_configuration');
    expect(sse.rule[0].apply_server_side_encryption_by_default.sse_algorithm).to.equal('AES256');
    const [, lc] = onlyResource(tf, 'aws_s3_bucket_lifecycle_configuration');
    expect(lc.rule[0].expiration).to.deep.equal([{ days: 7 }]);
    expect(lc.rule[0].filter).to.deep.equal([{ prefix: 'AWSLogs/' }]);
    expect(lc.rule[0]).to.not.have.property('transition');
  });

  it('lets the regional ELB account, NLB delivery (with source conditions) write, and denies non-TLS', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', { ...base, logPrefix: 'lb' }));
    const [, policy] = onlyResource(tf, 'aws_s3_bucket_policy');
    const s = statementsOf(tf, policy.policy);
    expect(Object.keys(s)).to.deep.equal(['ElbLogDelivery', 'NlbLogDeliveryWrite', 'NlbLogDeliveryAclCheck', 'DenyInsecureTransport']);
    const logs = '${aws_s3_bucket.elb_bucket.arn}/lb/AWSLogs/${data.aws_caller_identity.elb_account.account_id}/*';
    expect(s.ElbLogDelivery).to.deep.include({ actions: ['s3:PutObject'], resources: [logs], principals: { AWS: ['arn:aws:iam::156460612806:root'] } });
    expect(s.NlbLogDeliveryWrite.principals).to.deep.equal({ Service: ['delivery.logs.amazonaws.com'] });
    expect(s.NlbLogDeliveryWrite.resources).to.deep.equal([logs]);
    expect(s.NlbLogDeliveryWrite.conditions.StringEquals).to.deep.equal({
      'aws:SourceAccount': ['${data.aws_caller_identity.elb_account.account_id}'],
      's3:x-amz-acl': ['bucket-owner-full-control'],
    });
    expect(s.NlbLogDeliveryWrite.conditions.ArnLike).to.deep.equal({ 'aws:SourceArn': ['arn:aws:logs:eu-west-1:${data.aws_caller_identity.elb_account.account_id}:*'] });
    expect(s.NlbLogDeliveryAclCheck).to.deep.include({ actions: ['s3:GetBucketAcl'], resources: ['${aws_s3_bucket.elb_bucket.arn}'] });
    expect(s.DenyInsecureTransport).to.deep.include({ effect: 'Deny', actions: ['s3:*'], conditions: { Bool: { 'aws:SecureTransport': ['false'] } } });
  });

  it('uses the logdelivery service principal in regions without an ELB account', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', { ...base, region: 'ap-southeast-5' }));
    const [, policy] = onlyResource(tf, 'aws_s3_bucket_policy');
    expect(statementsOf(tf, policy.policy).ElbLogDelivery.principals).to.deep.equal({ Service: ['logdelivery.elasticloadbalancing.amazonaws.com'] });
  });

  it('grants the function exactly: read logs, write OpenSearch, own log group', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', base));
    const [, rolePolicy] = onlyResource(tf, 'aws_iam_role_policy');
    const s = statementsOf(tf, rolePolicy.policy);
    expect(Object.keys(s)).to.deep.equal(['WriteOwnLogs', 'ReadLoadBalancerLogs', 'WriteOpenSearch']);
    expect(s.ReadLoadBalancerLogs).to.deep.include({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: ['${aws_s3_bucket.elb_bucket.arn}/AWSLogs/*'] });
    expect(s.WriteOpenSearch).to.deep.include({ actions: ['es:ESHttpPost', 'es:ESHttpPut'], resources: [`${base.opensearchArn}/*`] });
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.function_name).to.equal('elb-processor');
    expect(fn.memory_size).to.equal(512);
    expect(fn.timeout).to.equal(900);
    expect(fn.environment.variables).to.deep.equal({ INDEX_PREFIX: 'elb', OPENSEARCH_ENDPOINT: base.opensearchEndpoint, OPENSEARCH_SERVICE: 'es' });
    const [, invoke] = onlyResource(tf, 'aws_lambda_function_event_invoke_config');
    expect(invoke.maximum_retry_attempts).to.equal(2);
  });

  it('notifies the function directly for the log prefix, with a permission scoped by account and bucket', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', base));
    const [, perm] = onlyResource(tf, 'aws_lambda_permission');
    expect(perm).to.include({ principal: 's3.amazonaws.com', action: 'lambda:InvokeFunction', source_arn: '${aws_s3_bucket.elb_bucket.arn}', source_account: '${data.aws_caller_identity.elb_account.account_id}' });
    const [, n] = onlyResource(tf, 'aws_s3_bucket_notification');
    expect(n.lambda_function).to.deep.equal([{ lambda_function_arn: '${aws_lambda_function.elb_processor_function.arn}', events: ['s3:ObjectCreated:*'], filter_prefix: 'AWSLogs/' }]);
    expect(resourcesOf(tf, 'aws_cloudwatch_event_rule')).to.deep.equal({});
  });

  it('with EventBridge: turns on bucket EventBridge delivery and a rule for the prefix, no direct notification', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', { ...base, notification: 'eventbridge', logPrefix: 'alb' }));
    const [, n] = onlyResource(tf, 'aws_s3_bucket_notification');
    expect(n.eventbridge).to.equal(true);
    expect(n).to.not.have.property('lambda_function');
    const [, rule] = onlyResource(tf, 'aws_cloudwatch_event_rule');
    expect(rule.event_pattern).to.equal(
      '${jsonencode({"source" = ["aws.s3"], "detail-type" = ["Object Created"], "detail" = {"bucket" = {"name" = [aws_s3_bucket.elb_bucket.bucket]}, "object" = {"key" = [{"prefix" = "alb/AWSLogs/"}]}}})}',
    );
    const [, perm] = onlyResource(tf, 'aws_lambda_permission');
    expect(perm).to.include({ principal: 'events.amazonaws.com', source_arn: '${aws_cloudwatch_event_rule.elb_object_created.arn}' });
  });

  it('with an existing bucket: creates no bucket resources and no bucket policy', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', { ...base, existingBucketName: 'my-logs', notification: 'eventbridge' }));
    for (const t of ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_notification']) {
      expect(resourcesOf(tf, t), t).to.deep.equal({});
    }
    const [, rolePolicy] = onlyResource(tf, 'aws_iam_role_policy');
    expect(statementsOf(tf, rolePolicy.policy).ReadLoadBalancerLogs.resources).to.deep.equal(['arn:aws:s3:::my-logs/AWSLogs/*']);
  });

  it('creates four alarms by default and none when alarms is false', () => {
    const on = synth((s) => new ElbProcessor(s, 'elb', { ...base, alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }));
    const alarms = Object.values(resourcesOf(on, 'aws_cloudwatch_metric_alarm'));
    expect(alarms.map((a) => a.alarm_name).sort()).to.deep.equal(['elb-processor-dropped-events', 'elb-processor-errors', 'elb-processor-failed-lines', 'elb-processor-rejected']);
    expect(alarms.every((a) => a.alarm_actions[0] === 'arn:aws:sns:eu-west-1:123456789012:ops')).to.equal(true);
    const off = synth((s) => new ElbProcessor(s, 'elb', { ...base, alarms: false }));
    expect(resourcesOf(off, 'aws_cloudwatch_metric_alarm')).to.deep.equal({});
  });

  it('adds metadata, dead-letter bucket and transitions only when asked', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', {
      ...base,
      metadata: { environment: 'prod', component: 'edge', application: 'shop' },
      deadLetterBucketName: 'dlq',
      transitions: [{ days: 3, storageClass: 'STANDARD_IA' }],
      expirationDays: 30,
    }));
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.environment.variables).to.include({ ENVIRONMENT: 'prod', COMPONENT: 'edge', APPLICATION: 'shop', DEAD_LETTER_BUCKET: 'dlq' });
    const [, rolePolicy] = onlyResource(tf, 'aws_iam_role_policy');
    expect(statementsOf(tf, rolePolicy.policy).WriteDeadLetters.resources).to.deep.equal(['arn:aws:s3:::dlq/elb-processor/*']);
    const [, lc] = onlyResource(tf, 'aws_s3_bucket_lifecycle_configuration');
    expect(lc.rule[0].transition).to.deep.equal([{ days: 3, storage_class: 'STANDARD_IA' }]);
    expect(lc.rule[0].expiration).to.deep.equal([{ days: 30 }]);
  });

  it('rejects invalid props with a clear error', () => {
    const bad: [Partial<ElbProcessorProps>, RegExp][] = [
      [{ region: '${var.region}' }, /region must be a literal region name/],
      [{ logPrefix: 'x/AWSLogs' }, /may not contain "AWSLogs"/],
      [{ logPrefix: '/lb' }, /must not start or end with "\/"/],
      [{ existingBucketName: 'a', bucketName: 'b' }, /not both/],
      [{ existingBucketName: 'a', expirationDays: 3 }, /only to a created bucket/],
      [{ transitions: [{ days: 9, storageClass: 'STANDARD_IA' }] }, /never happens with expirationDays 7/],
      [{ transitions: [{ days: 1, storageClass: 'COLD' }] }, /unknown storageClass "COLD"/],
      [{ indexPrefix: 'Bad Prefix' }, /indexPrefix must be/],
      [{ retryAttempts: 5 }, /retryAttempts must be 0..2/],
    ];
    for (const [props, message] of bad) {
      expect(() => synth((s) => new ElbProcessor(s, 'elb', { ...base, ...props }))).to.throw(message);
    }
  });
});
