import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { LOG_GROUP_NAME_RULE } from '../../../functions/shared/contract';
import { SNS_TOPIC_ARN_RULE } from '../../../modules/common/alarms';
import { LOG_RETENTION_DAYS } from '../../../modules/common/bundled-function';
import { DOMAIN_ARN_RULE } from '../../../modules/common/opensearch-target';
import { checkIntRule, checkOneOf, NAME_RULE } from '../../../modules/common/validation';
import { ELB_LOG_PREFIX_RULE } from '../../../modules/elb-processor/props';
import { STREAM_RETENTION_HOURS_RULE } from '../../../modules/log-pipeline/props';
import { IAM_ROLE_ARN_RULE } from '../../../modules/opensearch/domain';
import { COLLECTION_NAME_RULE, COLLECTION_RETENTION_DAYS_RULE, VPC_ENDPOINT_ID_RULE } from '../../../modules/opensearch/collection';
import { RETENTION_DAYS_RULE, validateDesiredState } from '../../../functions/opensearch-bootstrap/contract';
import { ENDPOINT_RULE, INDEX_PREFIX_RULE, type TextRule } from '../../../functions/shared/contract';
import { intRuleValidation, listItemValidations, listRuleValidations, oneOfValidation, ruleValidation, type VariableValidation } from '../../../modules/common/variable-validation';

const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;

