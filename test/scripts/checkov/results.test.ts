import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { buildApp } from '../../../main';
import { classify, fullAddress, parseCheckovOutput, staleSkips, type Finding } from '../../../scripts/checkov/results';
import { CHECKOV_SKIPS, type CheckovSkip } from '../../../scripts/checkov/skips';

const TF_JSON = {
  resource: { aws_lambda_function: { fn: {} }, aws_s3_bucket: { dl: {}, twin: {} }, aws_sqs_queue: { twin: {} } },
  data: { aws_iam_policy_document: { key_policy: {} } },
};
const raw = (check_id: string, resource: string, check_class = 'checkov.terraform.checks.resource.aws.X') => ({
  check_id, check_name: `name of ${check_id}`, resource, check_class, file_path: '/cdk.tf.json', file_line_range: [3, 9],
});
const finding = (check: string, address: string): Finding => ({ check, name: check, address, file: '/cdk.tf.json', lines: [1, 2] });
const skip = (check: string, resources: string[], target: CheckovSkip['target'] = 'example-stacks'): CheckovSkip => ({ check, target, resources, reason: 'because' });

describe('scripts/checkov: results', () => {
  it('reads a checkov JSON report (single or per framework) and names findings by their Terraform address', () => {
    // Given checkov's terraform_json findings, which name resources `resource.<name>` / `data.<name>` without their type
    const report = {
      check_type: 'terraform_json',
      summary: { passed: 7, failed: 3, parsing_errors: 0, checkov_version: '3.3.30' },
      results: { failed_checks: [raw('CKV_AWS_50', 'resource.fn'), raw('CKV_AWS_111', 'data.key_policy', 'checkov.terraform.checks.data.aws.IAMWriteAccess'), raw('CKV_AWS_21', 'aws_s3_bucket.dl')] },
    };
    // When the report is parsed with the synthesized JSON beside it
    const parsed = parseCheckovOutput(JSON.stringify([report]), TF_JSON);
    // Then each finding carries its full address, the counts and the lines
    expect(parsed.passed).to.equal(7);
    expect(parsed.parsingErrors).to.equal(0);
    expect(parsed.checkovVersion).to.equal('3.3.30');
    expect(parsed.failed.map((f) => `${f.check} ${f.address}`)).to.deep.equal([
      'CKV_AWS_50 aws_lambda_function.fn',
      'CKV_AWS_111 data.aws_iam_policy_document.key_policy',
      'CKV_AWS_21 aws_s3_bucket.dl',
    ]);
    expect(parsed.failed[0]!.lines).to.deep.equal([3, 9]);
    // And a single report object (not a list) reads the same
    expect(parseCheckovOutput(JSON.stringify(report), TF_JSON).failed).to.have.length(3);
  });

  it('gives HCL data-source findings their data. prefix and leaves ambiguous JSON names unresolved', () => {
    // An HCL data check names the source `<type>.<name>`
    expect(fullAddress({ resource: 'aws_iam_policy_document.key_policy', check_class: 'checkov.terraform.checks.data.aws.IAMWriteAccess' })).to.equal('data.aws_iam_policy_document.key_policy');
    // A resource check keeps its address
    expect(fullAddress({ resource: 'aws_s3_bucket.dl', check_class: 'checkov.terraform.checks.resource.aws.S3Versioning' })).to.equal('aws_s3_bucket.dl');
    // A JSON name two types share stays as checkov wrote it, so it can match no skip
    expect(fullAddress({ resource: 'resource.twin' }, TF_JSON)).to.equal('resource.twin');
  });

  it('refuses output that is not a checkov report (a crash)', () => {
    expect(() => parseCheckovOutput('Traceback (most recent call last):', TF_JSON)).to.throw();
    expect(() => parseCheckovOutput('[]', TF_JSON)).to.throw(/not a report/);
    expect(() => parseCheckovOutput('{"results": {}}', TF_JSON)).to.throw(/not a report/);
  });

  it('accepts a finding only when a skip names its check, its exact address and its target', () => {
    // Given one skip for CKV_AWS_21 on the dead-letter bucket of the example stacks
    const skips = [skip('CKV_AWS_21', ['aws_s3_bucket.dl'])];
    const findings = [
      finding('CKV_AWS_21', 'aws_s3_bucket.dl'),
      finding('CKV_AWS_21', 'aws_s3_bucket.other'),
      finding('CKV_AWS_18', 'aws_s3_bucket.dl'),
    ];
    // When the example stacks' findings are classified
    const c = classify(findings, 'example-stacks', skips);
    // Then only the exact pair is accepted; another bucket or another check still fails
    expect(c.accepted.map((a) => `${a.finding.check} ${a.finding.address}`)).to.deep.equal(['CKV_AWS_21 aws_s3_bucket.dl']);
    expect(c.accepted[0]!.skip.reason).to.equal('because');
    expect(c.failing.map((f) => `${f.check} ${f.address}`)).to.deep.equal(['CKV_AWS_21 aws_s3_bucket.other', 'CKV_AWS_18 aws_s3_bucket.dl']);
    // And the same finding in another target is not accepted by it
    expect(classify(findings.slice(0, 1), 'registry-modules', skips).failing).to.have.length(1);
  });

  it('reports skip entries that matched nothing in a scanned target as stale, and ignores targets not scanned', () => {
    const skips = [skip('CKV_AWS_21', ['aws_s3_bucket.dl', 'aws_s3_bucket.gone']), skip('CKV_AWS_18', ['aws_s3_bucket.m'], 'registry-modules')];
    const { accepted } = classify([finding('CKV_AWS_21', 'aws_s3_bucket.dl')], 'example-stacks', skips);
    expect(staleSkips(skips, ['example-stacks'], accepted)).to.deep.equal(['CKV_AWS_21 aws_s3_bucket.gone']);
    expect(staleSkips(skips, ['example-stacks', 'registry-modules'], accepted)).to.deep.equal(['CKV_AWS_21 aws_s3_bucket.gone', 'CKV_AWS_18 aws_s3_bucket.m']);
  });

  it('lists every skip narrowly: a check id, exact addresses (no wildcard), a reason, and no pair twice', () => {
    const pairs = new Set<string>();
    for (const s of CHECKOV_SKIPS) {
      expect(s.check).to.match(/^CKV2?_[A-Z0-9]+_\d+$/);
      expect(s.reason.length, `${s.check} reason`).to.be.greaterThan(40);
      expect(s.resources.length).to.be.greaterThan(0);
      for (const r of s.resources) {
        // registry-modules addresses are inside the examples' module calls: module.<call>.<type>.<name>
        expect(r, `${s.check} address`).to.match(s.target === 'registry-modules' ? /^(data\.)?module\.[a-z0-9_]+\.[a-z0-9_]+\.[A-Za-z0-9_-]+$/ : /^(data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+$/);
        const pair = `${s.target} ${s.check} ${r}`;
        expect(pairs.has(pair), `${pair} listed twice`).to.equal(false);
        pairs.add(pair);
      }
    }
  });

  it('names only resources the example stack has (a renamed logical id must move its skip, not orphan it)', function () {
    this.timeout(120_000);
    // Given the example stack synthesized (what `npm run checkov` scans)
    const dir = mkdtempSync(join(tmpdir(), 'lto-checkov-'));
    try {
      const tf = JSON.parse(Testing.synth(buildApp({ outdir: dir }).stack)) as { resource: Record<string, Record<string, unknown>>; data: Record<string, Record<string, unknown>> };
      // Then every address an example-stacks skip names is a resource or data source of that stack
      const missing = CHECKOV_SKIPS.filter((s) => s.target === 'example-stacks').flatMap((s) => s.resources).filter((address) => {
        const [kind, type, name] = address.startsWith('data.') ? address.split('.') : ['resource', ...address.split('.')];
        const blocks = kind === 'data' ? tf.data : tf.resource;
        return !blocks?.[type!]?.[name!];
      });
      expect(missing).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
