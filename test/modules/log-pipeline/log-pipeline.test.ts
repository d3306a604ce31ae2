import { expect } from 'chai';
import { DEFAULTS, LogPipeline } from '../../../modules/log-pipeline';
import { onlyResource, resourcesOf, statementsOf, synth } from '../../support/synth';
import { DOMAIN_ARN, REF, baseProps, synthPipeline } from './pipeline-fixture';

/** `type.logical_id` of every resource, sorted. */
function inventory(tf: ReturnType<typeof synthPipeline>): string[] {
  return Object.entries(tf.resource ?? {})
    .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
    .sort();
}

describe('LogPipeline: resources and key properties (defaults)', () => {
  const tf = synthPipeline();

  it('creates exactly the documented resources with readable logical ids', () => {
    expect(inventory(tf)).to.deep.equal([
      'aws_cloudwatch_log_group.logs_shipper_logs',
      'aws_cloudwatch_log_subscription_filter.logs_filter_aws_lambda_app',
      'aws_cloudwatch_log_subscription_filter.logs_filter_ecs_web',
      'aws_cloudwatch_metric_alarm.logs_alarms_dead_letters',
      'aws_cloudwatch_metric_alarm.logs_alarms_errors',
      'aws_cloudwatch_metric_alarm.logs_alarms_failure_queue',
      'aws_cloudwatch_metric_alarm.logs_alarms_iterator_age',
      'aws_cloudwatch_metric_alarm.logs_alarms_throttles',
      'aws_iam_role.logs_shipper_role',
      'aws_iam_role.logs_subscription_role',
      'aws_iam_role_policy.logs_shipper_policy',
      'aws_iam_role_policy.logs_subscription_role_policy',
      'aws_kinesis_stream.logs_stream',
      'aws_kms_alias.logs_key_alias',
      'aws_kms_key.logs_key',
      'aws_lambda_event_source_mapping.logs_event_source',
      'aws_lambda_function.logs_shipper_function',
      'aws_s3_bucket.logs_dead_letter_bucket',
      'aws_s3_bucket_lifecycle_configuration.logs_dead_letter_lifecycle',
      'aws_s3_bucket_ownership_controls.logs_dead_letter_ownership',
      'aws_s3_bucket_policy.logs_dead_letter_policy',
      'aws_s3_bucket_public_access_block.logs_dead_letter_public_access_block',
      'aws_s3_bucket_server_side_encryption_configuration.logs_dead_letter_encryption',
      'aws_sqs_queue.logs_failure_queue',
      'aws_sqs_queue_policy.logs_failure_queue_policy',
    ]);
  });

  it('contains no provider and no backend (the caller stack owns those)', () => {
    expect(tf.provider).to.equal(undefined);
    expect(tf.terraform?.backend).to.equal(undefined);
  });

  it('creates a KMS key with rotation on and an alias', () => {
    const [, key] = onlyResource(tf, 'aws_kms_key');
    expect(key.enable_key_rotation).to.equal(true);
    expect(key.deletion_window_in_days).to.equal(30);
    expect(key.policy).to.equal('${data.aws_iam_policy_document.logs_key_policy.json}');
    expect(onlyResource(tf, 'aws_kms_alias')[1]).to.include({ name: 'alias/test-logs', target_key_id: '${aws_kms_key.logs_key.key_id}' });
  });

  it('creates an ON_DEMAND, KMS-encrypted stream with 24 h retention', () => {
    const [, stream] = onlyResource(tf, 'aws_kinesis_stream');
    expect(stream).to.deep.equal({
      name: 'test-logs',
      retention_period: 24,
      stream_mode_details: { stream_mode: 'ON_DEMAND' },
      encryption_type: 'KMS',
      kms_key_id: REF.key,
    });
  });

  it('subscribes each log group with the CWL role, Random distribution, after the role policy exists', () => {
    const filters = resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter');
    expect(filters.logs_filter_aws_lambda_app).to.deep.equal({
      name: 'test-logs-to-kinesis',
      log_group_name: '/aws/lambda/app',
      filter_pattern: '',
      destination_arn: REF.stream,
      role_arn: REF.subscriptionRole,
      distribution: 'Random',
      depends_on: ['aws_iam_role_policy.logs_subscription_role_policy'],
    });
    expect(filters.logs_filter_ecs_web.log_group_name).to.equal('/ecs/web');
    expect(filters.logs_filter_ecs_web.depends_on).to.deep.equal(['aws_iam_role_policy.logs_subscription_role_policy']);
  });

  it('applies the filter pattern to every subscription', () => {
    const tf2 = synthPipeline({ filterPattern: '{ $.level = "ERROR" }' });
    for (const f of Object.values(resourcesOf(tf2, 'aws_cloudwatch_log_subscription_filter'))) {
      expect(f.filter_pattern).to.equal('{ $.level = "ERROR" }');
    }
  });

  it('deploys the shipper (arm64, nodejs22.x, 512 MB, 60 s, JSON logs) with its env vars', () => {
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.function_name).to.equal('test-logs-shipper');
    expect(fn.architectures).to.deep.equal(['arm64']);
    expect(fn.runtime).to.equal('nodejs22.x');
    expect(fn.memory_size).to.equal(512);
    expect(fn.timeout).to.equal(60);
    expect(fn.logging_config).to.deep.equal({
      log_format: 'JSON',
      application_log_level: 'INFO',
      system_log_level: 'WARN',
      log_group: '${aws_cloudwatch_log_group.logs_shipper_logs.name}',
    });
    expect(fn.environment.variables).to.deep.equal({
      DEAD_LETTER_BUCKET: REF.bucket,
      DEAD_LETTER_PREFIX: 'dead-letter/',
      INDEX_PREFIX: 'cwl',
      MAX_BULK_BYTES: '5242880',
      OPENSEARCH_ENDPOINT: 'https://search-logs.eu-west-1.es.amazonaws.com',
      OPENSEARCH_SERVICE: 'es',
    });
    expect(fn).to.not.have.property('reserved_concurrent_executions');
    expect(fn).to.not.have.property('vpc_config');
  });

  it('passes index rules as INDEX_RULES JSON and FIELD_PLACEMENT when given', () => {
    const tf2 = synthPipeline({
      opensearch: {
        endpoint: 'https://search-logs.eu-west-1.es.amazonaws.com',
        domainArn: DOMAIN_ARN,
        indexPrefix: 'logs',
        indexRules: [{ logGroupPattern: '/aws/lambda/*', indexPrefix: 'lambda' }],
        fieldPlacement: 'nested',
        maxBulkBytes: 1_000_000,
      },
    });
    const vars = onlyResource(tf2, 'aws_lambda_function')[1].environment.variables;
    expect(vars.INDEX_RULES).to.equal('[{"logGroupPattern":"/aws/lambda/*","indexPrefix":"lambda"}]');
    expect(JSON.parse(vars.INDEX_RULES)).to.deep.equal([{ logGroupPattern: '/aws/lambda/*', indexPrefix: 'lambda' }]);
    expect(vars.INDEX_PREFIX).to.equal('logs');
    expect(vars.FIELD_PLACEMENT).to.equal('nested');
    expect(vars.MAX_BULK_BYTES).to.equal('1000000');
  });

  it('gives the shipper log group retention and the pipeline key', () => {
    const [, lg] = onlyResource(tf, 'aws_cloudwatch_log_group');
    expect(lg).to.deep.equal({ name: '/aws/lambda/test-logs-shipper', retention_in_days: 30, kms_key_id: REF.key });
  });

  it('maps the stream to the shipper with partial batch failures, bisect, finite retries and age, and an on-failure queue', () => {
    const [, esm] = onlyResource(tf, 'aws_lambda_event_source_mapping');
    expect(esm).to.deep.equal({
      event_source_arn: REF.stream,
      function_name: '${aws_lambda_function.logs_shipper_function.arn}',
      starting_position: 'TRIM_HORIZON',
      batch_size: 100,
      maximum_batching_window_in_seconds: 5,
      parallelization_factor: 1,
      function_response_types: ['ReportBatchItemFailures'],
      bisect_batch_on_function_error: true,
      maximum_retry_attempts: 10,
      maximum_record_age_in_seconds: 21600,
      destination_config: { on_failure: { destination_arn: REF.queue } },
      depends_on: ['aws_iam_role_policy.logs_shipper_policy'],
    });
    expect(esm.maximum_record_age_in_seconds).to.be.at.most(DEFAULTS.retentionHours * 3600);
  });

  it('takes event source settings from props', () => {
    const tf2 = synthPipeline({
      eventSource: { batchSize: 500, maxBatchingWindowSeconds: 0, parallelizationFactor: 4, startingPosition: 'LATEST', maximumRetryAttempts: 2, maximumRecordAgeSeconds: 3600 },
    });
    expect(onlyResource(tf2, 'aws_lambda_event_source_mapping')[1]).to.include({
      batch_size: 500,
      maximum_batching_window_in_seconds: 0,
      parallelization_factor: 4,
      starting_position: 'LATEST',
      maximum_retry_attempts: 2,
      maximum_record_age_in_seconds: 3600,
    });
  });

  it('creates a KMS-encrypted failure queue with 14 days retention', () => {
    const [, q] = onlyResource(tf, 'aws_sqs_queue');
    expect(q).to.deep.equal({
      name: 'test-logs-shipper-failures',
      kms_master_key_id: REF.key,
      kms_data_key_reuse_period_seconds: 300,
      message_retention_seconds: 1209600,
    });
  });

  it('creates a private, KMS-encrypted, TLS-only dead-letter bucket whose objects expire', () => {
    const bucket = onlyResource(tf, 'aws_s3_bucket')[1];
    expect(bucket).to.deep.equal({ bucket_prefix: 'test-logs-dl-' });
    const id = '${aws_s3_bucket.logs_dead_letter_bucket.id}';
    expect(onlyResource(tf, 'aws_s3_bucket_public_access_block')[1]).to.deep.equal({
      bucket: id,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(tf, 'aws_s3_bucket_ownership_controls')[1]).to.deep.equal({ bucket: id, rule: { object_ownership: 'BucketOwnerEnforced' } });
    expect(onlyResource(tf, 'aws_s3_bucket_server_side_encryption_configuration')[1]).to.deep.equal({
      bucket: id,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: REF.key }, bucket_key_enabled: true }],
    });
    expect(onlyResource(tf, 'aws_s3_bucket_lifecycle_configuration')[1]).to.deep.equal({
      bucket: id,
      rule: [
        {
          id: 'expire-dead-letters',
          status: 'Enabled',
          filter: [{ prefix: 'dead-letter/' }],
          expiration: [{ days: 90 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
      ],
    });
    const [, policy] = onlyResource(tf, 'aws_s3_bucket_policy');
    expect(policy.depends_on).to.deep.equal(['aws_s3_bucket_public_access_block.logs_dead_letter_public_access_block']);
    expect(statementsOf(tf, policy.policy)).to.deep.equal({
      DenyInsecureTransport: {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        actions: ['s3:*'],
        resources: ['${aws_s3_bucket.logs_dead_letter_bucket.arn}', '${aws_s3_bucket.logs_dead_letter_bucket.arn}/*'],
        principals: { '*': ['*'] },
        conditions: { Bool: { 'aws:SecureTransport': ['false'] } },
      },
    });
  });

  it('takes dead-letter prefix and expiry from props', () => {
    const tf2 = synthPipeline({ deadLetter: { prefix: 'failed/cwl/', expirationDays: 7 } });
    const rule = onlyResource(tf2, 'aws_s3_bucket_lifecycle_configuration')[1].rule[0];
    expect(rule.filter).to.deep.equal([{ prefix: 'failed/cwl/' }]);
    expect(rule.expiration).to.deep.equal([{ days: 7 }]);
    expect(onlyResource(tf2, 'aws_lambda_function')[1].environment.variables.DEAD_LETTER_PREFIX).to.equal('failed/cwl/');
  });

  it('creates a PROVISIONED stream with the given shards and retention', () => {
    const tf2 = synthPipeline({ stream: { mode: 'PROVISIONED', shardCount: 3, retentionHours: 48 } });
    expect(onlyResource(tf2, 'aws_kinesis_stream')[1]).to.include({ shard_count: 3, retention_period: 48 });
    expect(onlyResource(tf2, 'aws_kinesis_stream')[1].stream_mode_details).to.deep.equal({ stream_mode: 'PROVISIONED' });
  });

  it('passes shipper settings through (memory, timeout, level, retention, concurrency, architecture, runtime)', () => {
    const tf2 = synthPipeline({
      shipper: { memorySize: 1024, timeout: 120, logLevel: 'DEBUG', logRetentionDays: 7, reservedConcurrency: 3, architecture: 'x86_64', runtime: 'nodejs20.x', functionName: 'custom-shipper' },
    });
    const fn = onlyResource(tf2, 'aws_lambda_function')[1];
    expect(fn).to.include({ memory_size: 1024, timeout: 120, reserved_concurrent_executions: 3, runtime: 'nodejs20.x', function_name: 'custom-shipper' });
    expect(fn.architectures).to.deep.equal(['x86_64']);
    expect(fn.logging_config.application_log_level).to.equal('DEBUG');
    expect(onlyResource(tf2, 'aws_cloudwatch_log_group')[1]).to.include({ name: '/aws/lambda/custom-shipper', retention_in_days: 7 });
  });

  it('creates five alarms on the documented metrics, treating missing data as OK', () => {
    const alarms = resourcesOf(tf, 'aws_cloudwatch_metric_alarm');
    const summary = Object.fromEntries(
      Object.entries(alarms).map(([id, a]) => [id, [a.namespace, a.metric_name, a.statistic, a.comparison_operator, a.threshold, a.dimensions, a.treat_missing_data]]),
    );
    const fn = { FunctionName: '${aws_lambda_function.logs_shipper_function.function_name}' };
    expect(summary).to.deep.equal({
      logs_alarms_iterator_age: ['AWS/Lambda', 'IteratorAge', 'Maximum', 'GreaterThanThreshold', 300000, fn, 'notBreaching'],
      logs_alarms_errors: ['AWS/Lambda', 'Errors', 'Sum', 'GreaterThanOrEqualToThreshold', 1, fn, 'notBreaching'],
      logs_alarms_throttles: ['AWS/Lambda', 'Throttles', 'Sum', 'GreaterThanOrEqualToThreshold', 1, fn, 'notBreaching'],
      logs_alarms_failure_queue: [
        'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum', 'GreaterThanOrEqualToThreshold', 1,
        { QueueName: '${aws_sqs_queue.logs_failure_queue.name}' }, 'notBreaching',
      ],
      logs_alarms_dead_letters: ['LogsToOpenSearch', 'DeadLettered', 'Sum', 'GreaterThanOrEqualToThreshold', 1, fn, 'notBreaching'],
    });
    for (const a of Object.values(alarms)) {
      expect(a).to.not.have.property('alarm_actions');
      expect(a.alarm_name).to.match(/^test-logs-/);
    }
  });

  it('notifies the given SNS topic on ALARM and OK, with the given iterator-age threshold', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:ops';
    const tf2 = synthPipeline({ alarms: { topicArn: topic, iteratorAgeThresholdMs: 60_000 } });
    const alarms = resourcesOf(tf2, 'aws_cloudwatch_metric_alarm');
    for (const a of Object.values(alarms)) {
      expect(a.alarm_actions).to.deep.equal([topic]);
      expect(a.ok_actions).to.deep.equal([topic]);
    }
    expect(alarms.logs_alarms_iterator_age.threshold).to.equal(60000);
  });

  it('exposes outputs with stable ids and descriptions', () => {
    const outputs = tf.output ?? {};
    expect(Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.value]))).to.deep.equal({
      logs_stream_arn: REF.stream,
      logs_kms_key_arn: REF.key,
      logs_shipper_function_name: '${aws_lambda_function.logs_shipper_function.function_name}',
      logs_shipper_function_arn: '${aws_lambda_function.logs_shipper_function.arn}',
      logs_shipper_role_arn: '${aws_iam_role.logs_shipper_role.arn}',
      logs_subscription_role_arn: REF.subscriptionRole,
      logs_failure_queue_url: '${aws_sqs_queue.logs_failure_queue.url}',
      logs_dead_letter_bucket: REF.bucket,
    });
    for (const o of Object.values(outputs)) expect(o.description).to.be.a('string').with.length.greaterThan(10);
  });
});

