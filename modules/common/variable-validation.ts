import type { TerraformVariable } from 'cdktf';
import type { TextRule } from '../../functions/shared/contract';

/**
 * A Terraform `validation` block carrying a contract rule, so a value given as a variable (and
 * so unknown at synth, when the construct cannot check it) is checked at plan time by the same
 * pattern the construct and the function use. The patterns are RE2-compatible by contract.
 */
export function ruleValidation(variable: TerraformVariable, rule: TextRule, what: string): { condition: string; errorMessage: string } {
  // JSON.stringify gives a quoted string whose escapes HCL reads the same way (backslashes doubled).
  const pattern = JSON.stringify(rule.pattern.source);
  return {
    condition: `\${can(regex(${pattern}, var.${variable.friendlyUniqueId}))}`,
    errorMessage: `${what} must be ${rule.describe}.`,
  };
}
