/**
 * terraform in a synthesized stack folder, against moto, with the provider from the local mirror;
 * and the judges of its results against test/apply/known-gaps.ts.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gapForError, gapForReadBack, KNOWN_GAPS, type KnownGap } from './known-gaps';

export interface Terraform {
  /** Runs `terraform <args>` in the stack folder; output also goes to `log`. */
  run(args: string[], opts?: { allowFailure?: boolean }): Promise<{ code: number; stdout: string; stderr: string }>;
  readonly log: string;
}

export function terraformIn(dir: string, env: NodeJS.ProcessEnv, log = join(dir, 'terraform-test.log')): Terraform {
  writeFileSync(log, '');
  return {
    log,
    async run(args, opts = {}) {
      appendFileSync(log, `\n$ terraform ${args.join(' ')}\n`);
      const child = spawn('terraform', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => ((stdout += c), appendFileSync(log, c)));
      child.stderr.setEncoding('utf8').on('data', (c: string) => ((stderr += c), appendFileSync(log, c)));
      const code = await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (c) => resolve(c ?? -1));
      });
      if (code !== 0 && !opts.allowFailure) throw new Error(`terraform ${args.join(' ')} exited ${code} (log: ${log})\n${shorten(stderr || stdout)}`);
      return { code, stdout, stderr };
    },
  };
}

/** The end of terraform's output with its long lines (source snippets of the stack JSON) cut. */
export function shorten(output: string): string {
  return output
    .split('\n')
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)} …` : l))
    .join('\n')
    .slice(-4000);
}

/**
 * The environment terraform runs with: the mirror's CLI configuration, moto's credentials, nothing
 * from the developer's AWS setup, no checkpoint calls.
 */
export function terraformEnv(cliConfig: string, aws: Record<string, string>, vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|TF_)/.test(k)) env[k] = v;
  Object.assign(env, aws, {
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  for (const [k, v] of Object.entries(vars)) env[`TF_VAR_${k}`] = v;
  return env;
}

/** Host name the S3 Control endpoint gets: never resolved, see motoProviderOverride. */
export const S3_CONTROL_HOST = 's3-control.moto.invalid';

/**
 * An override file (terraform merges `*_override.tf.json` into the stack's provider block) that sends
 * every service the stack uses to moto. S3 Control: the provider reads and writes bucket tags at
 * `<account>.s3-control.<endpoint host>`, a name no resolver on loopback knows. The endpoint is
 * therefore a name that is never looked up (`<account>.s3-control.moto.invalid`) and the provider's
 * `http_proxy` is moto itself: Go's HTTP client sends that request to the proxy as
 * `GET http://<account>.s3-control.moto.invalid:<port>/v20180820/...`, Werkzeug serves absolute-form
 * requests, and moto routes `/v20180820/` paths to S3 Control. Loopback endpoints never go through a
 * proxy in Go, so every other call goes straight to moto. No /etc/hosts entry, no DNS.
 */
export function motoProviderOverride(motoEndpoint: string, services: string[]): object {
  const port = new URL(motoEndpoint).port;
  const endpoints: Record<string, string> = {};
  for (const s of services) endpoints[s] = s === 's3control' ? `http://${S3_CONTROL_HOST}:${port}` : motoEndpoint;
  return {
    provider: {
      aws: [
        {
          endpoints: [endpoints],
          s3_use_path_style: true,
          http_proxy: motoEndpoint,
          no_proxy: '127.0.0.1,localhost',
          // moto answers errors at once; the default 25 retries would only slow a failure down.
          max_retries: 3,
        },
      ],
    },
  };
}

export function writeMotoOverride(dir: string, motoEndpoint: string, services: string[]): string {
  const file = join(dir, 'moto_override.tf.json');
  writeFileSync(file, `${JSON.stringify(motoProviderOverride(motoEndpoint, services), null, 2)}\n`);
  return file;
}

/** One entry of `terraform show -json <plan>`'s resource_changes. */
export interface ResourceChange {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  change: { actions: string[]; before: any; after: any; after_unknown?: any; replace_paths?: unknown[][] };
}

export interface PlanJson {
  resource_changes?: ResourceChange[];
}

