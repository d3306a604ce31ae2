import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformVariable } from 'cdktf';
import { COLLECTION_NAME_RULE, policyName } from '../../../modules/opensearch/collection';
import { OpenSearchAlertTopic, OpenSearchBootstrap, OpenSearchCollection, OpenSearchDomain, type OpenSearchCollectionProps } from '../../../modules/opensearch';
import { contentHash } from '../../../functions/opensearch-bootstrap/core/state';
import type { DesiredState } from '../../../functions/opensearch-bootstrap/contract';
import { onlyResource, resourcesOf, statementsOf, synth } from '../../support/synth';

const MASTER = 'arn:aws:iam::123456789012:role/opensearch-admin';
const SHIPPER = 'arn:aws:iam::123456789012:role/logs-shipper';
const STATE: DesiredState = { sources: { cwl: { indexPrefix: 'cwl', retentionDays: 30 }, elb: { indexPrefix: 'elb', retentionDays: 90 } }, shipperRoleArns: [SHIPPER] };

describe('modules/opensearch: OpenSearchDomain synth', () => {
  it('has the secure defaults: KMS at rest, node-to-node, HTTPS with the current TLS policy, FGAC with the IAM master role', () => {
    // Given a domain with only the required props
    const tf = synth((s) => new OpenSearchDomain(s, 'search', { domainName: 'logs', masterRoleArn: MASTER, accessRoleArns: [SHIPPER] }));
    const [, d] = onlyResource(tf, 'aws_opensearch_domain');
    // Then encryption, TLS and fine-grained access control are on
    expect(d.encrypt_at_rest).to.deep.equal({ enabled: true, kms_key_id: '${aws_kms_key.search_key.arn}' });
    expect(d.node_to_node_encryption).to.deep.equal({ enabled: true });
    expect(d.domain_endpoint_options).to.deep.equal({ enforce_https: true, tls_security_policy: 'Policy-Min-TLS-1-2-PFS-2023-10' });
    expect(d.advanced_security_options).to.deep.equal({ enabled: true, anonymous_auth_enabled: false, internal_user_database_enabled: false, master_user_options: { master_user_arn: MASTER } });
    // And two data nodes spread over two zones, gp3 volumes
    expect(d.cluster_config).to.deep.include({ instance_count: 2, zone_awareness_enabled: true, zone_awareness_config: { availability_zone_count: 2 }, dedicated_master_enabled: false });
    expect(d.ebs_options).to.deep.equal({ ebs_enabled: true, volume_type: 'gp3', volume_size: 100 });
  });

  it('publishes audit, error and slow logs to KMS-encrypted log groups the service may write through a scoped resource policy', () => {
    const tf = synth((s) => new OpenSearchDomain(s, 'search', { domainName: 'logs', masterRoleArn: MASTER }));
    const [, d] = onlyResource(tf, 'aws_opensearch_domain');
    expect(d.log_publishing_options.map((o: { log_type: string; enabled: boolean }) => [o.log_type, o.enabled])).to.deep.equal([['AUDIT_LOGS', true], ['ES_APPLICATION_LOGS', true], ['INDEX_SLOW_LOGS', true], ['SEARCH_SLOW_LOGS', true]]);
    const groups = Object.values(resourcesOf(tf, 'aws_cloudwatch_log_group'));
    expect(groups.map((g) => [g.name, g.kms_key_id, g.retention_in_days])).to.deep.include(['/aws/opensearch/logs/audit', '${aws_kms_key.search_key.arn}', 365]);
    expect(d.depends_on).to.deep.equal(['aws_cloudwatch_log_resource_policy.search_log_policy']);
    const policy = JSON.stringify(onlyResource(tf, 'aws_cloudwatch_log_resource_policy')[1].policy_document);
    expect(policy).to.include('es.amazonaws.com').and.include('aws:SourceArn').and.include('aws:SourceAccount');
  });

  it('takes VPC, dedicated masters and three zones, and refuses an uneven spread', () => {
    const tf = synth((s) => new OpenSearchDomain(s, 'search', { domainName: 'logs', masterRoleArn: MASTER, instanceCount: 3, availabilityZones: 3, dedicatedMasters: { instanceType: 'm7g.large.search', count: 3 }, vpc: { subnetIds: ['a', 'b', 'c'], securityGroupIds: ['sg'] } }));
    const [, d] = onlyResource(tf, 'aws_opensearch_domain');
    expect(d.cluster_config).to.deep.include({ dedicated_master_enabled: true, dedicated_master_type: 'm7g.large.search', dedicated_master_count: 3, zone_awareness_config: { availability_zone_count: 3 } });
    expect(d.vpc_options).to.deep.equal({ subnet_ids: ['a', 'b', 'c'], security_group_ids: ['sg'] });
    expect(() => synth((s) => new OpenSearchDomain(s, 'x', { domainName: 'logs', masterRoleArn: MASTER, instanceCount: 3, availabilityZones: 2 }))).to.throw(/multiple of availabilityZones/);
    expect(() => synth((s) => new OpenSearchDomain(s, 'x', { domainName: 'Logs', masterRoleArn: MASTER }))).to.throw(/domainName must be/);
  });
});

