import { TerraformStack, TerraformVariable, Token } from 'cdktf';
import type { TextRule } from '../../functions/shared/contract';
import type { IntRule } from '../../modules/common/validation';
import {
  intRuleValidation,
  listItemValidations,
  listRuleValidations,
  oneOfValidation,
  optionalRuleValidation,
  ruleValidation,
  type VariableValidation,
} from '../../modules/common/variable-validation';

/** One input of a registry module, as its README's inputs table lists it. */
export interface InputRow {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  /** HCL text of the default; undefined = required. */
  readonly default?: string;
  /** The rules its validation blocks carry, in words. */
  readonly rules: string[];
}

/** A string or number of a variable's default as HCL. */
const hcl = (v: unknown): string => JSON.stringify(v);

/**
 * The Terraform variables of one registry module, created in the module's stack and handed to
 * the construct as tokens. Each variable's validation comes from the rule object the construct
 * itself checks literal values with (a TextRule, IntRule or list of values), so the module and
 * the construct cannot disagree.
 */
export class ModuleInputs {
  readonly rows: InputRow[] = [];
  /** Variables whose default is null (optional inputs). */
  readonly nullDefaults = new Set<string>();

  constructor(private readonly stack: TerraformStack) {}

  private variable(name: string, type: string, description: string, def: unknown, validations: (v: TerraformVariable) => VariableValidation[]): TerraformVariable {
    const v = new TerraformVariable(this.stack, name, { type, description, default: def ?? undefined });
    // cdktf drops falsy defaults ("" would make the variable required): set them explicitly.
    if (def === '' || def === 0 || def === false) v.addOverride('default', def);
    // cdktf cannot write `default = null` (an override with null fails): build.ts adds it to the HCL.
    if (def === null) this.nullDefaults.add(name);
    const list = validations(v);
    for (const check of list) v.addValidation(check);
    this.rows.push({ name, type, description, default: def === undefined ? undefined : hcl(def), rules: list.map((c) => c.errorMessage) });
    return v;
  }

  /** A required string checked by `rule`. */
  text(name: string, description: string, rule: TextRule): string {
    return this.variable(name, 'string', description, undefined, (v) => [ruleValidation(v, rule, name)]).stringValue;
  }

  /** A string with a default, checked by `rule` when given. */
  textOr(name: string, description: string, def: string, rule?: TextRule, more: (v: TerraformVariable) => VariableValidation[] = () => []): string {
    return this.variable(name, 'string', description, def, (v) => [...(rule ? [ruleValidation(v, rule, name)] : []), ...more(v)]).stringValue;
  }

  /** An optional string (null = the construct's own choice applies at plan time). */
  optionalText(name: string, description: string, rule: TextRule): string {
    return this.variable(name, 'string', description, null, (v) => [optionalRuleValidation(v, rule, name)]).stringValue;
  }

  /** An integer within `rule`. */
  integer(name: string, description: string, def: number, rule: IntRule): number {
    return this.variable(name, 'number', description, def, (v) => [intRuleValidation(v, rule, name)]).numberValue;
  }

  /** A number out of a fixed set (e.g. CloudWatch's retention values). */
  oneOf(name: string, description: string, def: number, values: readonly number[]): number {
    return this.variable(name, 'number', description, def, (v) => [oneOfValidation(v, values, name)]).numberValue;
  }

  /** A non-empty list of distinct strings, each checked by `rule`. */
  list(name: string, description: string, rule: TextRule): string[] {
    return this.variable(name, 'list(string)', description, undefined, (v) => listRuleValidations(v, rule, name)).listValue;
  }

  /** A list of distinct strings, each checked by `rule`, empty by default. */
  listOr(name: string, description: string, rule: TextRule): string[] {
    return this.variable(name, 'list(string)', description, [], (v) => listItemValidations(v, rule, name)).listValue;
  }

  /** Tags on every resource. */
  tags(): Record<string, string> {
    const v = this.variable('tags', 'map(string)', 'Tags added to every resource that takes tags.', {}, () => []);
    return Token.asStringMap(v.value);
  }
}