/** Managed resources a plan would touch, by action list ("create", "update", "delete,create", ...). */
export function plannedActions(plan: PlanJson): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const key = rc.change.actions.join(',');
    if (key === 'no-op' || key === 'read') continue;
    (out[key] ??= []).push(rc.address);
  }
  return out;
}

/** An error diagnostic from a `-json` run of apply/destroy, with the resource it names (if any). */
export interface Diagnostic {
  summary: string;
  detail: string;
  address?: string;
}

/** Error diagnostics in terraform's machine-readable UI output (one JSON object per line). */
export function errorDiagnostics(jsonLines: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: { type?: string; diagnostic?: { severity?: string; summary?: string; detail?: string; address?: string } };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.type === 'diagnostic' && msg.diagnostic?.severity === 'error')
      out.push({ summary: msg.diagnostic.summary ?? '', detail: msg.diagnostic.detail ?? '', address: msg.diagnostic.address });
  }
  return out;
}

/** `module.x.aws_s3_bucket.y["k"]` → `aws_s3_bucket`. */
export function typeOfAddress(address: string): string {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
  return parts[parts.length - 2] ?? '';
}

export interface Judgement {
  excused: { what: string; gap: KnownGap }[];
  unexcused: string[];
}

/** Errors of an apply or destroy: each excused by a known gap for its resource type, or not. */
export function judgeErrors(diagnostics: Diagnostic[], gaps: readonly KnownGap[] = KNOWN_GAPS): Judgement & { failedAddresses: string[] } {
  const j: Judgement & { failedAddresses: string[] } = { excused: [], unexcused: [], failedAddresses: [] };
  for (const d of diagnostics) {
    const what = shorten(`${d.address ?? '(no resource)'}: ${d.summary} ${d.detail}`.trim());
    const gap = d.address ? gapForError(typeOfAddress(d.address), `${d.summary}\n${d.detail}`, gaps) : undefined;
    if (gap) {
      j.excused.push({ what, gap });
      j.failedAddresses.push(d.address!);
    } else j.unexcused.push(what);
  }
  return j;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Top-level attributes an update changes (known differences and values known only after apply). */
export function changedAttributes(rc: ResourceChange): string[] {
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  const unknown = rc.change.after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys].filter((k) => !same(before[k], after[k]) || anyUnknown(unknown[k])).sort();
}

/** after_unknown mirrors the value with `true` where it is unknown ({} / [] / false when all is known). */
function anyUnknown(u: unknown): boolean {
  if (u === true) return true;
  if (u && typeof u === 'object') return Object.values(u as Record<string, unknown>).some(anyUnknown);
  return false;
}

/**
 * The plan after apply must be empty but for: resources whose creation failed for a known gap
 * (`failedAddresses`), and attributes moto reads back differently (read-back gaps).
 */
export function judgeSecondPlan(plan: PlanJson, failedAddresses: string[], gaps: readonly KnownGap[] = KNOWN_GAPS): Judgement {
  const j: Judgement = { excused: [], unexcused: [] };
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const actions = rc.change.actions.join(',');
    if (actions === 'no-op' || actions === 'read') continue;
    if (actions === 'create' && failedAddresses.includes(rc.address)) {
      const gap = gaps.find((g) => g.kind === 'apply-error' && g.resourceType === rc.type)!;
      j.excused.push({ what: `${rc.address}: still to create`, gap });
      continue;
    }
    if (actions !== 'update') {
      j.unexcused.push(`${rc.address}: ${actions} (${changedAttributes(rc).join(', ')})`);
      continue;
    }
    for (const attribute of changedAttributes(rc)) {
      const unknown = anyUnknown(rc.change.after_unknown?.[attribute]);
      const gap = gapForReadBack(rc.type, attribute, unknown, gaps);
      const cut = (v: unknown) => {
        const text = JSON.stringify(v) ?? 'undefined';
        return text.length > 140 ? `${text.slice(0, 140)} …` : text;
      };
      const after = unknown ? '(known after apply)' : cut(rc.change.after?.[attribute]);
      const what = `${rc.address}.${attribute}: ${cut(rc.change.before?.[attribute])} → ${after}`;
      if (gap) j.excused.push({ what, gap });
      else j.unexcused.push(what);
    }
  }
  return j;
}
