import { expect } from 'chai';
import { TerraformVariable } from 'cdktf';
import { ElbProcessor, type ElbProcessorProps } from '../../../modules/elb-processor';
import { onlyResource, resourcesOf, statementsOf, synth } from '../../support/synth';

const DOMAIN_ARN = 'arn:aws:es:eu-west-1:123456789012:domain/logs';
const ENDPOINT = 'https://search-logs.eu-west-1.es.amazonaws.com';
const base: ElbProcessorProps = { name: 'edge-elb', opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN } };
const ACCOUNT = '${data.aws_caller_identity.elb_account.account_id}';
const LOG_BUCKET_ARN = '${aws_s3_bucket.elb_log_bucket_bucket.arn}';

/** The log bucket's resource of `type` (the dead-letter bucket has one of each too). */
const logBucket = (tf: ReturnType<typeof synth>, type: string, part: string) => resourcesOf(tf, type)[`elb_log_bucket_${part}`]!;

describe('modules/elb-processor: ElbProcessor synth', () => {
  it('creates a private, SSE-S3, TLS-only, expiring log bucket named after the instance', () => {
    // Given the construct with only the required props
    const tf = synth((s) => new ElbProcessor(s, 'elb', base));
    // Then the log bucket blocks public access, uses SSE-S3 (what ALB/Classic delivery supports) and expires logs after 7 days
    expect(logBucket(tf, 'aws_s3_bucket', 'bucket')).to.include({ bucket_prefix: 'edge-elb-logs-', force_destroy: false });
    expect(logBucket(tf, 'aws_s3_bucket_public_access_block', 'public_access_block')).to.include({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(logBucket(tf, 'aws_s3_bucket_server_side_encryption_configuration', 'encryption').rule[0].apply_server_side_encryption_by_default.sse_algorithm).to.equal('AES256');
    const lc = logBucket(tf, 'aws_s3_bucket_lifecycle_configuration', 'lifecycle');
    expect(lc.rule[0].expiration).to.deep.equal([{ days: 7 }]);
    expect(lc.rule[0].filter).to.deep.equal([{ prefix: 'AWSLogs/' }]);
    expect(lc.rule[0].abort_incomplete_multipart_upload).to.deep.equal([{ days_after_initiation: 1 }]);
    expect(lc.rule[0]).to.not.have.property('transition');
    // And the bucket policy waits for the public access block (S3 rejects policies while it changes)
    expect(logBucket(tf, 'aws_s3_bucket_policy', 'policy').depends_on).to.deep.equal(['aws_s3_bucket_public_access_block.elb_log_bucket_public_access_block']);
  });

  it('resolves the ELB delivery principal at plan time from the region (account in old regions, service principal in new ones)', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', { ...base, logBucket: { logPrefix: 'lb' } }));
    const s = statementsOf(tf, logBucket(tf, 'aws_s3_bucket_policy', 'policy').policy);
    expect(Object.keys(s)).to.deep.equal(['DenyInsecureTransport', 'ElbLogDelivery', 'NlbLogDeliveryWrite', 'NlbLogDeliveryAclCheck']);
    const logs = `${LOG_BUCKET_ARN}/lb/AWSLogs/${ACCOUNT}/*`;
    // The account map is a local; the principal type and identifier are conditionals on data.aws_region
    expect((tf.locals as Record<string, unknown>).elb_log_delivery_accounts).to.include({ 'eu-west-1': '156460612806', 'us-east-1': '127311923021' });
    const cond = 'contains(keys(local.elb_log_delivery_accounts), data.aws_region.elb_region.region)';
    const doc = (tf.data!.aws_iam_policy_document as Record<string, { statement: { sid: string; principals: { type: string; identifiers: string[] }[] }[] }>).elb_log_bucket_policy_document!;
    const delivery = doc.statement.find((x) => x.sid === 'ElbLogDelivery')!;
    expect(delivery.principals).to.deep.equal([{
      type: `\${${cond} ? "AWS" : "Service"}`,
      identifiers: [`\${${cond} ? "arn:\${data.aws_partition.elb_partition.partition}:iam::\${local.elb_log_delivery_accounts[data.aws_region.elb_region.region]}:root" : "logdelivery.elasticloadbalancing.amazonaws.com"}`],
    }]);
    expect(s.ElbLogDelivery!.resources).to.deep.equal([logs]);
    // And NLB delivery is limited by source account and ARN
    expect(s.NlbLogDeliveryWrite!.principals).to.deep.equal({ Service: ['delivery.logs.amazonaws.com'] });
    expect(s.NlbLogDeliveryWrite!.conditions.StringEquals).to.deep.equal({ 'aws:SourceAccount': [ACCOUNT], 's3:x-amz-acl': ['bucket-owner-full-control'] });
    expect(s.NlbLogDeliveryWrite!.conditions.ArnLike).to.deep.equal({ 'aws:SourceArn': [`arn:\${data.aws_partition.elb_partition.partition}:logs:\${data.aws_region.elb_region.region}:${ACCOUNT}:*`] });
    expect(s.NlbLogDeliveryAclCheck).to.deep.include({ actions: ['s3:GetBucketAcl'], resources: [LOG_BUCKET_ARN] });
    expect(s.DenyInsecureTransport).to.deep.include({ effect: 'Deny', actions: ['s3:*'], conditions: { Bool: { 'aws:SecureTransport': ['false'] } } });
  });

  it('grants the function exactly: read logs, POST _bulk, write its dead letters, own log group', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', base));
    const [, rolePolicy] = onlyResource(tf, 'aws_iam_role_policy');
    const s = statementsOf(tf, rolePolicy.policy);
    expect(Object.keys(s)).to.deep.equal(['WriteOwnLogs', 'ReadLoadBalancerLogs', 'BulkIndexIntoDomain', 'WriteDeadLetters', 'EncryptDeadLetters']);
    expect(s.ReadLoadBalancerLogs).to.deep.include({ actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [`${LOG_BUCKET_ARN}/AWSLogs/*`] });
    // _bulk only: not _delete_by_query, _reindex, _cluster/settings, _snapshot
    expect(s.BulkIndexIntoDomain).to.deep.include({ actions: ['es:ESHttpPost'], resources: [`${DOMAIN_ARN}/_bulk`] });
    expect(s.WriteDeadLetters).to.deep.include({ actions: ['s3:PutObject'], resources: ['arn:${data.aws_partition.elb_partition.partition}:s3:::${aws_s3_bucket.elb_dead_letter_bucket.bucket}/dead-letter/*'] });
    expect(s.EncryptDeadLetters).to.deep.include({ actions: ['kms:GenerateDataKey'], resources: ['${aws_kms_key.elb_key.arn}'] });
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn).to.include({ function_name: 'edge-elb', memory_size: 512, timeout: 900 });
    expect(fn.environment.variables).to.deep.equal({
      DEAD_LETTER_BUCKET: '${aws_s3_bucket.elb_dead_letter_bucket.bucket}', DEAD_LETTER_PREFIX: 'dead-letter/',
      INDEX_PREFIX: 'elb', MAX_BULK_BYTES: '2097152', OPENSEARCH_ENDPOINT: ENDPOINT, OPENSEARCH_SERVICE: 'es',
    });
    const [, invoke] = onlyResource(tf, 'aws_lambda_function_event_invoke_config');
    expect(invoke.maximum_retry_attempts).to.equal(2);
  });

  it('encrypts the function log group and the dead-letter bucket with a created key', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', base));
    expect(resourcesOf(tf, 'aws_cloudwatch_log_group').elb_processor_logs!.kms_key_id).to.equal('${aws_kms_key.elb_key.arn}');
    const key = resourcesOf(tf, 'aws_kms_key').elb_key!;
    expect(key).to.include({ enable_key_rotation: true });
    const s = statementsOf(tf, key.policy);
    expect(s.AllowCloudWatchLogsForOwnLogGroups!.conditions.ArnEquals).to.deep.equal({
      'kms:EncryptionContext:aws:logs:arn': [`arn:\${data.aws_partition.elb_partition.partition}:logs:\${data.aws_region.elb_region.region}:${ACCOUNT}:log-group:/aws/lambda/edge-elb`],
    });
    const dl = resourcesOf(tf, 'aws_s3_bucket_server_side_encryption_configuration').elb_dead_letter_encryption!;
    expect(dl.rule[0].apply_server_side_encryption_by_default).to.deep.equal({ sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.elb_key.arn}' });
  });

  for (const [type, arn, action] of [
    ['sqs', 'arn:aws:sqs:eu-west-1:123456789012:elb-failures', 'sqs:SendMessage'],
    ['sns', 'arn:aws:sns:eu-west-1:123456789012:elb-failures', 'sns:Publish'],
    ['lambda', 'arn:aws:lambda:eu-west-1:123456789012:function:on-failure', 'lambda:InvokeFunction'],
    ['events', 'arn:aws:events:eu-west-1:123456789012:event-bus/default', 'events:PutEvents'],
  ] as const) {
    it(`gives the role permission to use a ${type} on-failure destination`, () => {
      const tf = synth((s) => new ElbProcessor(s, 'elb', { ...base, asyncInvoke: { onFailureDestinationArn: arn } }));
      const [, invoke] = onlyResource(tf, 'aws_lambda_function_event_invoke_config');
      expect(invoke.destination_config).to.deep.equal({ on_failure: { destination: arn } });
      expect(invoke.depends_on).to.deep.equal(['aws_iam_role_policy.elb_processor_policy']);
      const [, rolePolicy] = onlyResource(tf, 'aws_iam_role_policy');
      expect(statementsOf(tf, rolePolicy.policy).SendToFailureDestination).to.deep.include({ actions: [action], resources: [arn] });
    });
  }

  it('notifies the function directly for the log prefix, with a permission scoped by account and bucket', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', base));
    const [, perm] = onlyResource(tf, 'aws_lambda_permission');
    expect(perm).to.include({ principal: 's3.amazonaws.com', action: 'lambda:InvokeFunction', source_arn: LOG_BUCKET_ARN, source_account: ACCOUNT });
    const [, n] = onlyResource(tf, 'aws_s3_bucket_notification');
    expect(n.lambda_function).to.deep.equal([{ lambda_function_arn: '${aws_lambda_function.elb_processor_function.arn}', events: ['s3:ObjectCreated:*'], filter_prefix: 'AWSLogs/' }]);
    expect(resourcesOf(tf, 'aws_cloudwatch_event_rule')).to.deep.equal({});
  });

  it('with EventBridge: turns on bucket EventBridge delivery and a rule for the prefix, no direct notification', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', { ...base, notification: 'eventbridge', logBucket: { logPrefix: 'alb' } }));
    const [, n] = onlyResource(tf, 'aws_s3_bucket_notification');
    expect(n.eventbridge).to.equal(true);
    expect(n).to.not.have.property('lambda_function');
    const [, rule] = onlyResource(tf, 'aws_cloudwatch_event_rule');
    expect(rule.name).to.equal('edge-elb-object-created');
    expect(rule.event_pattern).to.equal(
      '${jsonencode({"source" = ["aws.s3"], "detail-type" = ["Object Created"], "detail" = {"bucket" = {"name" = [aws_s3_bucket.elb_log_bucket_bucket.bucket]}, "object" = {"key" = [{"prefix" = "alb/AWSLogs/"}]}}})}',
    );
    const [, perm] = onlyResource(tf, 'aws_lambda_permission');
    expect(perm).to.include({ principal: 'events.amazonaws.com', source_arn: '${aws_cloudwatch_event_rule.elb_object_created.arn}', source_account: ACCOUNT });
  });

  it('with an existing log bucket: creates no log-bucket resources and no log-bucket policy', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', { ...base, logBucket: { existingBucketName: 'my-logs' }, notification: 'eventbridge' }));
    expect(Object.keys(resourcesOf(tf, 'aws_s3_bucket'))).to.deep.equal(['elb_dead_letter_bucket']);
    expect(Object.keys(resourcesOf(tf, 'aws_s3_bucket_policy'))).to.deep.equal(['elb_dead_letter_policy']);
    expect(resourcesOf(tf, 'aws_s3_bucket_notification')).to.deep.equal({});
    const [, rolePolicy] = onlyResource(tf, 'aws_iam_role_policy');
    expect(statementsOf(tf, rolePolicy.policy).ReadLoadBalancerLogs!.resources).to.deep.equal(['arn:${data.aws_partition.elb_partition.partition}:s3:::my-logs/AWSLogs/*']);
  });

  it('creates an alarm for every way a line or object can be lost, and none when disabled', () => {
    const on = synth((s) => new ElbProcessor(s, 'elb', { ...base, alarms: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' } }));
    const alarms = Object.values(resourcesOf(on, 'aws_cloudwatch_metric_alarm'));
    expect(alarms.map((a) => a.alarm_name).sort()).to.deep.equal([
      'edge-elb-dead-letters', 'edge-elb-dropped-events', 'edge-elb-errors', 'edge-elb-failed-lines', 'edge-elb-rejected', 'edge-elb-skipped-objects',
    ]);
    expect(alarms.find((a) => a.alarm_name === 'edge-elb-skipped-objects')).to.deep.include({ namespace: 'LogsToOpenSearch', metric_name: 'SkippedObjects' });
    expect(alarms.every((a) => a.alarm_actions[0] === 'arn:aws:sns:eu-west-1:123456789012:ops')).to.equal(true);
    const off = synth((s) => new ElbProcessor(s, 'elb', { ...base, alarms: { enabled: false } }));
    expect(resourcesOf(off, 'aws_cloudwatch_metric_alarm')).to.deep.equal({});
  });

  it('adds metadata, an existing dead-letter bucket, extra statements and transitions only when asked', () => {
    const tf = synth((s) => new ElbProcessor(s, 'elb', {
      ...base,
      metadata: { environment: 'prod', component: 'edge', application: 'shop' },
      deadLetter: { existingBucket: { name: 'dlq' }, prefix: 'elb/' },
      logBucket: { transitions: [{ days: 3, storageClass: 'STANDARD_IA' }], expirationDays: 30 },
      extraPolicyStatements: [{ sid: 'DecryptNlbLogs', actions: ['kms:Decrypt'], resources: ['arn:aws:kms:eu-west-1:123456789012:key/abc'] }],
    }));
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.environment.variables).to.include({ ENVIRONMENT: 'prod', COMPONENT: 'edge', APPLICATION: 'shop', DEAD_LETTER_BUCKET: 'dlq', DEAD_LETTER_PREFIX: 'elb/' });
    const [, rolePolicy] = onlyResource(tf, 'aws_iam_role_policy');
    const s = statementsOf(tf, rolePolicy.policy);
    expect(s.WriteDeadLetters!.resources).to.deep.equal(['arn:${data.aws_partition.elb_partition.partition}:s3:::dlq/elb/*']);
    expect(s.DecryptNlbLogs).to.deep.include({ actions: ['kms:Decrypt'] });
    const lc = logBucket(tf, 'aws_s3_bucket_lifecycle_configuration', 'lifecycle');
    expect(lc.rule[0].transition).to.deep.equal([{ days: 3, storage_class: 'STANDARD_IA' }]);
    expect(lc.rule[0].expiration).to.deep.equal([{ days: 30 }]);
  });

  it('two instances in one stack synthesize without name or logical-id collisions', () => {
    const tf = synth((s) => {
      new ElbProcessor(s, 'public_lb', { ...base, name: 'public-elb' });
      new ElbProcessor(s, 'internal_lb', { ...base, name: 'internal-elb', notification: 'eventbridge' });
    });
    const names = Object.values(resourcesOf(tf, 'aws_lambda_function')).map((f) => f.function_name).sort();
    expect(names).to.deep.equal(['internal-elb', 'public-elb']);
    expect(Object.values(resourcesOf(tf, 'aws_iam_role')).map((r) => r.name).sort()).to.deep.equal(['internal-elb', 'public-elb']);
    const alarmNames = Object.values(resourcesOf(tf, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
    expect(new Set(alarmNames).size).to.equal(alarmNames.length);
    expect(Object.values(resourcesOf(tf, 'aws_kms_alias')).map((a) => a.name).sort()).to.deep.equal(['alias/internal-elb', 'alias/public-elb']);
  });

  it('rejects invalid props with a clear error', () => {
    const bad: [Partial<ElbProcessorProps>, RegExp][] = [
      [{ name: 'Edge' }, /ElbProcessor: name must be 3\.\.32 lowercase letters/],
      [{ opensearch: { endpoint: 'http://search.example.com', domainArn: DOMAIN_ARN } }, /opensearch.endpoint must be an https:\/\/ URL/],
      [{ opensearch: { endpoint: ENDPOINT } }, /opensearch.domainArn is required/],
      [{ opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, indexPrefix: 'Bad Prefix' } }, /opensearch.indexPrefix must be/],
      [{ opensearch: { endpoint: ENDPOINT, domainArn: DOMAIN_ARN, maxBulkBytes: 2048 } }, /opensearch.maxBulkBytes must be an integer 65536\.\./],
      [{ logBucket: { logPrefix: 'x/AWSLogs' } }, /may not contain "AWSLogs"/],
      [{ logBucket: { logPrefix: '/lb' } }, /must not start or end with "\/"/],
      [{ logBucket: { existingBucketName: 'a', bucketName: 'b' } }, /not both/],
      [{ logBucket: { existingBucketName: 'a', expirationDays: 3 } }, /only to a created bucket/],
      [{ logBucket: { transitions: [{ days: 9, storageClass: 'STANDARD_IA' }] } }, /never happens with expirationDays 7/],
      [{ logBucket: { transitions: [{ days: 1, storageClass: 'COLD' }] } }, /unknown storageClass "COLD"/],
      [{ asyncInvoke: { retryAttempts: 5 } }, /asyncInvoke.retryAttempts must be an integer 0\.\.2/],
      [{ asyncInvoke: { onFailureDestinationArn: 'arn:aws:s3:::bucket' } }, /onFailureDestinationArn must be an SQS queue/],
      [{ deadLetter: { prefix: 'no-slash' } }, /deadLetter.prefix must be a relative S3 key prefix/],
      [{ alarms: { enabled: false, topicArn: 'arn:aws:sns:eu-west-1:123456789012:t' } }, /alarms.topicArn given but alarms.enabled is false/],
    ];
    for (const [props, message] of bad) {
      expect(() => synth((s) => new ElbProcessor(s, 'elb', { ...base, ...props })), String(message)).to.throw(message);
    }
    // A destination given as a Terraform reference does not name its service: the type must be given
    expect(() => synth((s) => new ElbProcessor(s, 'elb', { ...base, asyncInvoke: { onFailureDestinationArn: new TerraformVariable(s, 'dest', { type: 'string' }).stringValue } })))
      .to.throw(/onFailureDestinationType is required/);
  });
});
