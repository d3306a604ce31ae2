import { expect } from 'chai';
import { gapForError, undeletable, type KnownGap } from './known-gaps';
import { withoutModulePath } from './lifecycle';
import { declaredResources, plannedBlocks, subscribedNotCreated } from './module-example';
import { managedResourceCount, preexistingLogGroups, servicesFor, servicesUsed, testVariables } from './stack';
import { changedAttributes, errorDiagnostics, judgeErrors, judgeSecondPlan, motoProviderOverride, plannedActions, typeOfAddress, type PlanJson, type ResourceChange } from './terraform';

const GAPS: KnownGap[] = [
  { id: 'alarm-protocol', reason: 'r', resourceType: 'aws_cloudwatch_metric_alarm', kind: 'apply-error', error: /CBOR/ },
  { id: 'filter-distribution', reason: 'r', resourceType: 'aws_cloudwatch_log_subscription_filter', kind: 'read-back', attributes: ['distribution'] },
  { id: 'named-query-delete', reason: 'r', resourceType: 'aws_athena_named_query', kind: 'destroy-error' },
  { id: 'pending-policy', reason: 'r', resourceType: 'aws_iam_role_policy', kind: 'read-back', attributes: ['policy'], onlyUnknown: true },
];

const update = (address: string, type: string, before: object, after: object, actions = ['update']): ResourceChange => ({
  address,
  mode: 'managed',
  type,
  change: { actions, before, after, after_unknown: {} },
});

