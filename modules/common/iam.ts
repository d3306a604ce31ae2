/**
 * Typed IAM statements and the policy documents built from them.
 *
 * Every module builds its policies here, so the rules hold everywhere:
 * - each statement names its purpose (`sid`) and lists explicit actions and resources;
 * - a wildcard (`*` resource, `*` or `service:*` action) is refused unless the statement says
 *   why (`wildcardReason`, naming the API that has no resource-level permissions). Tests assert
 *   the exact set of such statements.
 *
 * Usage:
 * ```ts
 * const policy = policyDocument(this, 'policy_document', [
 *   { sid: 'WriteStream', actions: ['kinesis:PutRecord', 'kinesis:PutRecords'], resources: [stream.arn] },
 * ]);
 * new IamRolePolicy(this, 'policy', { role: role.id, policy });
 * new IamRole(this, 'role', { assumeRolePolicy: trustPolicy(this, 'trust', 'lambda.amazonaws.com') });
 * ```
 * Values may be cdktf string tokens (e.g. `stream.arn`). `policyObject` gives the plain JSON
 * object (pure; for checks and tests).
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';

/** An IAM condition block: operator → condition key → value(s). */
export type PolicyConditions = Record<string, Record<string, string | string[]>>;

/** One statement of an identity or resource policy. */
export interface PolicyStatement {
  /** Statement id: letters and digits only (IAM's rule); says what the statement is for. */
  readonly sid: string;
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: PolicyConditions;
  /** Principals, for resource policies (key, bucket, destination policies) only. */
  readonly principals?: PolicyPrincipals;
  /**
   * Required when `actions` or `resources` contain a wildcard: the reason, naming the API
   * (e.g. "ec2:DescribeNetworkInterfaces has no resource-level permissions").
   */
  readonly wildcardReason?: string;
}

export interface PolicyPrincipals {
  readonly Service?: string | string[];
  readonly AWS?: string | string[];
  /** `'*'` (anyone): only sensible in Deny statements such as a TLS-only bucket policy. */
  readonly '*'?: true;
  /** A principal whose type is decided at plan time (e.g. an account in old regions, a service principal in new ones). */
  readonly Computed?: { readonly type: string; readonly identifiers: string[] };
}

/** True when an action or resource grants more than one named thing by wildcard. */
export function isWildcardAction(action: string): boolean {
  return action === '*' || action.endsWith(':*');
}

export function statementHasWildcard(s: PolicyStatement): boolean {
  return s.actions.some(isWildcardAction) || s.resources.includes('*');
}

function validateStatement(s: PolicyStatement): void {
  if (!/^[A-Za-z0-9]+$/.test(s.sid)) throw new Error(`IAM statement sid "${s.sid}" must be letters and digits only`);
  if (s.actions.length === 0) throw new Error(`IAM statement ${s.sid}: actions must not be empty`);
  if (s.resources.length === 0) throw new Error(`IAM statement ${s.sid}: resources must not be empty`);
  for (const a of s.actions) {
    if (!/^(\*|[a-z0-9-]+:[A-Za-z0-9*]+)$/.test(a)) throw new Error(`IAM statement ${s.sid}: malformed action "${a}"`);
  }
  if (statementHasWildcard(s) && !s.wildcardReason) {
    throw new Error(
      `IAM statement ${s.sid}: wildcard action or resource needs a wildcardReason naming the API that requires it`,
    );
  }
}

function one<T>(values: T[]): T | T[] {
  return values.length === 1 ? values[0] : values;
}

