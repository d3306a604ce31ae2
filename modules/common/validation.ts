import { Token } from 'cdktf';
import type { TextRule } from '../../functions/shared/contract';

/** Throws with the construct's name in front (each construct makes one with `failFor`). */
export type Fail = (message: string) => never;

export function failFor(construct: string): Fail {
  return (message: string): never => {
    throw new Error(`${construct}: ${message}`);
  };
}

/** A value known at synth time (not a Terraform reference or variable): validated now, else by the plan. */
export const isLiteral = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);

/**
 * An integer range. Constructs check literal values with `checkIntRule`; the Terraform registry
 * modules (scripts/build-modules.ts) turn the same object into a variable's validation block.
 */
export interface IntRule {
  readonly min: number;
  readonly max: number;
  /** Appended to the bounds in messages (' s', ' MB'). */
  readonly unit?: string;
}

export function checkInt(fail: Fail, what: string, v: number | undefined, min: number, max: number, unit = ''): void {
  if (v === undefined || Token.isUnresolved(v)) return;
  if (!Number.isInteger(v) || v < min || v > max) fail(`${what} must be an integer ${min}..${max}${unit}, got ${v}`);
}

/** `checkInt` with the bounds of a shared rule; a token is left to the variable's validation. */
export function checkIntRule(fail: Fail, what: string, v: number | undefined, rule: IntRule): void {
  checkInt(fail, what, v, rule.min, rule.max, rule.unit);
}

/** `v` must be one of `values` (a literal number or string; a token is left to the variable's validation). */
export function checkOneOf<T extends string | number>(fail: Fail, what: string, v: T | undefined, values: readonly T[]): void {
  if (v === undefined || Token.isUnresolved(v)) return;
  if (!values.includes(v)) fail(`${what} must be one of ${values.join(', ')}, got ${v}`);
}

/** Resource name prefix rule shared by every construct's `name` (S3, IAM, Kinesis, Lambda safe). */
export const NAME_RULE: TextRule = {
  pattern: /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
  describe: '3..32 lowercase letters, digits or hyphens, starting with a letter (it names every resource)',
};
export const NAME_PATTERN = NAME_RULE.pattern;

/** A literal name must satisfy NAME_RULE; a Terraform variable carries the rule as its validation. */
export function checkName(fail: Fail, name: string): void {
  if (name === undefined || name === '') fail(`name must be ${NAME_RULE.describe}, got "${name}"`);
  if (isLiteral(name) && !NAME_RULE.pattern.test(name)) fail(`name must be ${NAME_RULE.describe}, got "${name}"`);
}

/** A number as an environment variable's text; a token (a Terraform variable) becomes `tostring(var.…)`. */
export function numberText(n: number): string {
  return Token.isUnresolved(n) ? Token.asString(n) : String(n);
}
