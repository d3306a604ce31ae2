import { expect } from 'chai';
import { App, TerraformStack } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PexipIngest, type PexipIngestProps } from '../../../modules/pexip-ingest';
import { allStatements, resourcesOf, statementsOf, synth } from '../../support/synth';

const base: PexipIngestProps = { name: 'pexip' };
const DOMAIN_ARN = 'arn:aws:es:eu-west-1:123456789012:domain/logs';

describe('modules/pexip-ingest: PexipIngest synth', () => {
  it('creates the three RAW groups and their _JSON copies with retention and the created key', () => {
    // Given the construct with defaults
    const tf = synth((s) => new PexipIngest(s, 'pexip', base));
    // Then the original's group names exist, each with retention and KMS
    const groups = Object.values(resourcesOf(tf, 'aws_cloudwatch_log_group'));
    expect(groups.map((g) => g.name).sort()).to.deep.equal([
      '/aws/lambda/pexip-wrangler',
      'Pexip_Nodes_Audit_Logs_JSON', 'Pexip_Nodes_Audit_Logs_RAW',
      'Pexip_Nodes_Support_Logs_JSON', 'Pexip_Nodes_Support_Logs_RAW',
      'Pexip_Nodes_Web_Server_Logs_JSON', 'Pexip_Nodes_Web_Server_Logs_RAW',
    ]);
    expect(groups.every((g) => g.kms_key_id === '${aws_kms_key.pexip_key.arn}' && g.retention_in_days === 30)).to.equal(true);
  });

  it('subscribes every RAW group to the stream (never a Lambda), after the group and the role policy exist', () => {
    const tf = synth((s) => new PexipIngest(s, 'pexip', base));
    const filters = Object.values(resourcesOf(tf, 'aws_cloudwatch_log_subscription_filter'));
    expect(filters.map((f) => f.log_group_name).sort()).to.deep.equal(['Pexip_Nodes_Audit_Logs_RAW', 'Pexip_Nodes_Support_Logs_RAW', 'Pexip_Nodes_Web_Server_Logs_RAW']);
    for (const f of filters) {
      expect(f).to.include({ destination_arn: '${aws_kinesis_stream.pexip_stream.arn}', filter_pattern: '' });
      expect(f.depends_on).to.include('aws_iam_role_policy.pexip_subscription_role_policy');
      expect(f.depends_on.some((d: string) => d.startsWith('aws_cloudwatch_log_group.pexip_raw_'))).to.equal(true);
    }
    const [esm] = Object.values(resourcesOf(tf, 'aws_lambda_event_source_mapping'));
    expect(esm).to.include({ function_name: '${aws_lambda_function.pexip_wrangler_function.arn}', bisect_batch_on_function_error: true });
    expect(esm!.function_response_types).to.deep.equal(['ReportBatchItemFailures']);
  });

  it('configures the wrangler through its contract and grants exactly its destinations', () => {
    const tf = synth((s) => new PexipIngest(s, 'pexip', base));
    const fn = resourcesOf(tf, 'aws_lambda_function').pexip_wrangler_function!;
    expect(fn.environment.variables).to.deep.equal({
      DEAD_LETTER_BUCKET: '${aws_s3_bucket.pexip_dead_letter_bucket.bucket}', DEAD_LETTER_PREFIX: 'dead-letter/',
      EXPORT_BUCKET: '${aws_s3_bucket.pexip_export_bucket.bucket}', EXPORT_PREFIX: 'pexip/', JSON_LOG_GROUP_SUFFIX: '_JSON',
    });
    const s = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').pexip_wrangler_policy!.policy);
    expect(Object.keys(s)).to.deep.equal([
      'WriteOwnLogs', 'ReadPipelineStream', 'DecryptStreamRecords', 'SendToFailureQueue', 'EncryptFailureQueueMessages',
      'WriteDeadLetters', 'EncryptDeadLetters', 'WriteExport', 'EncryptExport', 'WriteJsonCopy',
    ]);
    expect(s.WriteExport!.resources).to.deep.equal(['arn:${data.aws_partition.pexip_partition.partition}:s3:::${aws_s3_bucket.pexip_export_bucket.bucket}/pexip/*']);
    expect(s.WriteJsonCopy).to.deep.include({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'] });
    expect(s.WriteJsonCopy!.resources.sort()).to.deep.equal(['audit', 'support', 'web'].map((k) => `\${aws_cloudwatch_log_group.pexip_json_${k}.arn}:*`));
    // No role may create log groups: the construct creates them with retention and KMS
    expect(allStatements(tf).some(({ statement }) => statement.actions.includes('logs:CreateLogGroup'))).to.equal(false);
  });

  it('indexes into OpenSearch only when a target is given, with the _bulk-only grant', () => {
    const tf = synth((s) => new PexipIngest(s, 'pexip', { ...base, opensearch: { endpoint: 'https://search-x.eu-west-1.es.amazonaws.com', domainArn: DOMAIN_ARN } }));
    const fn = resourcesOf(tf, 'aws_lambda_function').pexip_wrangler_function!;
    expect(fn.environment.variables).to.include({ OPENSEARCH_ENDPOINT: 'https://search-x.eu-west-1.es.amazonaws.com', INDEX_PREFIX: 'pexip', OPENSEARCH_SERVICE: 'es' });
    const s = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').pexip_wrangler_policy!.policy);
    expect(s.BulkIndexIntoDomain!.resources).to.deep.equal([`${DOMAIN_ARN}/_bulk`]);
  });

  it('gives the syslog server a role and instance profile that may only write the RAW groups', () => {
    const tf = synth((s) => new PexipIngest(s, 'pexip', base));
    const role = resourcesOf(tf, 'aws_iam_role').pexip_syslog_role!;
    expect(role.name).to.equal('pexip-syslog-server');
    const trust = statementsOf(tf, role.assume_role_policy);
    expect(trust.AssumeRole!.principals).to.deep.equal({ Service: ['ec2.amazonaws.com'] });
    const s = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').pexip_syslog_role_policy!.policy);
    expect(Object.keys(s)).to.deep.equal(['WriteRawGroups']);
    expect(s.WriteRawGroups!.resources.sort()).to.deep.equal(['audit', 'support', 'web'].map((k) => `\${aws_cloudwatch_log_group.pexip_raw_${k}.arn}:*`));
    expect(resourcesOf(tf, 'aws_iam_instance_profile').pexip_syslog_instance_profile).to.include({ name: 'pexip-syslog-server', role: '${aws_iam_role.pexip_syslog_role.name}' });
  });

  it('saves the original Logs Insights queries on the support JSON group', () => {
    const tf = synth((s) => new PexipIngest(s, 'pexip', base));
    const q = resourcesOf(tf, 'aws_cloudwatch_query_definition');
    expect(q.pexip_query_conferences_per_day).to.deep.include({ name: 'pexip/NumberOfConferencesPerDay', log_group_names: ['${aws_cloudwatch_log_group.pexip_json_support.name}'] });
    expect(q.pexip_query_conferences_per_day!.query_string).to.contain("count_distinct(log_message.Conference_ID)");
    expect(q.pexip_query_error_logs_per_day!.query_string).to.contain("filter level like 'ERROR'");
  });

  it('writes the CloudWatch agent and rsyslog configuration beside the stacks, mapping each node and kind', () => {
    // Given an app synthesized into a temporary folder
    const outdir = mkdtempSync(join(tmpdir(), 'pexip-synth-'));
    try {
      const app = new App({ outdir, skipValidation: true });
      const stack = new TerraformStack(app, 's');
      const p = new PexipIngest(stack, 'pexip', { ...base, kinds: { web: false }, nodes: [{ host: 'mgr', role: 'management' }, { host: 'conf*', role: 'conferencing' }] });
      app.synth();
      // Then the agent tails each node's support and audit files into the RAW groups, one stream per node role
      const agent = JSON.parse(readFileSync(join(outdir, 'pexip-ingest', 'pexip', 'amazon-cloudwatch-agent.json'), 'utf8'));
      const list = agent.logs.logs_collected.files.collect_list as { file_path: string; log_group_name: string; log_stream_name: string }[];
      expect(list.map((e) => [e.file_path, e.log_group_name, e.log_stream_name])).to.deep.equal([
        ['/var/log/syslog/mgr/2*.log', 'Pexip_Nodes_Support_Logs_RAW', 'Pexip_Management_Node'],
        ['/var/log/syslog/mgr/audispd.log', 'Pexip_Nodes_Audit_Logs_RAW', 'Pexip_Management_Node'],
        ['/var/log/syslog/conf*/2*.log', 'Pexip_Nodes_Support_Logs_RAW', 'Pexip_Conferencing_Nodes'],
        ['/var/log/syslog/conf*/audispd.log', 'Pexip_Nodes_Audit_Logs_RAW', 'Pexip_Conferencing_Nodes'],
      ]);
      expect(agent).to.deep.equal(p.agentConfig);
      // And the same text is a stack output (base64-decoded by Terraform at plan time)
      const tf = JSON.parse(readFileSync(join(outdir, 'stacks', 's', 'cdk.tf.json'), 'utf8'));
      const encoded = /^\$\{base64decode\("([A-Za-z0-9+/=]+)"\)\}$/.exec(tf.output.pexip_cloudwatch_agent_config.value)![1]!;
      expect(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))).to.deep.equal(p.agentConfig);
      const rsyslog = readFileSync(join(outdir, 'pexip-ingest', 'pexip', '30-pexip.conf'), 'utf8');
      expect(rsyslog).to.contain('string="/var/log/syslog/%HOSTNAME%/%PROGRAMNAME%.log"');
      expect(rsyslog).to.contain('input(type="imudp" port="514" ruleset="pexip")');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('turns off kinds, the export and the JSON copy on request, and names groups with a prefix', () => {
    const tf = synth((s) => new PexipIngest(s, 'pexip', { ...base, kinds: { audit: false, web: false }, logGroupNamePrefix: 'lab-', export: { enabled: false }, jsonCopy: { enabled: false }, opensearch: { endpoint: 'https://search-x.eu-west-1.es.amazonaws.com', domainArn: DOMAIN_ARN } }));
    expect(Object.values(resourcesOf(tf, 'aws_cloudwatch_log_group')).map((g) => g.name).sort()).to.deep.equal(['/aws/lambda/pexip-wrangler', 'lab-Pexip_Nodes_Support_Logs_RAW']);
    const env = resourcesOf(tf, 'aws_lambda_function').pexip_wrangler_function!.environment.variables;
    expect(env).to.not.have.any.keys('EXPORT_BUCKET', 'JSON_LOG_GROUP_SUFFIX');
    expect(resourcesOf(tf, 'aws_cloudwatch_query_definition')).to.deep.equal({});
  });

  it('rejects invalid props with a clear error', () => {
    const bad: [Partial<PexipIngestProps>, RegExp][] = [
      [{ name: 'P' }, /PexipIngest: name must be 3\.\.32/],
      [{ kinds: { support: false, audit: false, web: false } }, /at least one of support, audit, web/],
      [{ export: { enabled: false }, jsonCopy: { enabled: false } }, /no destination/],
      [{ export: { prefix: 'no-slash' } }, /export.prefix must be a relative S3 key prefix/],
      [{ export: { transitionDays: 400 } }, /never happens before expiry/],
      [{ jsonCopy: { suffix: 'bad suffix!' } }, /jsonCopy.suffix must be log group name characters/],
      [{ rawRetentionDays: 2 }, /rawRetentionDays must be one of 1, 3, 5/],
      [{ nodes: [{ host: 'a/b', role: 'management' }] }, /host "a\/b" must be a host folder name/],
      [{ opensearch: { endpoint: 'http://x.example.com', domainArn: DOMAIN_ARN } }, /opensearch.endpoint must be an https/],
    ];
    for (const [props, message] of bad) expect(() => synth((s) => new PexipIngest(s, 'pexip', { ...base, ...props })), String(message)).to.throw(message);
  });

  it('two instances in one stack synthesize without collisions when their group prefixes differ', () => {
    const tf = synth((s) => {
      new PexipIngest(s, 'prod', { name: 'pexip-prod' });
      new PexipIngest(s, 'lab', { name: 'pexip-lab', logGroupNamePrefix: 'lab-' });
    });
    const names = Object.values(resourcesOf(tf, 'aws_cloudwatch_log_group')).map((g) => g.name);
    expect(new Set(names).size).to.equal(names.length);
    const streams = Object.values(resourcesOf(tf, 'aws_kinesis_stream')).map((k) => k.name).sort();
    expect(streams).to.deep.equal(['pexip-lab', 'pexip-prod']);
  });
});
