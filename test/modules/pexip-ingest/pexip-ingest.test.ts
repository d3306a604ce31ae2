import { expect } from 'chai';
import { PexipIngest, type PexipIngestProps } from '../../../modules/pexip-ingest';
import { onlyResource, resourcesOf, statementsOf, synth, type TfJson } from '../../support/synth';

const DOMAIN_ARN = 'arn:aws:es:eu-west-1:123456789012:domain/logs';
function synthIngest(over: Partial<PexipIngestProps> = {}): TfJson {
  return synth((scope) => new PexipIngest(scope, 'pexip', { name: 'pexip', ...over }));
}
const inventory = (tf: TfJson): string[] => Object.entries(tf.resource ?? {}).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`)).sort();

describe('PexipIngest: resources (defaults)', function () {
  this.timeout(60_000);
  const tf = synthIngest();

  it('creates the RAW and JSON groups with retention and KMS, subscribed to the stream, never to the function', () => {
    const groups = resourcesOf(tf, 'aws_cloudwatch_log_group');
    const byName = Object.fromEntries(Object.values(groups).map((g) => [g.name, [g.retention_in_days, typeof g.kms_key_id]]));
    expect(byName).to.deep.equal({
      Pexip_Nodes_Support_Logs_RAW: [30, 'string'], Pexip_Nodes_Audit_Logs_RAW: [30, 'string'], Pexip_Nodes_Web_Server_Logs_RAW: [30, 'string'],
      Pexip_Nodes_Support_Logs_JSON: [90, 'string'], Pexip_Nodes_Audit_Logs_JSON: [90, 'string'], Pexip_Nodes_Web_Server_Logs_JSON: [90, 'string'],
      '/aws/lambda/pexip-wrangler': [30, 'string'],
    });
    const filters = Object.values(resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter'));
    expect(filters).to.have.length(3);
    for (const f of filters) expect(f.destination_arn).to.equal('${aws_kinesis_stream.pexip_stream.arn}');
    expect(inventory(tf).filter((r) => r.startsWith('aws_lambda_permission'))).to.deep.equal([]);
  });

  it('wires the wrangler through the contract: export, JSON copy, dead letters, no OpenSearch', () => {
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.function_name).to.equal('pexip-wrangler');
    expect(fn.memory_size).to.equal(1024);
    expect(fn.environment.variables).to.deep.equal({
      DEAD_LETTER_BUCKET: '${aws_s3_bucket.pexip_dead_letter_bucket.bucket}',
      DEAD_LETTER_PREFIX: 'dead-letter/',
      EXPORT_BUCKET: '${aws_s3_bucket.pexip_exports_bucket.bucket}',
      EXPORT_PREFIX: 'pexip/',
      JSON_LOG_GROUP_SUFFIX: '_JSON',
    });
    const [, esm] = onlyResource(tf, 'aws_lambda_event_source_mapping');
    expect([esm.function_response_types, esm.maximum_retry_attempts, esm.bisect_batch_on_function_error, esm.maximum_batching_window_in_seconds]).to.deep.equal([['ReportBatchItemFailures'], 10, false, 5]);
  });

  it('grants the wrangler only its prefixes and groups, and the syslog server only the RAW groups', () => {
    const policies = resourcesOf(tf, 'aws_iam_role_policy');
    const wrangler = statementsOf(tf, policies.pexip_wrangler_policy!.policy);
    expect(wrangler.WriteExportObjects!.actions).to.deep.equal(['s3:PutObject']);
    expect(wrangler.WriteExportObjects!.resources[0]).to.match(/:s3:::\$\{aws_s3_bucket\.pexip_exports_bucket\.bucket\}\/pexip\/\*$/);
    expect(wrangler.WriteJsonCopy!.resources).to.deep.equal(['support', 'audit', 'web'].map((k) => `\${aws_cloudwatch_log_group.pexip_json_${k}.arn}:*`));
    expect(wrangler.WriteJsonCopy!.actions).to.deep.equal(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(Object.keys(wrangler).some((sid) => /opensearch|Bulk/i.test(sid))).to.equal(false);
    const syslog = statementsOf(tf, policies.pexip_syslog_role_policy!.policy);
    expect(syslog).to.have.keys(['WriteRawPexipLogs']);
    expect(syslog.WriteRawPexipLogs!.resources).to.deep.equal(['support', 'audit', 'web'].map((k) => `\${aws_cloudwatch_log_group.pexip_raw_${k}.arn}:*`));
    const trust = statementsOf(tf, resourcesOf(tf, 'aws_iam_role').pexip_syslog_role!.assume_role_policy);
    expect(Object.values(trust)[0]!.principals).to.deep.equal({ Service: ['ec2.amazonaws.com'] });
    expect(onlyResource(tf, 'aws_iam_instance_profile')[1].role).to.equal('${aws_iam_role.pexip_syslog_role.name}');
  });

  it('saves the original Logs Insights queries on the support JSON group and outputs the agent setup', () => {
    const queries = Object.values(resourcesOf(tf, 'aws_cloudwatch_query_definition'));
    expect(queries.map((q) => [q.name, q.log_group_names])).to.deep.equal([
      ['pexip/NumberOfConferencesPerDay', ['${aws_cloudwatch_log_group.pexip_json_support.name}']],
      ['pexip/NumberOfErrorLevelSupportLogsPerDay', ['${aws_cloudwatch_log_group.pexip_json_support.name}']],
    ]);
    expect(queries[0]!.query_string).to.contain('count_distinct(log_message.Conference_ID)');
    const agent = JSON.parse(tf.output!.pexip_cloudwatch_agent_config!.value as string) as { logs: { logs_collected: { files: { collect_list: Record<string, string>[] } } } };
    expect(agent.logs.logs_collected.files.collect_list.map((c) => [c.file_path, c.log_group_name, c.log_stream_name])).to.deep.equal([
      ['/var/log/syslog/pxpmgmt*/2*.log', 'Pexip_Nodes_Support_Logs_RAW', 'Pexip_Management_Node'],
      ['/var/log/syslog/pxpconf*/2*.log', 'Pexip_Nodes_Support_Logs_RAW', 'Pexip_Conferencing_Nodes'],
      ['/var/log/syslog/pxpmgmt*/audispd*.log', 'Pexip_Nodes_Audit_Logs_RAW', 'Pexip_Management_Node'],
      ['/var/log/syslog/pxpconf*/audispd*.log', 'Pexip_Nodes_Audit_Logs_RAW', 'Pexip_Conferencing_Nodes'],
      ['/var/log/syslog/pxpmgmt*/apache*.log', 'Pexip_Nodes_Web_Server_Logs_RAW', 'Pexip_Management_Node'],
      ['/var/log/syslog/pxpconf*/apache*.log', 'Pexip_Nodes_Web_Server_Logs_RAW', 'Pexip_Conferencing_Nodes'],
    ]);
    expect(tf.output!.pexip_rsyslog_config!.value).to.include('template(name="PexipFile" type="string" string="/var/log/syslog/%HOSTNAME%/%PROGRAMNAME%.log")');
  });
});

describe('PexipIngest: options', function () {
  this.timeout(60_000);

  it('drops the audit and web groups, the JSON copy and the export on request, and indexes into OpenSearch', () => {
    const tf = synthIngest({ kinds: { audit: false, web: false }, jsonCopy: { enabled: false }, export: { enabled: false }, opensearch: { endpoint: 'https://search-logs.eu-west-1.es.amazonaws.com', domainArn: DOMAIN_ARN } });
    expect(Object.values(resourcesOf(tf, 'aws_cloudwatch_log_group')).map((g) => g.name).sort()).to.deep.equal(['/aws/lambda/pexip-wrangler', 'Pexip_Nodes_Support_Logs_RAW']);
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.environment.variables).to.include({ OPENSEARCH_ENDPOINT: 'https://search-logs.eu-west-1.es.amazonaws.com', INDEX_PREFIX: 'pexip', OPENSEARCH_SERVICE: 'es' });
    expect(fn.environment.variables).to.not.have.any.keys('EXPORT_BUCKET', 'JSON_LOG_GROUP_SUFFIX');
    const wrangler = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').pexip_wrangler_policy!.policy);
    expect(wrangler.BulkIndexIntoDomain!.resources).to.deep.equal([`${DOMAIN_ARN}/_bulk`]);
    expect(wrangler).to.not.have.any.keys('WriteExportObjects', 'WriteJsonCopy');
    expect(Object.values(resourcesOf(tf, 'aws_cloudwatch_query_definition'))[0]!.log_group_names).to.deep.equal(['${aws_cloudwatch_log_group.pexip_raw_support.name}']);
  });

  it('refuses what cannot work, naming the prop', () => {
    const bad: [Partial<PexipIngestProps>, RegExp][] = [
      [{ name: 'P' }, /^PexipIngest: name must be 3\.\.32 lowercase/],
      [{ export: { enabled: false }, jsonCopy: { enabled: false } }, /nothing to do/],
      [{ jsonCopy: { suffix: '_RAW' } }, /jsonCopy.suffix must be/],
      [{ export: { prefix: '/x' } }, /export.prefix must be a relative S3 key prefix/],
      [{ rawRetentionDays: 2 }, /rawRetentionDays must be one of 1, 3, 5/],
      [{ agent: { conferencingNodeHosts: ['../etc'] } }, /agent hosts must be host folder names/],
    ];
    for (const [over, message] of bad) expect(() => synthIngest(over)).to.throw(message);
  });
});
