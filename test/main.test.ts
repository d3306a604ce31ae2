import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_EXISTING_STACK, EXAMPLE_STACK, buildApp } from '../main';
import { PROJECT_ROOT } from './support/shared';

/** Synthesizes the example app into a fresh temporary folder; returns the folders of its two stacks. */
function synthExample(options: { hcl?: boolean } = {}): { dir: string; stackDir: string; existingDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lto-synth-'));
  // cdktf 0.21 reads SYNTH_HCL_OUTPUT when a stack is constructed (what `npm run synth:hcl` sets).
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = options.hcl ? 'true' : 'false';
  try {
    buildApp({ outdir: dir }).app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  return { dir, stackDir: join(dir, 'stacks', EXAMPLE_STACK), existingDir: join(dir, 'stacks', EXAMPLE_EXISTING_STACK) };
}

const readTf = (stackDir: string) => JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));

/** Resource types and the IAM actions of every policy document of a synthesized stack. */
function typesAndActions(tf: { resource: Record<string, unknown>; data: { aws_iam_policy_document: Record<string, { statement: { actions?: string[] }[] }> } }) {
  const actions = new Set<string>();
  for (const doc of Object.values(tf.data.aws_iam_policy_document)) for (const st of doc.statement) for (const a of st.actions ?? []) actions.add(a);
  return { types: Object.keys(tf.resource), actions };
}

function terraformBinary(): string | undefined {
  const r = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? 'terraform' : undefined;
}

/**
 * What the example stack deployed before the "one pattern" refactor (resource types and IAM actions,
 * captured from its synth): the refactor may add resources and narrow grants, never drop a behaviour.
 */
const BASELINE = JSON.parse(readFileSync(join(__dirname, 'main.baseline.json'), 'utf8')) as { types: string[]; actions: string[]; createdDomain: { types: string[]; actions: string[] } };
/** Actions removed on purpose, each with its reason. */
const NARROWED: Record<string, string> = {
  'es:ESHttpPut': 'the functions only POST _bulk; PUT on <domain>/* also allowed index and mapping changes (least privilege)',
};