describe('modules/opensearch: OpenSearchCollection synth', () => {
  const base: OpenSearchCollectionProps = { name: 'logs', sources: STATE.sources, writerRoleArns: [SHIPPER], vpcEndpointIds: ['vpce-1'] };

  it('encrypts with a customer key, is private by default, and is created after its policies', () => {
    const tf = synth((s) => new OpenSearchCollection(s, 'aoss', base));
    const policies = resourcesOf(tf, 'aws_opensearchserverless_security_policy');
    expect(policies.aoss_encryption_policy.policy).to.equal('${jsonencode({"Rules" = [{"ResourceType" = "collection", "Resource" = ["collection/logs"]}], "AWSOwnedKey" = false, "KmsARN" = aws_kms_key.aoss_key.arn})}');
    expect(policies.aoss_network_policy.policy).to.include('"AllowFromPublic" = false').and.include('"SourceVPCEs" = ["vpce-1"]');
    const [, c] = onlyResource(tf, 'aws_opensearchserverless_collection');
    expect(c).to.deep.include({ name: 'logs', type: 'TIMESERIES' });
    expect(c.depends_on).to.deep.equal(['aws_opensearchserverless_security_policy.aoss_encryption_policy', 'aws_opensearchserverless_security_policy.aoss_network_policy']);
    expect(() => synth((s) => new OpenSearchCollection(s, 'x', { ...base, vpcEndpointIds: undefined }))).to.throw(/private collection needs vpc/);
  });

  it('grants writers only index create/update and document writes on their patterns, and sets retention per pattern', () => {
    const tf = synth((s) => new OpenSearchCollection(s, 'aoss', { ...base, adminRoleArns: [MASTER] }));
    const access = onlyResource(tf, 'aws_opensearchserverless_access_policy')[1].policy as string;
    expect(access).to.include('"Resource" = ["index/logs/cwl-*", "index/logs/elb-*"], "Permission" = ["aoss:CreateIndex", "aoss:UpdateIndex", "aoss:WriteDocument"]}], "Principal" = ["arn:aws:iam::123456789012:role/logs-shipper"]');
    const lifecycle = onlyResource(tf, 'aws_opensearchserverless_lifecycle_policy')[1];
    expect(lifecycle.type).to.equal('retention');
    expect(lifecycle.policy).to.include('"Resource" = ["index/logs/cwl-*"], "MinIndexRetention" = "30d"');
    // A SEARCH collection has no lifecycle policy here
    expect(resourcesOf(synth((s) => new OpenSearchCollection(s, 'aoss', { ...base, type: 'SEARCH' })), 'aws_opensearchserverless_lifecycle_policy')).to.deep.equal({});
  });
});

