import { Construct } from 'constructs';
import { Testing } from 'cdktf';
import { expect } from 'chai';

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

/** One statement of an `aws_iam_policy_document` data source, normalized. */
export interface Statement {
  sid: string;
  effect: string;
  actions: string[];
  resources: string[];
  /** principal type → identifiers */
  principals: Record<string, string[]>;
  /** test → variable → values */
  conditions: Record<string, Record<string, string[]>>;
}

function normalize(raw: Record<string, any>): Statement {
  const principals: Record<string, string[]> = {};
  for (const p of raw.principals ?? []) principals[p.type] = p.identifiers;
  const conditions: Record<string, Record<string, string[]>> = {};
  for (const c of raw.condition ?? []) (conditions[c.test] ??= {})[c.variable] = c.values;
  return {
    sid: raw.sid,
    effect: raw.effect ?? 'Allow',
    actions: raw.actions ?? [],
    resources: raw.resources ?? [],
    principals,
    conditions,
  };
}

/** The statements behind a `${data.aws_iam_policy_document.<id>.json}` reference, by sid. */
export function statementsOf(tf: TfJson, reference: string): Record<string, Statement> {
  const m = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_]+)\.json\}$/.exec(reference);
  if (!m) throw new Error(`not a policy document reference: ${reference}`);
  const doc = tf.data?.aws_iam_policy_document?.[m[1]];
  if (!doc) throw new Error(`no aws_iam_policy_document ${m[1]}`);
  expect(doc.version).to.equal('2012-10-17');
  return Object.fromEntries((doc.statement as Record<string, any>[]).map((s) => [s.sid, normalize(s)]));
}

/** Every statement of every policy document in the stack, with the document id. */
export function allStatements(tf: TfJson): { document: string; statement: Statement }[] {
  return Object.entries(tf.data?.aws_iam_policy_document ?? {}).flatMap(([document, doc]) =>
    (doc.statement as Record<string, any>[]).map((s) => ({ document, statement: normalize(s) })),
  );
}
