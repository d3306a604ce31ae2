import { expect } from 'chai';
import { isWildcardAction } from '../../../modules/common/iam';
import { Statement, allStatements, onlyResource, resourcesOf, statementsOf } from '../../support/synth';
import { REF, synthPipeline } from './pipeline-fixture';

const viaService = (service: string) => ({ StringEquals: { 'kms:ViaService': [`${service}.${REF.region}.amazonaws.com`] } });
const allow = (sid: string, actions: string[], resources: string[], conditions: Statement['conditions'] = {}): Statement => ({
  sid,
  effect: 'Allow',
  actions,
  resources,
  principals: {},
  conditions,
});

describe('LogPipeline: IAM, statement by statement', () => {
  const tf = synthPipeline();
  const role = (id: string) => resourcesOf(tf, 'aws_iam_role')[id];
  const rolePolicy = (id: string) => resourcesOf(tf, 'aws_iam_role_policy')[id];

  it('key policy: account root delegation, and CloudWatch Logs only for the shipper log group', () => {
    const s = statementsOf(tf, onlyResource(tf, 'aws_kms_key')[1].policy);
    expect(Object.keys(s)).to.deep.equal(['EnableIamPolicies', 'AllowCloudWatchLogsForOwnLogGroups']);
    expect(s.EnableIamPolicies).to.deep.equal({
      sid: 'EnableIamPolicies',
      effect: 'Allow',
      actions: ['kms:*'],
      resources: ['*'],
      principals: { AWS: [`arn:${REF.partition}:iam::${REF.account}:root`] },
      conditions: {},
    });
    expect(s.AllowCloudWatchLogsForOwnLogGroups).to.deep.equal({
      sid: 'AllowCloudWatchLogsForOwnLogGroups',
      effect: 'Allow',
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      principals: { Service: [`logs.${REF.region}.amazonaws.com`] },
      conditions: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': [`arn:${REF.partition}:logs:${REF.region}:${REF.account}:log-group:/aws/lambda/test-logs-shipper`],
        },
      },
    });
  });

  it('CWL role trust: logs.amazonaws.com, limited by aws:SourceAccount and aws:SourceArn', () => {
    const s = statementsOf(tf, role('logs_subscription_role').assume_role_policy);
    expect(s).to.deep.equal({
      AssumeRole: {
        sid: 'AssumeRole',
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        resources: [],
        principals: { Service: ['logs.amazonaws.com'] },
        conditions: {
          StringEquals: { 'aws:SourceAccount': [REF.account] },
          ArnLike: { 'aws:SourceArn': [`arn:${REF.partition}:logs:${REF.region}:${REF.account}:*`] },
        },
      },
    });
  });

  it('CWL role policy: only PutRecord(s) on this stream and GenerateDataKey on its key via Kinesis', () => {
    const p = rolePolicy('logs_subscription_role_policy');
    expect(p.role).to.equal('${aws_iam_role.logs_subscription_role.id}');
    expect(statementsOf(tf, p.policy)).to.deep.equal({
      PutRecordsOnPipelineStream: allow('PutRecordsOnPipelineStream', ['kinesis:PutRecord', 'kinesis:PutRecords'], [REF.stream]),
      EncryptStreamRecords: allow('EncryptStreamRecords', ['kms:GenerateDataKey'], [REF.key], viaService('kinesis')),
    });
  });

  it('shipper role: lambda trust, and each grant scoped to one resource', () => {
    const trust = statementsOf(tf, role('logs_shipper_role').assume_role_policy);
    expect(trust.AssumeRole.principals).to.deep.equal({ Service: ['lambda.amazonaws.com'] });
    expect(trust.AssumeRole.conditions).to.deep.equal({});
    const s = statementsOf(tf, rolePolicy('logs_shipper_policy').policy);
    expect(s).to.deep.equal({
      WriteOwnLogs: allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], ['${aws_cloudwatch_log_group.logs_shipper_logs.arn}:*']),
      ReadPipelineStream: allow(
        'ReadPipelineStream',
        ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
        [REF.stream],
      ),
      DecryptStreamRecords: allow('DecryptStreamRecords', ['kms:Decrypt'], [REF.key], viaService('kinesis')),
      SendToFailureQueue: allow('SendToFailureQueue', ['sqs:SendMessage'], [REF.queue]),
      EncryptFailureQueueMessages: allow('EncryptFailureQueueMessages', ['kms:GenerateDataKey', 'kms:Decrypt'], [REF.key], viaService('sqs')),
      WriteDeadLetters: allow('WriteDeadLetters', ['s3:PutObject'], [`arn:${REF.partition}:s3:::${REF.bucket}/dead-letter/*`]),
      EncryptDeadLetters: allow('EncryptDeadLetters', ['kms:GenerateDataKey'], [REF.key], viaService('s3')),
      // _bulk only (also as /<index>/_bulk): no _delete_by_query, _reindex, _cluster/settings or _snapshot where FGAC would not stop them
      BulkIndexIntoDomain: allow('BulkIndexIntoDomain', ['es:ESHttpPost'], ['arn:aws:es:eu-west-1:123456789012:domain/logs/_bulk', 'arn:aws:es:eu-west-1:123456789012:domain/logs/*/_bulk']),
    });
  });

  it('shipper role for OpenSearch Serverless: aoss:APIAccessAll on the collection only, no es: actions', () => {
    const collectionArn = 'arn:aws:aoss:eu-west-1:123456789012:collection/abc123';
    const tf2 = synthPipeline({ opensearch: { endpoint: 'https://abc123.eu-west-1.aoss.amazonaws.com', service: 'aoss', collectionArn } });
    const s = statementsOf(tf2, resourcesOf(tf2, 'aws_iam_role_policy').logs_shipper_policy.policy);
    expect(s.AccessCollection).to.deep.equal(allow('AccessCollection', ['aoss:APIAccessAll'], [collectionArn]));
    expect(s).to.not.have.property('BulkIndexIntoDomain');
    expect(onlyResource(tf2, 'aws_lambda_function')[1].environment.variables.OPENSEARCH_SERVICE).to.equal('aoss');
  });

  // The complete list of statements allowed to use a wildcard, each with its reason in the code.
  const ALLOWED_WILDCARDS = [
    'logs_dead_letter_policy_document.DenyInsecureTransport', // Deny over plain HTTP: widens what is refused
    'logs_failure_queue_policy_document.DenyInsecureTransport', // TLS-only queue policy: a Deny
    'logs_key_policy.AllowCloudWatchLogsForOwnLogGroups', // key policy: "*" is the key itself
    'logs_key_policy.EnableIamPolicies', // key policy: root delegation, AWS default
    'logs_shipper_policy_document.ManageVpcEnis', // ec2 ENI APIs without resource-level permissions
  ];

  it('has no wildcard action or resource outside the commented exceptions (all options on)', () => {
    // Given a pipeline with every optional feature on (VPC, cross-account)
    const tf2 = synthPipeline({
      crossAccount: { sourceAccountIds: ['111111111111'] },
      shipper: { vpc: { subnetIds: ['subnet-1'], vpcId: 'vpc-1' } },
    });
    // Then the statements with a wildcard are exactly the documented exceptions
    const wild = allStatements(tf2)
      .filter(({ statement: s }) => s.actions.some(isWildcardAction) || s.resources.includes('*'))
      .map(({ document, statement }) => `${document}.${statement.sid}`)
      .sort();
    expect(wild).to.deep.equal(ALLOWED_WILDCARDS);
    // And no statement anywhere grants the bare "*" action
    for (const { statement } of allStatements(tf2)) expect(statement.actions).to.not.include('*');
    // And only Deny statements have a "*" principal
    for (const { statement } of allStatements(tf2)) {
      if (statement.principals['*']) expect(statement.effect, statement.sid).to.equal('Deny');
    }
  });

  it('creates no VPC statement without a VPC', () => {
    const wild = allStatements(tf).map(({ document, statement }) => `${document}.${statement.sid}`);
    expect(wild).to.not.include('logs_shipper_policy_document.ManageVpcEnis');
  });
});