describe('apply suite support (test/apply)', () => {
  describe('reading the synthesized JSON', () => {
    it('counts one instance per resource block, expanding literal count and for_each', () => {
      const tf = { resource: { aws_s3_bucket: { a: {}, b: { count: 3 } }, aws_sqs_queue: { q: { for_each: { x: 1, y: 2 } } } } };
      expect(managedResourceCount(tf)).to.equal(6);
      expect(() => managedResourceCount({ resource: { aws_sqs_queue: { q: { count: '${var.n}' } } } })).to.throw('aws_sqs_queue.q: count "${var.n}" is not a literal');
    });

    it('lists the subscribed log groups the stack does not create', () => {
      const tf = {
        resource: {
          aws_cloudwatch_log_group: { own: { name: '/aws/lambda/own' } },
          aws_cloudwatch_log_subscription_filter: {
            a: { log_group_name: '/ecs/app' },
            b: { log_group_name: '/aws/lambda/own' },
            c: { log_group_name: '${aws_cloudwatch_log_group.own.name}' },
            d: { log_group_name: '/ecs/app' },
          },
        },
      };
      expect(preexistingLogGroups(tf)).to.deep.equal(['/ecs/app']);
    });

    it('names the endpoint of every service the resources and data sources use, and refuses an unknown type', () => {
      const tf = { resource: { aws_cloudwatch_log_subscription_filter: {}, aws_s3_bucket_policy: {}, aws_lambda_function: {} }, data: { aws_iam_policy_document: {}, aws_caller_identity: {} } };
      expect(servicesUsed(tf)).to.deep.equal(['lambda', 'logs', 's3', 's3control', 'sts']);
      expect(() => servicesUsed({ resource: { aws_dynamodb_table: {} } })).to.throw('no moto endpoint is known for aws_dynamodb_table');
    });

    it('finds the variables to set by what the functions and the provider reference', () => {
      const tf = {
        resource: { aws_lambda_function: { f: { environment: { variables: { OPENSEARCH_ENDPOINT: '${var.search_url}' } } } } },
        provider: { aws: [{ skip_credentials_validation: '${var.offline}', skip_requesting_account_id: '${var.offline}', region: '${var.region}' }] },
      };
      expect(testVariables(tf, 'http://127.0.0.1:9200')).to.deep.equal({ search_url: 'http://127.0.0.1:9200', offline: 'false' });
    });
  });

  describe("a registry module's example", () => {
    const mainTf = [
      'data "aws_caller_identity" "logs_account" {}',
      '',
      'resource "aws_kinesis_stream" "logs_stream" {',
      '  name = var.name',
      '}',
      '',
      'resource "aws_cloudwatch_log_subscription_filter" "logs_filters" {',
      '  for_each = toset(var.log_group_names)',
      '  name     = "x"',
      '}',
      '',
      'locals {',
      '  a = 1',
      '}',
      '',
    ].join('\n');

    it("lists the module's resource and data blocks, and the services they call", () => {
      const declared = declaredResources(mainTf);
      expect(declared).to.deep.equal([
        { kind: 'data', type: 'aws_caller_identity', name: 'logs_account' },
        { kind: 'resource', type: 'aws_kinesis_stream', name: 'logs_stream' },
        { kind: 'resource', type: 'aws_cloudwatch_log_subscription_filter', name: 'logs_filters' },
      ]);
      expect(servicesFor(declared.map((d) => d.type))).to.deep.equal(['kinesis', 'logs', 'sts']);
    });

    it('maps planned addresses to the blocks they come from, whatever the module path and key', () => {
      expect(withoutModulePath('module.logs.aws_kinesis_stream.logs_stream')).to.equal('aws_kinesis_stream.logs_stream');
      expect(withoutModulePath('module.a["x.y"].module.b.data.aws_region.r')).to.equal('data.aws_region.r');
      expect(withoutModulePath('aws_s3_bucket.module')).to.equal('aws_s3_bucket.module');
      expect(
        plannedBlocks(['module.logs.aws_cloudwatch_log_subscription_filter.logs_filters["/a"]', 'module.logs.aws_cloudwatch_log_subscription_filter.logs_filters["/b"]', 'module.logs.aws_kinesis_stream.logs_stream']),
      ).to.deep.equal(['aws_cloudwatch_log_subscription_filter.logs_filters', 'aws_kinesis_stream.logs_stream']);
    });

    it('finds the log groups the plan subscribes without creating them', () => {
      const create = (type: string, after: object): ResourceChange => ({ address: `module.m.${type}.x`, mode: 'managed', type, change: { actions: ['create'], before: null, after } });
      const plan: PlanJson = {
        resource_changes: [
          create('aws_cloudwatch_log_subscription_filter', { log_group_name: '/ecs/b' }),
          create('aws_cloudwatch_log_subscription_filter', { log_group_name: '/aws/lambda/a' }),
          create('aws_cloudwatch_log_subscription_filter', { log_group_name: '/own' }),
          create('aws_cloudwatch_log_subscription_filter', { log_group_name: '/ecs/b' }),
          create('aws_cloudwatch_log_group', { name: '/own' }),
        ],
      };
      expect(subscribedNotCreated(plan)).to.deep.equal(['/aws/lambda/a', '/ecs/b']);
    });
  });

  describe('moto provider override', () => {
    it('sends every service to moto, S3 Control to a never-resolved name behind moto as HTTP proxy', () => {
      const o = motoProviderOverride('http://127.0.0.1:4567', ['logs', 's3', 's3control', 'sts']) as any;
      expect(o.provider.aws[0]).to.deep.equal({
        endpoints: [{ logs: 'http://127.0.0.1:4567', s3: 'http://127.0.0.1:4567', s3control: 'http://s3-control.moto.invalid:4567', sts: 'http://127.0.0.1:4567' }],
        s3_use_path_style: true,
        http_proxy: 'http://127.0.0.1:4567',
        no_proxy: '127.0.0.1,localhost',
        max_retries: 3,
      });
    });
  });

  describe('judging terraform results against the known gaps', () => {
    it('reads error diagnostics from -json output and excuses only a listed type with a matching error', () => {
      const out = [
        '{"@level":"info","type":"version"}',
        JSON.stringify({ type: 'diagnostic', diagnostic: { severity: 'error', summary: 'creating alarm', detail: 'CBOR decode', address: 'aws_cloudwatch_metric_alarm.a' } }),
        JSON.stringify({ type: 'diagnostic', diagnostic: { severity: 'error', summary: 'creating alarm', detail: 'AccessDenied', address: 'aws_cloudwatch_metric_alarm.b' } }),
        JSON.stringify({ type: 'diagnostic', diagnostic: { severity: 'error', summary: 'CBOR', detail: '', address: 'module.m.aws_lambda_function.f["x"]' } }),
        JSON.stringify({ type: 'diagnostic', diagnostic: { severity: 'warning', summary: 'deprecated', detail: '' } }),
      ].join('\n');
      const j = judgeErrors(errorDiagnostics(out), GAPS);
      expect(j.failedAddresses).to.deep.equal(['aws_cloudwatch_metric_alarm.a']);
      expect(j.excused.map((e) => e.gap.id)).to.deep.equal(['alarm-protocol']);
      expect(j.unexcused).to.deep.equal(['aws_cloudwatch_metric_alarm.b: creating alarm AccessDenied', 'module.m.aws_lambda_function.f["x"]: CBOR']);
      expect(typeOfAddress('module.m.aws_lambda_function.f["x"]')).to.equal('aws_lambda_function');
    });

    it('lets a second plan change only listed read-back attributes and re-create only resources that failed for a gap', () => {
      const plan: PlanJson = {
        resource_changes: [
          update('aws_cloudwatch_log_subscription_filter.f', 'aws_cloudwatch_log_subscription_filter', { distribution: null, name: 'n' }, { distribution: 'Random', name: 'n' }),
          update('aws_cloudwatch_metric_alarm.a', 'aws_cloudwatch_metric_alarm', {}, {}, ['create']),
          update('aws_cloudwatch_metric_alarm.b', 'aws_cloudwatch_metric_alarm', {}, {}, ['create']),
          update('aws_lambda_function.f', 'aws_lambda_function', { timeout: 3 }, { timeout: 60 }),
          update('aws_s3_bucket.b', 'aws_s3_bucket', { bucket: 'x' }, { bucket: 'y' }, ['delete', 'create']),
          update('aws_sqs_queue.q', 'aws_sqs_queue', {}, {}, ['no-op']),
          { ...update('aws_iam_role_policy.p', 'aws_iam_role_policy', { policy: '{}' }, {}), change: { actions: ['update'], before: { policy: '{}' }, after: {}, after_unknown: { policy: true } } },
          update('aws_iam_role_policy.q', 'aws_iam_role_policy', { policy: '{}' }, { policy: '{"Statement":[]}' }),
        ],
      };
      const j = judgeSecondPlan(plan, ['aws_cloudwatch_metric_alarm.a'], GAPS);
      expect(j.excused.map((e) => e.what)).to.deep.equal([
        'aws_cloudwatch_log_subscription_filter.f.distribution: null → "Random"',
        'aws_cloudwatch_metric_alarm.a: still to create',
        'aws_iam_role_policy.p.policy: "{}" → (known after apply)',
      ]);
      // A different known policy is a real change, even where a pending value would be excused
      expect(j.unexcused).to.deep.equal([
        'aws_cloudwatch_metric_alarm.b: create ()',
        'aws_lambda_function.f.timeout: 3 → 60',
        'aws_s3_bucket.b: delete,create (bucket)',
        'aws_iam_role_policy.q.policy: "{}" → "{\\"Statement\\":[]}"',
      ]);
      expect(plannedActions(plan)).to.deep.equal({
        update: ['aws_cloudwatch_log_subscription_filter.f', 'aws_lambda_function.f', 'aws_iam_role_policy.p', 'aws_iam_role_policy.q'],
        create: ['aws_cloudwatch_metric_alarm.a', 'aws_cloudwatch_metric_alarm.b'],
        'delete,create': ['aws_s3_bucket.b'],
      });
    });

    it("excuses an alarm only for the error moto's missing CBOR protocol gives, not for a bad argument", () => {
      const cbor = "creating CloudWatch Metric Alarm ID: x\nCause: operation error CloudWatch: PutMetricAlarm, , RequestID: , deserialization failed, unexpected smithy-protocol response header '' (HTTP status: 404 NOT FOUND)";
      expect(gapForError('aws_cloudwatch_metric_alarm', cbor)?.id).to.equal('cloudwatch-rpcv2-cbor');
      expect(gapForError('aws_cloudwatch_metric_alarm', 'operation error CloudWatch: PutMetricAlarm, https response error StatusCode: 400, api error ValidationError: Period must be 10, 20, 30 or a multiple of 60')).to.equal(undefined);
      expect(gapForError('aws_lambda_function', cbor)).to.equal(undefined);
    });

    it('takes out of the state before destroy only the resource types moto cannot delete', () => {
      const state = ['aws_athena_named_query.q', 'aws_athena_workgroup.w', 'module.m.aws_athena_named_query.r["x"]', 'aws_cloudwatch_metric_alarm.a'];
      expect(undeletable(state, typeOfAddress, GAPS).map((u) => [u.address, u.gap.id])).to.deep.equal([
        ['aws_athena_named_query.q', 'named-query-delete'],
        ['module.m.aws_athena_named_query.r["x"]', 'named-query-delete'],
      ]);
    });

    it('counts a value known only after apply as a change', () => {
      const rc: ResourceChange = { address: 'a.b', mode: 'managed', type: 'a', change: { actions: ['update'], before: { x: 1, tags: {} }, after: { x: 1, tags: {} }, after_unknown: { x: false, tags: {}, arn: true, nested: [{ y: true }] } } };
      expect(changedAttributes(rc)).to.deep.equal(['arn', 'nested']);
    });
  });
});
