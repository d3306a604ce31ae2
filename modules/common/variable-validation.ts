import type { TerraformVariable } from 'cdktf';
import type { TextRule } from '../../functions/shared/contract';
import type { IntRule } from './validation';

/** A Terraform `validation` block (what `TerraformVariable.addValidation` takes). */
export interface VariableValidation {
  readonly condition: string;
  readonly errorMessage: string;
}

// JSON.stringify gives a quoted string whose escapes HCL reads the same way (backslashes doubled).
const hclString = (s: string): string => JSON.stringify(s);
const ref = (variable: TerraformVariable): string => `var.${variable.friendlyUniqueId}`;

/**
 * A Terraform `validation` block carrying a contract rule, so a value given as a variable (and
 * so unknown at synth, when the construct cannot check it) is checked at plan time by the same
 * pattern the construct and the function use. The patterns are RE2-compatible by contract.
 */
export function ruleValidation(variable: TerraformVariable, rule: TextRule, what: string): VariableValidation {
  return {
    condition: `\${can(regex(${hclString(rule.pattern.source)}, ${ref(variable)}))}`,
    errorMessage: `${what} must be ${rule.describe}.`,
  };
}

/** `ruleValidation` for an optional string variable (default `null`: the construct's own default applies). */
export function optionalRuleValidation(variable: TerraformVariable, rule: TextRule, what: string): VariableValidation {
  return {
    condition: `\${${ref(variable)} == null || can(regex(${hclString(rule.pattern.source)}, ${ref(variable)}))}`,
    errorMessage: `${what} must be null or ${rule.describe}.`,
  };
}

/** Every element of a `list(string)` variable satisfies `rule`, and the list is not empty. */
export function listRuleValidations(variable: TerraformVariable, rule: TextRule, what: string): VariableValidation[] {
  return [{ condition: `\${length(${ref(variable)}) > 0}`, errorMessage: `${what} must not be empty.` }, ...listItemValidations(variable, rule, what)];
}

/** Every element of a `list(string)` variable satisfies `rule`, none twice (the list may be empty). */
export function listItemValidations(variable: TerraformVariable, rule: TextRule, what: string): VariableValidation[] {
  const v = ref(variable);
  return [
    { condition: `\${alltrue([for x in ${v} : can(regex(${hclString(rule.pattern.source)}, x))])}`, errorMessage: `Every element of ${what} must be ${rule.describe}.` },
    { condition: `\${length(distinct(${v})) == length(${v})}`, errorMessage: `${what} must not list a value twice.` },
  ];
}

/** An integer `number` variable within the rule's bounds (the construct's `checkIntRule`). */
export function intRuleValidation(variable: TerraformVariable, rule: IntRule, what: string): VariableValidation {
  const v = ref(variable);
  return {
    condition: `\${floor(${v}) == ${v} && ${v} >= ${rule.min} && ${v} <= ${rule.max}}`,
    errorMessage: `${what} must be an integer ${rule.min}..${rule.max}${rule.unit ?? ''}.`,
  };
}

/** A variable whose value must be one of `values` (the construct's `checkOneOf`). */
export function oneOfValidation(variable: TerraformVariable, values: readonly (string | number)[], what: string): VariableValidation {
  return {
    condition: `\${contains(${JSON.stringify(values)}, ${ref(variable)})}`,
    errorMessage: `${what} must be one of ${values.join(', ')}.`,
  };
}

/** A string variable that must not contain `text` (Terraform 1.5+ `strcontains`). */
export function excludesValidation(variable: TerraformVariable, text: string, what: string, why: string): VariableValidation {
  return {
    condition: `\${!strcontains(${ref(variable)}, ${hclString(text)})}`,
    errorMessage: `${what} must not contain "${text}" (${why}).`,
  };
}