/** The JSON object of a policy document (useful in tests and for merging). */
export function policyObject(statements: PolicyStatement[]): Record<string, unknown> {
  if (statements.length === 0) throw new Error('IAM policy document needs at least one statement');
  const sids = new Set<string>();
  const out = statements.map((s) => {
    validateStatement(s);
    if (sids.has(s.sid)) throw new Error(`IAM policy document: duplicate sid "${s.sid}"`);
    sids.add(s.sid);
    const stmt: Record<string, unknown> = { Sid: s.sid, Effect: s.effect ?? 'Allow' };
    if (s.principals) {
      const { Computed, ...fixed } = s.principals;
      stmt.Principal = s.principals['*'] ? '*' : Computed ? { ...fixed, [Computed.type]: Computed.identifiers } : fixed;
    }
    stmt.Action = one([...s.actions]);
    stmt.Resource = one([...s.resources]);
    if (s.conditions && Object.keys(s.conditions).length > 0) stmt.Condition = s.conditions;
    return stmt;
  });
  return { Version: '2012-10-17', Statement: out };
}

/**
 * The policy as an `aws_iam_policy_document` data source under `scope` (id `id`); returns its
 * `json` attribute for `policy` / `assume_role_policy` arguments.
 *
 * Why a data source and not a JSON string: the synthesized Terraform then shows every
 * statement as structured blocks (reviewable, testable), and cdktf's HCL output renders it
 * correctly (cdktf 0.21 garbles JSON strings that contain references). The provider computes
 * the document locally; no AWS call.
 *
 * `policyDocument(statements)` (no scope) returns a Terraform `jsonencode(...)` expression
 * instead: also HCL-safe, for places where a data source is unwanted.
 */
export function policyDocument(statements: PolicyStatement[]): string;
export function policyDocument(scope: Construct, id: string, statements: PolicyStatement[]): string;
export function policyDocument(a: Construct | PolicyStatement[], b?: string, c?: PolicyStatement[]): string {
  if (Array.isArray(a)) return Fn.jsonencode(policyObject(a));
  if (b === undefined || c === undefined) throw new Error('policyDocument(scope, id, statements): id and statements are required');
  return documentDataSource(a, b, c);
}

function documentDataSource(scope: Construct, id: string, statements: PolicyStatement[]): string {
  policyObject(statements); // validates: sids, wildcards, empty lists
  return new DataAwsIamPolicyDocument(scope, id, {
    version: '2012-10-17',
    statement: statements.map((s) => ({
      sid: s.sid,
      effect: s.effect ?? 'Allow',
      actions: [...s.actions],
      resources: [...s.resources],
      principals: s.principals ? principalBlocks(s.principals) : undefined,
      condition: s.conditions ? conditionBlocks(s.conditions) : undefined,
    })),
  }).json;
}

/**
 * A role trust policy letting one AWS service assume the role, optionally restricted by
 * conditions (use `aws:SourceArn` / `aws:SourceAccount` where the service sets them, to
 * prevent the confused-deputy problem). Same rendering as `policyDocument`.
 */
export function trustPolicy(scope: Construct, id: string, service: string, conditions?: PolicyConditions): string {
  return new DataAwsIamPolicyDocument(scope, id, {
    version: '2012-10-17',
    statement: [
      {
        sid: 'AssumeRole',
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: [service] }],
        condition: conditions ? conditionBlocks(conditions) : undefined,
      },
    ],
  }).json;
}

function principalBlocks(p: PolicyPrincipals): { type: string; identifiers: string[] }[] {
  if (p['*']) return [{ type: '*', identifiers: ['*'] }];
  const out: { type: string; identifiers: string[] }[] = [];
  if (p.Service !== undefined) out.push({ type: 'Service', identifiers: ([] as string[]).concat(p.Service) });
  if (p.AWS !== undefined) out.push({ type: 'AWS', identifiers: ([] as string[]).concat(p.AWS) });
  if (p.Computed !== undefined) out.push({ type: p.Computed.type, identifiers: [...p.Computed.identifiers] });
  return out;
}

function conditionBlocks(c: PolicyConditions): { test: string; variable: string; values: string[] }[] {
  return Object.entries(c).flatMap(([test, byKey]) =>
    Object.entries(byKey).map(([variable, values]) => ({ test, variable, values: ([] as string[]).concat(values) })),
  );
}