describe('LogPipeline: several instances in one stack', () => {
  it('synthesize without name or logical-id collisions', () => {
    // Given two pipelines with different names in one stack
    const tf = synth((scope) => {
      new LogPipeline(scope, 'app_logs', { ...baseProps, name: 'app-logs' });
      new LogPipeline(scope, 'audit_logs', { ...baseProps, name: 'audit-logs', logGroupNames: ['/audit/trail'] });
    });
    // Then every named resource carries its pipeline's name
    const named = (type: string, field: string) => Object.values(resourcesOf(tf, type)).map((r) => r[field] as string).sort();
    expect(named('aws_lambda_function', 'function_name')).to.deep.equal(['app-logs-shipper', 'audit-logs-shipper']);
    expect(named('aws_kinesis_stream', 'name')).to.deep.equal(['app-logs', 'audit-logs']);
    expect(named('aws_iam_role', 'name')).to.deep.equal(['app-logs-cwl-to-kinesis', 'app-logs-shipper', 'audit-logs-cwl-to-kinesis', 'audit-logs-shipper']);
    const alarms = named('aws_cloudwatch_metric_alarm', 'alarm_name');
    expect(new Set(alarms).size).to.equal(alarms.length);
    expect(alarms.filter((a) => a.startsWith('app-logs-'))).to.have.length(5);
  });
});