/** Evaluates a variable's validation condition with `terraform console` (offline: no provider needed). */
function terraformAccepts(rule: TextRule, value: string): boolean {
  const stack = new TerraformStack(new App(), 's');
  const v = new TerraformVariable(stack, 'value', { type: 'string' });
  const condition = ruleValidation(v, rule, 'value').condition.replace(/^\$\{|\}$/g, '');
  const dir = mkdtempSync(join(tmpdir(), 'tf-rule-'));
  try {
    writeFileSync(join(dir, 'main.tf'), `variable "value" { type = string }\n`);
    const r = spawnSync('terraform', ['console', `-var=value=${value}`], { cwd: dir, input: `${condition}\n`, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    const out = r.stdout.trim().split('\n').pop();
    if (out !== 'true' && out !== 'false') throw new Error(`terraform console: ${r.stdout} ${r.stderr}`);
    return out === 'true';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('contract rules as Terraform variable validations', function () {
  this.timeout(120_000);
  const cases: [TextRule, string, string[]][] = [
    [ENDPOINT_RULE, 'ENDPOINT_RULE', ['https://search-x.eu-west-1.es.amazonaws.com', 'https://h:8443/proxy/', 'http://127.0.0.1:9200', 'http://localhost', 'http://10.0.0.1:9200', 'http://localhost.evil', 'ftp://x', 'https://a b']],
    [INDEX_PREFIX_RULE, 'INDEX_PREFIX_RULE', ['logs', 'logs.v2', 'a_b-c', 'Logs', '-x', '', 'a'.repeat(102)]],
    // The rules the registry modules' variables carry (scripts/modules/definitions.ts)
    [NAME_RULE, 'NAME_RULE', ['logs', 'app-logs-2', 'Logs', 'ab', 'a'.repeat(33), 'logs-', '1logs']],
    [LOG_GROUP_NAME_RULE, 'LOG_GROUP_NAME_RULE', ['/aws/lambda/app', 'a#b.c-d_e', 'a b', '', 'x'.repeat(513)]],
    [DOMAIN_ARN_RULE, 'DOMAIN_ARN_RULE', ['arn:aws:es:eu-west-1:123456789012:domain/logs', 'arn:aws-cn:es:cn-north-1:123456789012:domain/abc', 'arn:aws:es:eu-west-1:1234:domain/logs', 'arn:aws:es:eu-west-1:123456789012:domain/Logs']],
    [ELB_LOG_PREFIX_RULE, 'ELB_LOG_PREFIX_RULE', ['', 'alb', 'a/b', '/alb', 'alb/', '/']],
    [SNS_TOPIC_ARN_RULE, 'SNS_TOPIC_ARN_RULE', ['arn:aws:sns:eu-west-1:123456789012:ops', 'arn:aws:sns:eu-west-1:123456789012:', 'arn:aws:sqs:eu-west-1:123456789012:ops']],
    [IAM_ROLE_ARN_RULE, 'IAM_ROLE_ARN_RULE', ['arn:aws:iam::123456789012:role/admin', 'arn:aws:iam::123456789012:role/path/admin', 'arn:aws:iam::123456789012:user/admin', 'arn:aws:iam:eu-west-1:123456789012:role/x']],
    [COLLECTION_NAME_RULE, 'COLLECTION_NAME_RULE', ['logs', 'app-logs-2', 'a'.repeat(32), 'a'.repeat(33), 'Logs', 'ab', '1logs']],
    [VPC_ENDPOINT_ID_RULE, 'VPC_ENDPOINT_ID_RULE', ['vpce-0123456789abcdef0', 'vpce-1', 'vpce-', 'VPCE-1', 'endpoint-1']],
  ];
  for (const [rule, name, values] of cases) {
    (terraform ? it : it.skip)(`${name}: terraform's regex() answers like the construct and the function for every sample`, () => {
      // Given sample values, valid and invalid
      // When the variable's validation condition runs in Terraform and the rule runs in JavaScript
      const tf = values.map((v) => [v, terraformAccepts(rule, v)]);
      const js = values.map((v) => [v, rule.pattern.test(v)]);
      // Then both accept and refuse exactly the same values (and each sample set has both kinds)
      expect(tf).to.deep.equal(js);
      expect(js.some(([, ok]) => ok) && js.some(([, ok]) => !ok)).to.equal(true);
    });
  }

  /** The conditions of `validations` evaluated by terraform for `value` (an HCL literal) of a variable of `type`. */
  function terraformChecks(type: string, value: string, validations: (v: TerraformVariable) => VariableValidation[]): boolean[] {
    const stack = new TerraformStack(new App(), 's');
    const conditions = validations(new TerraformVariable(stack, 'value', { type })).map((c) => c.condition.replace(/^\$\{|\}$/g, ''));
    const dir = mkdtempSync(join(tmpdir(), 'tf-rule-'));
    try {
      writeFileSync(join(dir, 'main.tf'), `variable "value" { type = ${type} }\n`);
      writeFileSync(join(dir, 'terraform.tfvars'), `value = ${value}\n`);
      const r = spawnSync('terraform', ['console'], { cwd: dir, input: `jsonencode([${conditions.join(', ')}])\n`, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
      const out = r.stdout.trim().split('\n').pop() ?? '';
      return JSON.parse(JSON.parse(out) as string) as boolean[];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const fail = (m: string): never => {
    throw new Error(m);
  };
  const jsAccepts = (check: () => void): boolean => {
    try {
      check();
      return true;
    } catch {
      return false;
    }
  };

  (terraform ? it : it.skip)('integer ranges and allowed values: terraform refuses exactly what checkIntRule and checkOneOf refuse', () => {
    // Given numbers inside, at and outside the bounds, and a fraction
    const rule = STREAM_RETENTION_HOURS_RULE;
    for (const n of [24, 8760, 100, 23, 8761, 24.5]) {
      // When terraform evaluates the variable's validation and the construct checks the literal
      const [tf] = terraformChecks('number', String(n), (v) => [intRuleValidation(v, rule, 'value')]);
      // Then they agree
      expect([n, tf], 'int').to.deep.equal([n, jsAccepts(() => checkIntRule(fail, 'value', n, rule))]);
    }
    for (const n of [30, 3653, 31, 0]) {
      const [tf] = terraformChecks('number', String(n), (v) => [oneOfValidation(v, LOG_RETENTION_DAYS, 'value')]);
      expect([n, tf], 'one of').to.deep.equal([n, jsAccepts(() => checkOneOf(fail, 'value', n, LOG_RETENTION_DAYS))]);
    }
  });

  (terraform ? it : it.skip)('retention days: terraform refuses exactly what the collection construct and the bootstrap contract refuse', () => {
    const retentionOf = (n: number) => ({ sources: { cwl: { indexPrefix: 'cwl', retentionDays: n } } });
    for (const n of [1, 3650, 3651, 0, 36_500, 36_501, 1.5]) {
      // The collection's lifecycle bound (checkIntRule in the construct)
      const [collection] = terraformChecks('number', String(n), (v) => [intRuleValidation(v, COLLECTION_RETENTION_DAYS_RULE, 'value')]);
      expect([n, collection], 'collection').to.deep.equal([n, jsAccepts(() => checkIntRule(fail, 'value', n, COLLECTION_RETENTION_DAYS_RULE))]);
      // The bootstrap's ISM bound (validateDesiredState, run by the construct and the function)
      const [bootstrap] = terraformChecks('number', String(n), (v) => [intRuleValidation(v, RETENTION_DAYS_RULE, 'value')]);
      expect([n, bootstrap], 'bootstrap').to.deep.equal([n, validateDesiredState(retentionOf(n)).length === 0]);
    }
  });

  const listCases: [string, (v: TerraformVariable) => VariableValidation[], [string, boolean][]][] = [
    [
      'a log group list: non-empty, distinct, every element a log group name',
      (v) => listRuleValidations(v, LOG_GROUP_NAME_RULE, 'value'),
      [['["/aws/lambda/a", "/ecs/b"]', true], ['[]', false], ['["/a", "/a"]', false], ['["/a", "bad name"]', false]],
    ],
    [
      'a role list that may be empty: distinct, every element a role ARN',
      (v) => listItemValidations(v, IAM_ROLE_ARN_RULE, 'value'),
      [['[]', true], ['["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b"]', true], ['["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"]', false], ['["arn:aws:iam::123456789012:user/a"]', false]],
    ],
  ];
  for (const [title, validations, samples] of listCases) {
    (terraform ? it : it.skip)(title, () => {
      // Given lists valid and invalid; when terraform evaluates every validation block; then all pass exactly for the valid ones
      for (const [hcl, ok] of samples) expect([hcl, terraformChecks('list(string)', hcl, validations).every(Boolean)]).to.deep.equal([hcl, ok]);
    });
  }
});

