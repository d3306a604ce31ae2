import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { ENDPOINT_RULE, INDEX_PREFIX_RULE, type TextRule } from '../../../functions/shared/contract';
import { ruleValidation } from '../../../modules/common/variable-validation';

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
});
