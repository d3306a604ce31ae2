import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETENTION_DAYS_RULE } from '../../../functions/opensearch-bootstrap/contract';
import { IAM_ROLE_ARN_RULE, INDEX_PREFIX_RULE, LOG_GROUP_NAME_RULE } from '../../../functions/shared/contract';
import { DOMAIN_ARN_RULE } from '../../../modules/common/opensearch-target';
import { bundleFunction } from '../../../modules/common/function-bundle';
import { NAME_RULE } from '../../../modules/common/validation';
import { STREAM_RETENTION_HOURS_RULE } from '../../../modules/log-pipeline/props';
import { COLLECTION_NAME_RULE, COLLECTION_RETENTION_DAYS_RULE, POLICY_NAME_MAX, VPC_ENDPOINT_ID_RULE } from '../../../modules/opensearch/collection';
import { buildModules, moduleDirName, type BuiltModule } from '../../../scripts/modules/build';
import { fmtProblems, mirrorCliConfig, staticProblems, validateProblems } from '../../../scripts/modules/check';
import { rewriteAssetPaths, splitBlocks, unquoteDependsOn } from '../../../scripts/modules/hcl';

const terraformOnPath = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const hclPattern = (re: RegExp): string => JSON.stringify(re.source);

describe('scripts/modules: HCL post-processing', () => {
  it('splits formatted HCL into top-level blocks, points asset paths into the module and unquotes depends_on', () => {
    // Given cdktf-style HCL with an asset path and a quoted depends_on
    const hcl = [
      'terraform {', '  backend "local" {}', '}', '',
      'resource "aws_lambda_function" "fn" {', '  filename = "assets/fn_code/ABC123/shipper.zip"', '  depends_on = [', '    "aws_iam_role_policy.p",', '  ]', '}', '',
      'data "aws_region" "r" {}', '',
    ].join('\n');
    // When it is split and rewritten
    const blocks = splitBlocks(hcl);
    const { text, assets } = rewriteAssetPaths(unquoteDependsOn(blocks[1].text));
    // Then the blocks, the module-relative zip path and the reference are as a module needs them
    expect(blocks.map((b) => [b.kind, ...b.labels])).to.deep.equal([['terraform'], ['resource', 'aws_lambda_function', 'fn'], ['data', 'aws_region', 'r']]);
    expect(assets).to.deep.equal([{ from: 'assets/fn_code/ABC123/shipper.zip', zip: 'shipper.zip' }]);
    expect(text).to.include('filename = "${path.module}/functions/shipper.zip"');
    expect(text).to.include('    aws_iam_role_policy.p,');
  });
});

