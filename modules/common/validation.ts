import { Token } from 'cdktf';

/** Throws with the construct's name in front (each construct makes one with `failFor`). */
export type Fail = (message: string) => never;

export function failFor(construct: string): Fail {
  return (message: string): never => {
    throw new Error(`${construct}: ${message}`);
  };
}

/** A value known at synth time (not a Terraform reference or variable): validated now, else by the plan. */
export const isLiteral = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);

export function checkInt(fail: Fail, what: string, v: number | undefined, min: number, max: number, unit = ''): void {
  if (v === undefined || Token.isUnresolved(v)) return;
  if (!Number.isInteger(v) || v < min || v > max) fail(`${what} must be an integer ${min}..${max}${unit}, got ${v}`);
}

/** Resource name prefix rule shared by every construct's `name` (S3, IAM, Kinesis, Lambda safe). */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

export function checkName(fail: Fail, name: string): void {
  if (!isLiteral(name) || !NAME_PATTERN.test(name)) {
    fail(`name must be 3..32 lowercase letters, digits or hyphens, starting with a letter (it names every resource), got "${name}"`);
  }
}