describe('modules/opensearch: OpenSearchCollection with Terraform variables (the registry module)', () => {
  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
  /** A collection whose name, roles, endpoints and retention are variables, as terraform-aws-opensearch-collection builds it. */
  const withVariables = () =>
    synth((s) => {
      const text = (id: string) => new TerraformVariable(s, id, { type: 'string' }).stringValue;
      const list = (id: string) => new TerraformVariable(s, id, { type: 'list(string)' }).listValue;
      const days = new TerraformVariable(s, 'days', { type: 'number' }).numberValue;
      new OpenSearchCollection(s, 'aoss', { name: text('name'), sources: { cwl: { indexPrefix: text('prefix'), retentionDays: days } }, writerRoleArns: list('writers'), adminRoleArns: list('admins'), vpcEndpointIds: list('vpces') });
    });

  it('accepts tokens for every checked prop and renders them as references, not token text', () => {
    // Given a collection built from variables
    const tf = withVariables();
    // Then nothing the construct cuts or formats turns into token text
    const text = JSON.stringify(tf);
    expect(text).to.not.match(/TfToken|e\+\d{3}/);
    const policies = resourcesOf(tf, 'aws_opensearchserverless_security_policy');
    expect(policies.aoss_encryption_policy!.name).to.equal('${substr("${var.name}-enc", 0, 32)}');
    const lifecycle = onlyResource(tf, 'aws_opensearchserverless_lifecycle_policy')[1];
    expect(lifecycle.name).to.equal('${substr("${var.name}-retention", 0, 32)}');
    expect(lifecycle.policy).to.include('"Resource" = ["index/${var.name}/${var.prefix}-*"], "MinIndexRetention" = "${var.days}d"');
    expect(onlyResource(tf, 'aws_opensearchserverless_access_policy')[1].policy).to.include('"Principal" = var.writers').and.include('"Principal" = var.admins');
    expect(policies.aoss_network_policy!.policy).to.include('"SourceVPCEs" = var.vpces');
    // And the output descriptions are literals (Terraform refuses a variable there)
    expect(tf.output!.aoss_endpoint!.description).to.equal('HTTPS endpoint of the OpenSearch Serverless collection');
  });

  (terraform ? it : it.skip)('cuts a variable name with substr to exactly what slice gives a literal name', () => {
    // Given the policy name expression of a token name, and names of every interesting length
    const expression = withVariables().resource!.aws_opensearchserverless_lifecycle_policy!.aoss_lifecycle_policy!.name.replace(/^\$\{|\}$/g, '');
    const names = ['abc', 'logs', 'a'.repeat(22), 'a'.repeat(23), 'a'.repeat(31), 'a'.repeat(32)];
    for (const name of names) expect(COLLECTION_NAME_RULE.pattern.test(name), name).to.equal(true);
    const dir = mkdtempSync(join(tmpdir(), 'tf-policy-name-'));
    try {
      writeFileSync(join(dir, 'main.tf'), 'variable "name" { type = string }\n');
      for (const name of names) {
        // When Terraform evaluates it
        const r = spawnSync('terraform', ['console', `-var=name=${name}`], { cwd: dir, input: `${expression}\n`, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
        // Then it is the literal path's text, at most 32 characters
        expect(JSON.parse(r.stdout.trim().split('\n').pop()!), name).to.equal(policyName(name, '-retention'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(policyName('a'.repeat(32), '-retention')).to.have.length(32);
  });

  it('refuses literal props outside the rules the module variables carry', () => {
    const base: OpenSearchCollectionProps = { name: 'logs', sources: { cwl: { indexPrefix: 'cwl', retentionDays: 30 } }, writerRoleArns: [SHIPPER], vpcEndpointIds: ['vpce-1'] };
    expect(() => synth((s) => new OpenSearchCollection(s, 'x', { ...base, name: 'a'.repeat(33) }))).to.throw(`name must be ${COLLECTION_NAME_RULE.describe}`);
    expect(() => synth((s) => new OpenSearchCollection(s, 'x', { ...base, sources: { cwl: { indexPrefix: 'cwl', retentionDays: 3651 } } }))).to.throw(/sources\.cwl\.retentionDays must be an integer 1\.\.3650 days/);
    expect(() => synth((s) => new OpenSearchCollection(s, 'x', { ...base, sources: { cwl: { indexPrefix: 'CWL', retentionDays: 30 } } }))).to.throw(/sources\.cwl\.indexPrefix must be/);
    expect(() => synth((s) => new OpenSearchCollection(s, 'x', { ...base, writerRoleArns: ['arn:aws:iam::123456789012:user/x'] }))).to.throw(/writerRoleArns: .* is not an IAM role ARN/);
    expect(() => synth((s) => new OpenSearchCollection(s, 'x', { ...base, vpcEndpointIds: ['endpoint-1'] }))).to.throw(/vpcEndpointIds: "endpoint-1" is not/);
    // A SEARCH collection has no lifecycle policy, so its retention is not bounded by one
    expect(() => synth((s) => new OpenSearchCollection(s, 'x', { ...base, type: 'SEARCH', sources: { cwl: { indexPrefix: 'cwl', retentionDays: 5000 } } }))).to.not.throw();
  });

  it("gives its key no CloudWatch Logs statement (no log groups: an empty condition would be malformed)", () => {
    const tf = synth((s) => new OpenSearchCollection(s, 'aoss', { name: 'logs', sources: STATE.sources, writerRoleArns: [SHIPPER], vpcEndpointIds: ['vpce-1'] }));
    expect(Object.keys(statementsOf(tf, onlyResource(tf, 'aws_kms_key')[1].policy))).to.deep.equal(['EnableIamPolicies']);
  });
});

describe('modules/opensearch: OpenSearchBootstrap synth', () => {
  it('deploys the function and invokes it with the desired state, re-run when its hash changes', () => {
    // Given a bootstrap for a domain
    const tf = synth((s) => {
      const domain = new OpenSearchDomain(s, 'search', { domainName: 'logs', masterRoleArn: MASTER });
      new OpenSearchBootstrap(s, 'bootstrap', { opensearch: domain.target, desiredState: STATE });
    });
    // Then the invocation carries the state and its hash as trigger, after the role policy exists
    const [, inv] = onlyResource(tf, 'aws_lambda_invocation');
    expect(JSON.parse(inv.input)).to.deep.equal(STATE);
    expect(inv.triggers).to.deep.equal({ desired_state: contentHash(STATE) });
    expect(inv.depends_on).to.deep.equal(['aws_iam_role_policy.bootstrap_function_policy']);
    // And the function may call the domain's REST paths (no delete), targeting the domain endpoint
    const [, fn] = onlyResource(tf, 'aws_lambda_function');
    expect(fn.environment.variables).to.deep.equal({ OPENSEARCH_ENDPOINT: 'https://${aws_opensearch_domain.search_domain.endpoint}', OPENSEARCH_SERVICE: 'es' });
    const statements = statementsOf(tf, onlyResource(tf, 'aws_iam_role_policy')[1].policy);
    expect(statements.ManageDomainSettings.actions).to.deep.equal(['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpPatch']);
    expect(statements.ManageDomainSettings.resources).to.deep.equal(['${aws_opensearch_domain.search_domain.arn}/*']);
  });

  it('refuses an invalid desired state at synth time', () => {
    const target = { endpoint: 'https://search-logs.eu-west-1.es.amazonaws.com', domainArn: 'arn:aws:es:eu-west-1:123456789012:domain/logs' };
    expect(() => synth((s) => new OpenSearchBootstrap(s, 'b', { opensearch: target, desiredState: { sources: { cwl: { indexPrefix: 'cwl', retentionDays: 0 } } } }))).to.throw(/OpenSearchBootstrap: desiredState: sources\.cwl\.retentionDays/);
  });

  it('deploys the replay function when asked, reading and deleting dead letters under the prefix only, writing through _bulk only', () => {
    // Given a bootstrap with the replay option
    const tf = synth((s) => {
      const domain = new OpenSearchDomain(s, 'search', { domainName: 'logs', masterRoleArn: MASTER });
      new OpenSearchBootstrap(s, 'bootstrap', { opensearch: domain.target, desiredState: STATE, replay: { deadLetterBucketName: 'dl', deadLetterBucketArn: 'arn:aws:s3:::dl' } });
    });
    // Then a second function has the bucket, prefix and target in its environment
    const fns = resourcesOf(tf, 'aws_lambda_function');
    expect(fns.bootstrap_replay_function.environment.variables).to.deep.equal({
      OPENSEARCH_ENDPOINT: 'https://${aws_opensearch_domain.search_domain.endpoint}', OPENSEARCH_SERVICE: 'es', DEAD_LETTER_BUCKET: 'dl', DEAD_LETTER_PREFIX: 'dead-letter/', INDEX_PREFIX: 'cwl',
    });
    // And its policy lists, reads and deletes under the prefix, and posts to _bulk only
    const s = statementsOf(tf, resourcesOf(tf, 'aws_iam_role_policy').bootstrap_replay_policy!.policy);
    expect(s.ListDeadLetters).to.deep.include({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::dl'], conditions: { StringLike: { 's3:prefix': ['dead-letter/*'] } } });
    expect(s.ReadAndRemoveDeadLetters).to.deep.include({ actions: ['s3:GetObject', 's3:DeleteObject'], resources: ['arn:aws:s3:::dl/dead-letter/*'] });
    expect(s.BulkIndexIntoDomain).to.deep.include({ actions: ['es:ESHttpPost'], resources: ['${aws_opensearch_domain.search_domain.arn}/_bulk'] });
  });
});

describe('modules/opensearch: a domain prepared by its bootstrap, nothing to click', () => {
  const build = (extra: Partial<DesiredState> = {}) =>
    synth((s) => {
      const domain = new OpenSearchDomain(s, 'search', { domainName: 'logs' });
      new OpenSearchBootstrap(s, 'bootstrap', { domain, desiredState: { ...STATE, ...extra } });
    });

  it("makes the bootstrap function's role the FGAC master and lets it, the shippers and the admins call the domain", () => {
    // Given a domain without masterRoleArn, given to a bootstrap with shipper and admin roles
    const tf = build({ adminRoleArns: [MASTER] });
    const [, d] = onlyResource(tf, 'aws_opensearch_domain');
    // Then the master user is the bootstrap's role
    expect(d.advanced_security_options.master_user_options).to.deep.equal({ master_user_arn: '${aws_iam_role.bootstrap_function_role.arn}' });
    // And the resource policy names exactly the master, the shipper and the admin
    expect(d.access_policies).to.include(`"Principal" = {"AWS" = [aws_iam_role.bootstrap_function_role.arn, "${SHIPPER}", "${MASTER}"]}`);
    // And the function targets that domain
    const fn = resourcesOf(tf, 'aws_lambda_function').bootstrap_function_function!;
    expect(fn.environment.variables.OPENSEARCH_ENDPOINT).to.equal('https://${aws_opensearch_domain.search_domain.endpoint}');
  });

  it('fails synth when a domain has no master at all, or two', () => {
    // Given a domain no bootstrap takes and no masterRoleArn
    expect(() => synth((s) => new OpenSearchDomain(s, 'search', { domainName: 'logs' }))).to.throw(/no fine-grained access control master role/);
    // Given a domain with a master role given to a bootstrap as well
    expect(() =>
      synth((s) => new OpenSearchBootstrap(s, 'b', { domain: new OpenSearchDomain(s, 'search', { domainName: 'logs', masterRoleArn: MASTER }), desiredState: STATE })),
    ).to.throw(/the master role is already arn:aws:iam::123456789012:role\/opensearch-admin/);
    // Given neither opensearch nor domain
    expect(() => synth((s) => new OpenSearchBootstrap(s, 'b', { desiredState: STATE }))).to.throw(/give opensearch or domain, not both or neither/);
  });

  it('renders a state holding references with jsonencode and re-runs when Terraform sees it change', () => {
    // Given a desired state whose shipper role and alert are made in the same stack
    const tf = synth((s) => {
      const domain = new OpenSearchDomain(s, 'search', { domainName: 'logs' });
      const alerts = new OpenSearchAlertTopic(s, 'alerts', { name: 'ops' });
      new OpenSearchBootstrap(s, 'bootstrap', { domain, desiredState: { ...STATE, shipperRoleArns: [alerts.role.arn], alert: alerts.alert } });
    });
    // Then the input is Terraform's jsonencode of the state (keys sorted) and the trigger its sha256
    const [, inv] = onlyResource(tf, 'aws_lambda_invocation');
    expect(inv.input).to.equal(
      '${jsonencode({"alert" = {"snsRoleArn" = aws_iam_role.alerts_role.arn, "snsTopicArn" = aws_sns_topic.alerts_topic.arn, "threshold" = 10}, "shipperRoleArns" = [aws_iam_role.alerts_role.arn], "sources" = {"cwl" = {"indexPrefix" = "cwl", "retentionDays" = 30}, "elb" = {"indexPrefix" = "elb", "retentionDays" = 90}}})}',
    );
    expect(inv.triggers.desired_state).to.equal(`\${sha256(${inv.input.slice(2, -1)})}`);
  });

  it('takes a desired state of Terraform variables (the registry module): numbers and lists render as references', () => {
    // Given a bootstrap whose index prefix, retention and role lists are variables
    const tf = synth((s) => {
      const days = new TerraformVariable(s, 'days', { type: 'number' }).numberValue;
      const prefix = new TerraformVariable(s, 'prefix', { type: 'string' }).stringValue;
      const shippers = new TerraformVariable(s, 'shippers', { type: 'list(string)' }).listValue;
      const target = { endpoint: 'https://search-logs.eu-west-1.es.amazonaws.com', domainArn: 'arn:aws:es:eu-west-1:123456789012:domain/logs' };
      new OpenSearchBootstrap(s, 'bootstrap', { opensearch: target, desiredState: { sources: { cwl: { indexPrefix: prefix, retentionDays: days } }, shipperRoleArns: shippers } });
    });
    // Then the input is Terraform's jsonencode of them and the trigger its sha256 (a number token alone would print as digits)
    const [, inv] = onlyResource(tf, 'aws_lambda_invocation');
    expect(inv.input).to.equal('${jsonencode({"shipperRoleArns" = var.shippers, "sources" = {"cwl" = {"indexPrefix" = var.prefix, "retentionDays" = var.days}}})}');
    expect(inv.triggers.desired_state).to.equal(`\${sha256(${inv.input.slice(2, -1)})}`);
    // And the role the cluster must admit is an output
    expect(tf.output!.bootstrap_role_arn!.value).to.equal('${aws_iam_role.bootstrap_function_role.arn}');
  });

  it("encrypts the function's log group with a key whose policy names that log group only", () => {
    const tf = build();
    expect(resourcesOf(tf, 'aws_cloudwatch_log_group').bootstrap_function_logs!.kms_key_id).to.equal('${aws_kms_key.bootstrap_key.arn}');
    const s = statementsOf(tf, resourcesOf(tf, 'aws_kms_key').bootstrap_key!.policy);
    expect(s.AllowCloudWatchLogsForOwnLogGroups.conditions).to.deep.equal({
      ArnEquals: {
        'kms:EncryptionContext:aws:logs:arn': [
          'arn:${data.aws_partition.bootstrap_partition.partition}:logs:${data.aws_region.bootstrap_region.region}:${data.aws_caller_identity.bootstrap_account.account_id}:log-group:/aws/lambda/bootstrap-function',
        ],
      },
    });
  });
});

describe('modules/opensearch: OpenSearchAlertTopic synth', () => {
  it('makes an encrypted topic and a role only OpenSearch of this account assumes, allowed to publish to it alone', () => {
    // Given an alert topic
    const tf = synth((s) => new OpenSearchAlertTopic(s, 'alerts', { name: 'ops', threshold: 5 }));
    // Then the topic is KMS-encrypted
    expect(onlyResource(tf, 'aws_sns_topic')[1]).to.deep.include({ name: 'ops', kms_master_key_id: 'alias/aws/sns' });
    // And the role trusts es.amazonaws.com from this account only, and may publish to this topic only
    const [, role] = onlyResource(tf, 'aws_iam_role');
    expect(role.name).to.equal('ops-publisher');
    const trust = statementsOf(tf, role.assume_role_policy);
    expect(trust.AssumeRole).to.deep.include({ principals: { Service: ['es.amazonaws.com'] }, conditions: { StringEquals: { 'aws:SourceAccount': ['${data.aws_caller_identity.alerts_account.account_id}'] } } });
    const policy = statementsOf(tf, onlyResource(tf, 'aws_iam_role_policy')[1].policy);
    expect(Object.keys(policy)).to.deep.equal(['PublishAlerts']);
    expect(policy.PublishAlerts).to.deep.include({ actions: ['sns:Publish'], resources: ['${aws_sns_topic.alerts_topic.arn}'] });
    expect(() => synth((s) => new OpenSearchAlertTopic(s, 'a', { name: 'bad name' }))).to.throw(/OpenSearchAlertTopic: name must be/);
  });
});
