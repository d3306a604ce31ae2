/**
 * Pure part of `npm run checkov`: read checkov's JSON report, name each finding by its full
 * Terraform address, and sort failed checks into accepted (listed in skips.ts) and failing, plus
 * the skip entries that no longer match anything (stale). No I/O here; run.ts does that.
 */
import type { CheckovSkip } from './skips';

/** One failed check, addressed as `<type>.<name>` or `data.<type>.<name>`. */
export interface Finding {
  readonly check: string;
  readonly name: string;
  readonly address: string;
  readonly file: string;
  readonly lines: readonly [number, number] | readonly [];
}

export interface ScanReport {
  readonly passed: number;
  readonly failed: Finding[];
  readonly parsingErrors: number;
  readonly checkovVersion?: string;
}

interface RawCheck {
  check_id: string;
  check_name: string;
  resource: string;
  check_class?: string;
  file_path?: string;
  file_line_range?: number[];
}
interface RawReport {
  check_type?: string;
  summary?: { passed?: number; failed?: number; parsing_errors?: number; checkov_version?: string };
  results?: { failed_checks?: RawCheck[] };
}

/** The synthesized JSON's blocks, to give checkov's `resource.<name>` / `data.<name>` their type. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
}

/**
 * Parses checkov's `-o json` output (one report, or a list with one per framework) into one
 * report. Throws when the text is not a checkov report, which run.ts treats as a crash.
 */
export function parseCheckovOutput(stdout: string, tfJson?: TerraformJson): ScanReport {
  const parsed: unknown = JSON.parse(stdout);
  const reports = (Array.isArray(parsed) ? parsed : [parsed]) as RawReport[];
  if (reports.length === 0 || !reports.every((r) => r && typeof r === 'object' && r.summary)) {
    throw new Error('checkov output is not a report (no summary)');
  }
  let passed = 0;
  let parsingErrors = 0;
  const failed: Finding[] = [];
  for (const r of reports) {
    passed += r.summary!.passed ?? 0;
    parsingErrors += r.summary!.parsing_errors ?? 0;
    for (const c of r.results?.failed_checks ?? []) {
      const range = c.file_line_range;
      failed.push({
        check: c.check_id,
        name: c.check_name,
        address: fullAddress(c, tfJson),
        file: c.file_path ?? '',
        lines: range && range.length === 2 ? [range[0]!, range[1]!] : [],
      });
    }
  }
  return { passed, failed, parsingErrors, checkovVersion: reports[0]!.summary!.checkov_version };
}

/**
 * checkov names terraform_json findings `resource.<name>` / `data.<name>` (no type) and HCL data
 * sources `<type>.<name>` (no `data.`): both become the address Terraform itself uses, so one
 * skip entry means the same thing whichever form was scanned. A name that is not unique in the
 * JSON keeps checkov's form (it then matches no skip and fails, rather than matching too much).
 */
export function fullAddress(c: Pick<RawCheck, 'resource' | 'check_class'>, tfJson?: TerraformJson): string {
  const m = /^(resource|data)\.([^.]+)$/.exec(c.resource);
  if (m && tfJson) {
    const blocks = m[1] === 'data' ? tfJson.data : tfJson.resource;
    const types = Object.entries(blocks ?? {}).filter(([, byName]) => Object.prototype.hasOwnProperty.call(byName, m[2]!)).map(([t]) => t);
    if (types.length === 1) return m[1] === 'data' ? `data.${types[0]}.${m[2]}` : `${types[0]}.${m[2]}`;
    return c.resource;
  }
  if (c.check_class?.startsWith('checkov.terraform.checks.data.') && !c.resource.startsWith('data.')) return `data.${c.resource}`;
  return c.resource;
}

export interface Accepted {
  readonly finding: Finding;
  readonly skip: CheckovSkip;
}

export interface Classified {
  readonly failing: Finding[];
  readonly accepted: Accepted[];
}

/** Splits findings of one target into accepted (a skip names both the check and the address) and failing. */
export function classify(findings: readonly Finding[], target: string, skips: readonly CheckovSkip[]): Classified {
  const failing: Finding[] = [];
  const accepted: Accepted[] = [];
  for (const f of findings) {
    const skip = skips.find((s) => s.target === target && s.check === f.check && s.resources.includes(f.address));
    if (skip) accepted.push({ finding: f, skip });
    else failing.push(f);
  }
  return { failing, accepted };
}

/** `check address` pairs listed for `targets` that matched no finding: the list must shrink when a construct is fixed. */
export function staleSkips(skips: readonly CheckovSkip[], targets: readonly string[], accepted: readonly Accepted[]): string[] {
  const used = new Set(accepted.map((a) => `${a.finding.check} ${a.finding.address}`));
  const stale: string[] = [];
  for (const s of skips) {
    if (!targets.includes(s.target)) continue;
    for (const r of s.resources) if (!used.has(`${s.check} ${r}`)) stale.push(`${s.check} ${r}`);
  }
  return stale;
}