describe('example app (main.ts)', function () {
  this.timeout(60_000);
  const made: string[] = [];
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('synthesizes the bring-your-own-domain stack with placeholder variables and a credential-free provider', () => {
    // Given the example app, synthesized in-process (no credentials, no network)
    const { dir, existingDir: stackDir } = synthExample();
    made.push(dir);
    // Then the stack JSON exists with the pipeline in it
    const tf = readTf(stackDir);
    expect(Object.keys(tf.resource.aws_kinesis_stream).sort()).to.deep.equal(['logs_stream', 'pexip_stream']);
    expect(Object.keys(tf.resource.aws_lambda_function).sort()).to.deep.equal(['elb_processor_function', 'logs_shipper_function', 'pexip_wrangler_function']);
    // And the region is an ordinary variable: nothing region-specific is decided at synth
    expect(tf.variable.region.default).to.equal('eu-west-1');
    expect(tf.variable.region.validation).to.equal(undefined);
    // And the endpoint variable carries the contract's endpoint rule, checked at plan time
    expect(tf.variable.opensearch_endpoint.validation).to.have.length(1);
    expect(tf.variable.opensearch_endpoint.validation[0].condition).to.match(/^\$\{can\(regex\(".*", var\.opensearch_endpoint\)\)\}$/);
    // And the provider skips every credential check by a variable that users flip to plan/deploy
    expect(tf.provider.aws).to.have.length(1);
    expect(tf.provider.aws[0]).to.include({
      region: '${var.region}',
      skip_credentials_validation: '${var.skip_aws_validation}',
      skip_requesting_account_id: '${var.skip_aws_validation}',
      skip_metadata_api_check: '${var.skip_aws_validation}',
    });
    // And the OpenSearch target comes from variables with obviously placeholder defaults
    expect(tf.variable.opensearch_endpoint.default).to.equal('https://search-example.eu-west-1.es.amazonaws.com');
    expect(tf.variable.opensearch_domain_arn.default).to.equal('arn:aws:es:eu-west-1:123456789012:domain/example');
    expect(tf.variable.opensearch_endpoint.description).to.match(/^PLACEHOLDER/);
    expect(tf.variable.skip_aws_validation).to.include({ type: 'bool', default: true });
    const env = tf.resource.aws_lambda_function.logs_shipper_function.environment.variables;
    expect(env.OPENSEARCH_ENDPOINT).to.equal('${var.opensearch_endpoint}');
    // And the Lambda's zip was copied next to the stack, under the path the function references
    const zip = tf.resource.aws_lambda_function.logs_shipper_function.filename;
    expect(existsSync(join(stackDir, zip)), zip).to.equal(true);
    // And a local backend whose path does not depend on where the project is checked out
    expect(tf.terraform.backend).to.deep.equal({ local: { path: `../../../terraform.${EXAMPLE_EXISTING_STACK}.tfstate` } });
    expect(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')).to.not.include(process.cwd());
    // And no domain is made or touched there
    expect(tf.resource.aws_opensearch_domain).to.equal(undefined);
    expect(tf.resource.aws_lambda_invocation).to.equal(undefined);
  });

  it('makes a domain whose FGAC master is the bootstrap role, prepares it during apply, and points the three pipelines at it', () => {
    // Given the default example stack, synthesized
    const { dir, stackDir } = synthExample();
    made.push(dir);
    const tf = readTf(stackDir);
    // Then there is no endpoint variable to fill in: one domain, with the bootstrap function's role as master user
    expect(tf.variable.opensearch_endpoint).to.equal(undefined);
    const domain = tf.resource.aws_opensearch_domain.search_domain;
    expect(domain.advanced_security_options.master_user_options).to.deep.equal({ master_user_arn: '${aws_iam_role.bootstrap_function_role.arn}' });
    // And the resource policy lets in exactly the master and the three writers
    expect(domain.access_policies).to.include(
      '"AWS" = [aws_iam_role.bootstrap_function_role.arn, aws_iam_role.logs_shipper_role.arn, aws_iam_role.elb_processor_role.arn, aws_iam_role.pexip_wrangler_role.arn]',
    );
    // And every pipeline function writes to that domain's endpoint
    for (const fn of ['logs_shipper_function', 'elb_processor_function', 'pexip_wrangler_function', 'bootstrap_function_function'])
      expect(tf.resource.aws_lambda_function[fn].environment.variables.OPENSEARCH_ENDPOINT, fn).to.equal('https://${aws_opensearch_domain.search_domain.endpoint}');
    // And the bootstrap is invoked with the three sources, the three functions' roles for the shipper mapping and the alert topic
    const input = tf.resource.aws_lambda_invocation.bootstrap_invocation.input as string;
    expect(input).to.include('"shipperRoleArns" = [aws_iam_role.logs_shipper_role.arn, aws_iam_role.elb_processor_role.arn, aws_iam_role.pexip_wrangler_role.arn]');
    expect(input).to.include('"alert" = {"snsRoleArn" = aws_iam_role.alerts_role.arn, "snsTopicArn" = aws_sns_topic.alerts_topic.arn, "threshold" = 10}');
    expect(input).to.include('"sources" = {"cwl" = {"indexPrefix" = "cwl", "retentionDays" = 30}, "elb" = {"indexPrefix" = "elb", "retentionDays" = 90}, "pexip" = {"indexPrefix" = "pexip", "retentionDays" = 90}}');
    // And re-invoked exactly when that input changes
    expect(tf.resource.aws_lambda_invocation.bootstrap_invocation.triggers.desired_state).to.equal(`\${sha256(${input.slice(2, -1)})}`);
    // And the shipper's index rules stay under the cwl source's pattern, so its template, retention and role cover them
    const rules = JSON.parse(tf.resource.aws_lambda_function.logs_shipper_function.environment.variables.INDEX_RULES) as { indexPrefix: string }[];
    expect(rules.map((r) => r.indexPrefix).every((p) => p.startsWith('cwl-'))).to.equal(true);
  });

  it("asks for the AWS provider at least at the bindings' version, not cdktf's exact pin", () => {
    // Given the example app, synthesized
    const { dir, stackDir } = synthExample();
    made.push(dir);
    const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    // Then any provider from the version the bindings were generated from (6.25.0) on installs, such as the
    // newer one the apply tests build from source
    expect(tf.terraform.required_providers.aws).to.deep.equal({ source: 'aws', version: '>= 6.25' });
  });

  it('is reproducible: two synths give the same bytes', () => {
    const a = synthExample();
    const b = synthExample();
    made.push(a.dir, b.dir);
    const json = (d: string) => readFileSync(join(d, 'cdk.tf.json'), 'utf8').split(a.dir).join('<out>').split(b.dir).join('<out>');
    expect(json(b.stackDir)).to.equal(json(a.stackDir));
    const tf = JSON.parse(readFileSync(join(a.stackDir, 'cdk.tf.json'), 'utf8'));
    const zip = tf.resource.aws_lambda_function.logs_shipper_function.filename;
    expect(readFileSync(join(b.stackDir, zip)).equals(readFileSync(join(a.stackDir, zip)))).to.equal(true);
  });

  it('is reproducible across processes, with fresh bundles (what CI and a second machine see)', () => {
    // Given two separate `main.ts` runs, each bundling the functions from scratch
    const runs = [0, 1].map(() => {
      const dir = mkdtempSync(join(tmpdir(), 'lto-proc-'));
      made.push(dir);
      const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'main.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, CDKTF_OUTDIR: join(dir, 'out'), LTO_BUILD_DIR: join(dir, 'build'), SYNTH_HCL_OUTPUT: 'false' },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).to.equal(0);
      return join(dir, 'out', 'stacks', EXAMPLE_STACK);
    });
    // Then the stack JSON and the zipped function are byte-identical
    const [a, b] = runs.map((d) => readFileSync(join(d, 'cdk.tf.json')));
    expect(a.equals(b)).to.equal(true);
    const zip = JSON.parse(a.toString('utf8')).resource.aws_lambda_function.logs_shipper_function.filename;
    expect(readFileSync(join(runs[0], zip)).equals(readFileSync(join(runs[1], zip)))).to.equal(true);
  });

  it('writes HCL that terraform parses and that is fmt-clean once formatted', function () {
    const terraform = terraformBinary();
    if (!terraform) this.skip();
    // Given the HCL output of the example app
    const { dir, stackDir } = synthExample({ hcl: true });
    made.push(dir);
    const hcl = readFileSync(join(stackDir, 'cdk.tf'), 'utf8');
    expect(hcl).to.include('resource "aws_kinesis_stream" "logs_stream"');
    expect(hcl).to.include('resource "aws_lambda_invocation" "bootstrap_invocation"');
    expect(hcl).to.include('data "aws_iam_policy_document" "logs_key_policy"');
    expect(hcl).to.match(/required_providers \{\s*aws = \{\s*version = ">= 6.25"/);
    // When terraform formats it (this parses every expression: garbled strings fail here)
    const fmt = spawnSync(terraform!, ['fmt', '-recursive', dir], { encoding: 'utf8' });
    expect(fmt.status, fmt.stderr).to.equal(0);
    // Then the check passes
    const check = spawnSync(terraform!, ['fmt', '-check', '-recursive', dir], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).to.equal(0);
  });

  it('deploys a GlueCatalog over the ELB processor\'s bucket and dead letters and the Pexip export', () => {
    // Given the example app, synthesized
    const { dir, stackDir } = synthExample();
    made.push(dir);
    const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
    // Then the ALB table reads the ELB processor's log bucket under the example prefix
    const alb = tf.resource.aws_glue_catalog_table.catalog_table_gluedb_load_balancer_logs_alb_access_logs;
    expect(alb.storage_descriptor.location).to.equal('s3://${aws_s3_bucket.elb_log_bucket_bucket.bucket}/alb/AWSLogs/');
    // And the dead-letter tables read both functions' dead-letter buckets, and the Pexip tables PexipIngest's own export
    expect(tf.resource.aws_glue_catalog_table.catalog_table_gluedb_pipeline_dead_letters_dead_letters_elb.storage_descriptor.location).to.match(/^s3:\/\/\$\{aws_s3_bucket\.elb_dead_letter/);
    expect(tf.resource.aws_glue_catalog_table.catalog_table_gluedb_pexip_support_logs_administrator_conference.storage_descriptor.location).to.equal('s3://${aws_s3_bucket.pexip_exports_bucket.bucket}/pexip/support/administrator_conference/');
    expect(tf.resource.aws_glue_catalog_table.catalog_table_gluedb_pipeline_dead_letters_dead_letters_pexip.storage_descriptor.location).to.match(/^s3:\/\/\$\{aws_s3_bucket\.pexip_dead_letter/);
    // And the workgroup enforces its settings
    expect(tf.resource.aws_athena_workgroup.catalog_workgroup.configuration.enforce_workgroup_configuration).to.equal(true);
  });

  it('keeps every resource type and IAM action of the baseline, except grants narrowed on purpose', () => {
    // Given the bring-your-own-domain stack (the example stack of the baseline) synthesized now
    const { dir, stackDir, existingDir } = synthExample();
    made.push(dir);
    const existing = typesAndActions(readTf(existingDir));
    // Then nothing it deployed before is gone, and only the listed grants were dropped
    expect(BASELINE.types.filter((t) => !existing.types.includes(t)), 'resource types lost').to.deep.equal([]);
    expect(BASELINE.actions.filter((a) => !existing.actions.has(a)), 'IAM actions lost').to.deep.equal(Object.keys(NARROWED));
    // And the default stack holds all of that plus the domain, its bootstrap and the alert topic
    const created = typesAndActions(readTf(stackDir));
    expect([...BASELINE.types, ...BASELINE.createdDomain.types].filter((t) => !created.types.includes(t)), 'resource types lost').to.deep.equal([]);
    const writers = BASELINE.actions.filter((a) => !(a in NARROWED));
    expect([...writers, ...BASELINE.createdDomain.actions].filter((a) => !created.actions.has(a)), 'IAM actions lost').to.deep.equal([]);
  });
});
