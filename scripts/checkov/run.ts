/**
 * Policy scan: checkov on every synthesized stack (and, once built, every Terraform registry
 * module), zero failed checks allowed except those accepted in scripts/checkov/skips.ts.
 *
 *   npm run checkov               synthesize the example app, then scan every target
 *   npm run checkov -- --no-synth scan what cdktf.out/ already holds
 *   npm run checkov -- --hcl      scan the HCL synth (cdktf.out.hcl/) instead of the JSON
 *   npm run setup:checkov         only install the pinned checkov (CI's install step)
 *
 * checkov runs from its own virtual environment, .local/checkov, created here with the version
 * pinned in requirements-checkov.txt (kept apart from moto's environment: checkov pins boto3).
 *
 * Known checkov crashes on cdktf JSON (issue 11): if checkov fails on a stack's cdk.tf.json
 * without a report, or cannot parse it, the stack is synthesized as HCL (`npm run synth:hcl`)
 * and that is scanned instead, with a line saying so: the same resources and checks, never a
 * weaker scan. checkov 3.3.30 scans the JSON fine and finds the same results as on the HCL.
 *
 * Exit status 1 when a check fails that skips.ts does not accept, when a skip entry no longer
 * matches anything (fix the list), when a file did not parse, or when a required target is missing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { classify, parseCheckovOutput, staleSkips, type Accepted, type Finding, type ScanReport, type TerraformJson } from './results';
import { CHECKOV_SKIPS, type SkipTarget } from './skips';

const ROOT = path.resolve(__dirname, '..', '..');

/** What to scan. Add a target here (and its accepted findings to skips.ts); `*` matches one path segment. */
interface ScanTarget {
  readonly name: SkipTarget;
  readonly glob: string;
  readonly framework: 'terraform_json' | 'terraform';
  /** Fail when nothing matches (else print that the target was not built and go on). */
  readonly required: boolean;
  /** What produces it, for the message when nothing matches. */
  readonly producedBy: string;
}

export const TARGETS: readonly ScanTarget[] = [
  { name: 'example-stacks', glob: 'cdktf.out/stacks/*/cdk.tf.json', framework: 'terraform_json', required: true, producedBy: 'npm run synth' },
  // Terraform registry modules (issue 11), each with its examples/, once `npm run build:modules` writes them.
  { name: 'registry-modules', glob: 'dist/terraform/*', framework: 'terraform', required: false, producedBy: 'npm run build:modules' },
];

const VENV = path.join(ROOT, '.local', 'checkov');
const CHECKOV = path.join(VENV, 'bin', 'checkov');

function main(): number {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !['--no-synth', '--hcl', '--install-only'].includes(a));
  if (unknown.length) {
    console.error(`checkov: unknown argument(s) ${unknown.join(' ')} (use --no-synth, --hcl, --install-only)`);
    return 2;
  }
  const version = ensureCheckov();
  if (args.includes('--install-only')) {
    console.log(`checkov ${version} in ${rel(VENV)}`);
    return 0;
  }
  if (!args.includes('--no-synth')) run('npm', ['run', '--silent', 'synth'], 'synthesize the example app');
  const forceHcl = args.includes('--hcl');
  let hclReady = false;
  const hclDirOf = (jsonFile: string): string => {
    if (!hclReady) {
      run('npm', ['run', '--silent', 'synth:hcl'], 'synthesize the example app as HCL');
      hclReady = true;
    }
    // cdktf.out/stacks/<stack>/cdk.tf.json → cdktf.out.hcl/stacks/<stack>
    return path.join(ROOT, 'cdktf.out.hcl', 'stacks', path.basename(path.dirname(jsonFile)));
  };

  console.log(`checkov ${version}; accepted findings: scripts/checkov/skips.ts`);
  const scanned: string[] = [];
  const failing: Finding[] = [];
  const accepted: Accepted[] = [];
  let passed = 0;
  let problems = 0;
  for (const t of TARGETS) {
    const paths = expandGlob(t.glob);
    if (paths.length === 0) {
      if (t.required) {
        console.error(`FAIL ${t.name}: nothing matches ${t.glob} (run ${t.producedBy})`);
        problems++;
      } else console.log(`-- ${t.name}: nothing matches ${t.glob} (not built: ${t.producedBy}); not scanned`);
      continue;
    }
    scanned.push(t.name);
    for (const p of paths) {
      let report: ScanReport | string;
      let shown = rel(p);
      if (t.framework === 'terraform_json' && forceHcl) {
        const dir = hclDirOf(p);
        shown = `${rel(dir)} (HCL, --hcl)`;
        report = scan(dir, 'terraform');
      } else {
        report = scan(p, t.framework);
        if (t.framework === 'terraform_json' && (typeof report === 'string' || report.parsingErrors > 0)) {
          const why = typeof report === 'string' ? report : `${report.parsingErrors} parsing error(s)`;
          const dir = hclDirOf(p);
          console.log(`!! checkov could not scan ${rel(p)} (${why}): scanning the HCL synth ${rel(dir)} instead (same stack)`);
          shown = `${rel(dir)} (HCL, JSON crashed)`;
          report = scan(dir, 'terraform');
        }
      }
      if (typeof report === 'string') {
        console.error(`FAIL ${shown}: ${report}`);
        problems++;
        continue;
      }
      if (report.parsingErrors > 0) {
        console.error(`FAIL ${shown}: ${report.parsingErrors} file(s) checkov could not parse (not scanned)`);
        problems++;
      }
      const c = classify(report.failed, t.name, CHECKOV_SKIPS);
      passed += report.passed;
      failing.push(...c.failing);
      accepted.push(...c.accepted);
      console.log(`${t.name}: ${shown}: ${report.passed} passed, ${c.failing.length} failed, ${c.accepted.length} accepted (skips.ts)`);
    }
  }

  const byCheck = new Map<string, string[]>();
  for (const a of accepted) byCheck.set(a.finding.check, [...(byCheck.get(a.finding.check) ?? []), a.finding.address]);
  for (const [check, addresses] of byCheck) console.log(`accepted ${check}: ${addresses.join(', ')}`);
  for (const f of failing) {
    const where = f.lines.length ? `${f.file}:${f.lines[0]}-${f.lines[1]}` : f.file;
    console.error(`FAILED ${f.check} ${f.address}: ${f.name} (${where})`);
  }
  const stale = staleSkips(CHECKOV_SKIPS, scanned, accepted);
  for (const s of stale) console.error(`STALE SKIP ${s}: listed in scripts/checkov/skips.ts but no longer failing; remove it`);

  console.log(`checkov summary: ${passed} passed, ${failing.length} failed, ${accepted.length} accepted (${new Set(accepted.map((a) => a.finding.check)).size} checks, reasons in scripts/checkov/skips.ts), ${stale.length} stale skips`);
  return failing.length > 0 || stale.length > 0 || problems > 0 ? 1 : 0;
}

