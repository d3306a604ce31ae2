import { Construct } from 'constructs';
import { Testing } from 'cdktf';

/** Synthesized Terraform JSON, parsed. */
export interface TfJson {
  resource?: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
  provider?: unknown;
  terraform?: { backend?: unknown };
  [k: string]: unknown;
}

/** Synthesizes what `build` adds to a fresh test stack and parses the JSON. */
export function synth(build: (scope: Construct) => void): TfJson {
  return JSON.parse(Testing.synthScope(build)) as TfJson;
}

/** All resources of one type, by logical id (empty object when none). */
export function resourcesOf(tf: TfJson, type: string): Record<string, Record<string, any>> {
  return tf.resource?.[type] ?? {};
}

/** The one resource of a type; fails when there is not exactly one. */
export function onlyResource(tf: TfJson, type: string): [string, Record<string, any>] {
  const entries = Object.entries(resourcesOf(tf, type));
  if (entries.length !== 1) throw new Error(`expected exactly one ${type}, found ${entries.length}`);
  return entries[0];
}

export interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The statements of a policy JSON string, by Sid. */
export function statementsBySid(policy: string): Record<string, Statement> {
  const doc = JSON.parse(policy) as { Statement: Statement[] };
  return Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
}

export const asList = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/** Every (resource type, logical id, attribute, statement) of every policy document in the stack. */
export function allPolicyStatements(tf: TfJson): { where: string; statement: Statement }[] {
  const out: { where: string; statement: Statement }[] = [];
  for (const [type, byId] of Object.entries(tf.resource ?? {})) {
    for (const [id, body] of Object.entries(byId)) {
      for (const attr of ['policy', 'assume_role_policy', 'access_policy', 'policy_document']) {
        const value = body[attr];
        if (typeof value !== 'string' || !value.includes('"Statement"')) continue;
        for (const s of (JSON.parse(value) as { Statement: Statement[] }).Statement) {
          out.push({ where: `${type}.${id}.${attr}`, statement: s });
        }
      }
    }
  }
  return out;
}