describe('scripts/modules: npm run build:modules (log-pipeline)', function () {
  this.timeout(600_000);
  let out: string;
  let built: BuiltModule;
  let dir: string;
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');

  before(function () {
    if (!terraformOnPath) this.skip();
    out = mkdtempSync(join(tmpdir(), 'lto-modules-test-'));
    [built] = buildModules(out, ['log-pipeline']);
    dir = built.dir;
  });
  after(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('writes the module files, with the function zip inside the module referenced through path.module', () => {
    // Given the built module
    // Then it has the registry layout
    expect(dir).to.equal(join(out, moduleDirName('log-pipeline')));
    for (const f of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md', 'examples/complete/main.tf']) expect(read(f), f).to.not.equal('');
    // And the shipper zip in it is byte for byte the construct's bundle, referenced relative to the module
    expect(Buffer.compare(readFileSync(join(dir, 'functions', 'shipper.zip')), readFileSync(bundleFunction('shipper').zipPath))).to.equal(0);
    expect(read('main.tf')).to.include('filename         = "${path.module}/functions/shipper.zip"');
    expect(read('main.tf')).to.not.match(/"assets\//);
  });

  it('declares no provider or backend, and the AWS provider as a lower bound', () => {
    const all = ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf'].map(read).join('\n');
    expect(all).to.not.match(/^provider\s/m);
    expect(all).to.not.match(/^\s*backend\s+"/m);
    expect(read('versions.tf')).to.match(/source\s+= "hashicorp\/aws"\s+version\s+= ">= 6\.0"/);
    // The example is a root configuration: it has the provider block and calls the module by path
    expect(read('examples/complete/main.tf')).to.match(/^provider "aws" \{/m);
    expect(read('examples/complete/main.tf')).to.include('source = "../.."');
  });

  it('turns the registry inputs into variables validated by the construct\'s own rules', () => {
    const variables = read('variables.tf');
    // name and each log group carry the same pattern the construct checks literals with
    expect(variables).to.include(`can(regex(${hclPattern(NAME_RULE.pattern)}, var.name))`);
    expect(variables).to.include(`alltrue([for x in var.log_group_names : can(regex(${hclPattern(LOG_GROUP_NAME_RULE.pattern)}, x))])`);
    // an integer input has the construct's bounds
    const r = STREAM_RETENTION_HOURS_RULE;
    expect(variables).to.include(`var.stream_retention_hours >= ${r.min} && var.stream_retention_hours <= ${r.max}`);
    expect(built.variables).to.include.members(['name', 'log_group_names', 'opensearch_endpoint', 'opensearch_domain_arn', 'tags']);
    // the log group list drives one subscription filter per group with for_each
    expect(read('main.tf')).to.match(/resource "aws_cloudwatch_log_subscription_filter" "logs_filters" \{[^}]*log_group_name\s+= each\.value/);
    expect(read('main.tf')).to.include('for_each = toset(var.log_group_names)');
    // outputs lose the construct prefix; the README lists inputs and outputs
    expect(built.outputs).to.include.members(['stream_arn', 'shipper_role_arn']);
    expect(read('README.md')).to.include('| `log_group_names` |').and.include('| `stream_arn` |');
  });

  it('passes terraform fmt -check and the static declaration checks; the checks catch a broken module', () => {
    expect(fmtProblems(dir)).to.deep.equal([]);
    expect(staticProblems(dir)).to.deep.equal([]);
    // Given a copy with an undeclared variable reference and a provider block
    const broken = join(out, 'broken');
    cpSync(dir, broken, { recursive: true });
    appendFileSync(join(broken, 'outputs.tf'), '\noutput "x" {\n  value = var.nope\n}\n\nprovider "aws" {\n  region = "eu-west-1"\n}\n');
    // Then both are reported
    const problems = staticProblems(broken);
    expect(problems).to.include('undeclared reference var.nope');
    expect(problems.some((p) => p.startsWith('a module must not configure a provider'))).to.equal(true);
  });

  it('passes terraform validate (module and example) with the AWS provider from the local mirror, and refuses a bad name at plan time', function () {
    const mirror = mirrorCliConfig();
    if ('missing' in mirror) {
      console.log(`      (terraform validate skipped: ${mirror.missing})`);
      this.skip();
    }
    const { cliConfig } = mirror as { cliConfig: string };
    expect(validateProblems(dir, cliConfig)).to.deep.equal([]);
    // When terraform evaluates the variables with a name the construct would refuse
    const work = join(out, 'console');
    cpSync(dir, work, { recursive: true });
    const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1' };
    expect(spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: work, env, encoding: 'utf8' }).status).to.equal(0);
    const vars = ['-var', 'name=Bad_Name', '-var', 'log_group_names=["/aws/lambda/app"]', '-var', 'opensearch_endpoint=https://search-x.eu-west-1.es.amazonaws.com', '-var', 'opensearch_domain_arn=arn:aws:es:eu-west-1:123456789012:domain/example'];
    const r = spawnSync('terraform', ['console', '-no-color', ...vars], { cwd: work, env, input: 'var.name\n', encoding: 'utf8' });
    // Then the variable's validation refuses it with the construct's wording
    // (terraform wraps long messages: compare with whitespace collapsed)
    expect(`${r.stdout}${r.stderr}`.replace(/\s+/g, ' ')).to.include('Invalid value for variable').and.include(`name must be ${NAME_RULE.describe}`);
  });
});

describe('scripts/modules: npm run build:modules (opensearch-collection, opensearch-bootstrap)', function () {
  this.timeout(600_000);
  let out: string;
  let collection: BuiltModule;
  let bootstrap: BuiltModule;
  const read = (m: BuiltModule, file: string) => readFileSync(join(m.dir, file), 'utf8');

  before(function () {
    if (!terraformOnPath) this.skip();
    out = mkdtempSync(join(tmpdir(), 'lto-modules-test-'));
    [collection, bootstrap] = buildModules(out, ['opensearch-collection', 'opensearch-bootstrap']);
  });
  after(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("collection: the name, endpoints, roles and retention variables carry the construct's own rules", () => {
    const variables = read(collection, 'variables.tf');
    // Given the rules OpenSearchCollection checks literal props with
    // Then each variable's validation is the same pattern or range
    expect(variables).to.include(`can(regex(${hclPattern(COLLECTION_NAME_RULE.pattern)}, var.name))`);
    expect(variables).to.include(`alltrue([for x in var.vpc_endpoint_ids : can(regex(${hclPattern(VPC_ENDPOINT_ID_RULE.pattern)}, x))])`);
    expect(variables).to.include(`alltrue([for x in var.writer_role_arns : can(regex(${hclPattern(IAM_ROLE_ARN_RULE.pattern)}, x))])`);
    expect(variables).to.include(`alltrue([for x in var.admin_role_arns : can(regex(${hclPattern(IAM_ROLE_ARN_RULE.pattern)}, x))])`);
    const r = COLLECTION_RETENTION_DAYS_RULE;
    for (const s of ['cwl', 'elb', 'pexip']) {
      expect(variables).to.include(`var.${s}_retention_days >= ${r.min} && var.${s}_retention_days <= ${r.max}`);
      expect(variables).to.include(`can(regex(${hclPattern(INDEX_PREFIX_RULE.pattern)}, var.${s}_index_prefix))`);
    }
    expect(collection.outputs).to.have.members(['endpoint', 'collection_arn', 'dashboard_endpoint']);
  });

  it('collection: policy names are cut by Terraform (substr), retention renders the variable, no token text leaks', () => {
    const main = read(collection, 'main.tf');
    for (const suffix of ['enc', 'net', 'access', 'retention']) expect(main).to.include(`name   = substr("\${var.name}-${suffix}", 0, ${POLICY_NAME_MAX})`);
    expect(main).to.include('"MinIndexRetention" = "${var.cwl_retention_days}d"');
    expect(main).to.include('"SourceVPCEs" = var.vpc_endpoint_ids').and.include('"AllowFromPublic" = false');
    const all = ['main.tf', 'variables.tf', 'outputs.tf'].map((f) => read(collection, f)).join('\n');
    expect(all).to.not.match(/TfToken|e\+\d{3}/);
    // Output descriptions are literals (Terraform refuses a variable there)
    expect(read(collection, 'outputs.tf')).to.include('description = "HTTPS endpoint of the OpenSearch Serverless collection"');
  });

  it("bootstrap: the function zip is inside the module; the desired state is built from validated variables", () => {
    // The zip is the construct's bundle, referenced relative to the module
    expect(Buffer.compare(readFileSync(join(bootstrap.dir, 'functions', 'opensearch-bootstrap.zip')), readFileSync(bundleFunction('opensearch-bootstrap').zipPath))).to.equal(0);
    const main = read(bootstrap, 'main.tf');
    expect(main).to.include('filename         = "${path.module}/functions/opensearch-bootstrap.zip"');
    // The invocation's input is jsonencode of the variables, its trigger their sha256
    expect(main).to.match(/input\s+= jsonencode\(\{ "adminRoleArns" = var\.admin_role_arns, "shipperRoleArns" = var\.shipper_role_arns, "sources" = \{ "cwl" = \{ "indexPrefix" = var\.cwl_index_prefix, "retentionDays" = var\.cwl_retention_days \}/);
    expect(main).to.include('desired_state = "${sha256(jsonencode(');
    expect(main).to.not.match(/TfToken|e\+\d{3}/);
    // The variables carry the bootstrap contract's rules
    const variables = read(bootstrap, 'variables.tf');
    const r = RETENTION_DAYS_RULE;
    expect(variables).to.include(`var.cwl_retention_days >= ${r.min} && var.cwl_retention_days <= ${r.max}`);
    expect(variables).to.include(`alltrue([for x in var.shipper_role_arns : can(regex(${hclPattern(IAM_ROLE_ARN_RULE.pattern)}, x))])`);
    expect(variables).to.include(`can(regex(${hclPattern(DOMAIN_ARN_RULE.pattern)}, var.opensearch_domain_arn))`);
    expect(variables).to.include(`can(regex(${hclPattern(NAME_RULE.pattern)}, var.name))`);
    // Role lists may be empty (no shippers yet), unlike the collection's
    expect(variables).to.not.include('length(var.shipper_role_arns) > 0');
    expect(bootstrap.outputs).to.have.members(['report', 'role_arn', 'function_name']);
  });

  it('both pass terraform fmt -check and the static declaration checks', () => {
    for (const m of [collection, bootstrap]) {
      expect(fmtProblems(m.dir), m.name).to.deep.equal([]);
      expect(staticProblems(m.dir), m.name).to.deep.equal([]);
    }
  });
});