/** checkov's report on one file or folder, or why there is none (a crash). */
function scan(target: string, framework: ScanTarget['framework']): ScanReport | string {
  const isFile = fs.statSync(target).isFile();
  const r = spawnSync(
    CHECKOV,
    [isFile ? '-f' : '-d', target, '--framework', framework, '--output', 'json', '--compact', '--skip-download'],
    // --skip-download: offline (CI has no network beyond package registries); no Prisma Cloud guideline links.
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  // checkov exits 1 when a check fails; anything else, or output that is not a report, is a crash.
  if (r.error) return `could not run checkov: ${r.error.message}`;
  if (r.status !== 0 && r.status !== 1) return `checkov exited ${r.status}: ${lastLines(r.stderr)}`;
  try {
    const tfJson = framework === 'terraform_json' ? (JSON.parse(fs.readFileSync(target, 'utf8')) as TerraformJson) : undefined;
    return parseCheckovOutput(r.stdout, tfJson);
  } catch (e) {
    return `no report from checkov (${(e as Error).message}): ${lastLines(r.stderr)}`;
  }
}

/** The pinned checkov in .local/checkov, installed when absent or of another version. */
function ensureCheckov(): string {
  const req = fs.readFileSync(path.join(ROOT, 'requirements-checkov.txt'), 'utf8');
  const pin = /^checkov==(\S+)\s*$/m.exec(req)?.[1];
  if (!pin) throw new Error('requirements-checkov.txt must pin checkov==<version>');
  const installed = fs.existsSync(CHECKOV) ? spawnSync(CHECKOV, ['--version'], { encoding: 'utf8' }).stdout?.trim() : undefined;
  if (installed === pin) return pin;
  console.log(`installing checkov ${pin} into ${rel(VENV)} (was ${installed || 'absent or not runnable'})`);
  // A fresh environment every time: scripts in a venv carry its absolute path (a moved or
  // re-linked .local breaks them) and pip would keep a stale checkov's dependencies.
  fs.rmSync(VENV, { recursive: true, force: true });
  run('python3', ['-m', 'venv', VENV], 'create the checkov virtual environment');
  run(path.join(VENV, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', 'requirements-checkov.txt'], `install checkov ${pin}`);
  return pin;
}

/** Runs a step quietly (cdktf's progress spinner would flood CI logs); its output is shown only when it fails. */
function run(cmd: string, args: string[], what: string): void {
  console.log(`-- ${what}: ${[path.basename(cmd), ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error(`${what} failed: ${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  }
}

/** Paths (absolute, sorted) matching `glob` relative to the root; `*` stands for one whole path segment or a part of one. */
export function expandGlob(glob: string, root = ROOT): string[] {
  let current = [root];
  for (const segment of glob.split('/')) {
    const next: string[] = [];
    for (const dir of current) {
      if (!segment.includes('*')) {
        const p = path.join(dir, segment);
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
      const re = new RegExp(`^${segment.split('*').map(escapeRegExp).join('[^/]*')}$`);
      for (const e of fs.readdirSync(dir).sort()) if (re.test(e)) next.push(path.join(dir, e));
    }
    current = next;
  }
  return current;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const rel = (p: string) => path.relative(ROOT, p) || '.';
const lastLines = (s: string | null) => (s ?? '').trim().split('\n').slice(-3).join(' | ');

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(`checkov: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
