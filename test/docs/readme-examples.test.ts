import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * Every TypeScript example a README marks with `<!-- example: compiles -->` (the line before its
 * ```ts fence) is type-checked against the project's sources, as a user's app would import them
 * (`logs-to-opensearch`, `logs-to-opensearch/<module>`: the package's exports), and an example
 * that synthesizes (`app.synth()`) is run and its stack read back. A renamed prop or a changed
 * default breaks the README's example here, not in a user's editor.
 */
const ROOT = resolve(__dirname, '../..');
const MARKER = '<!-- example: compiles -->';
const WORK = join(ROOT, '.build', 'readme-examples');

export interface Example {
  readonly readme: string;
  /** 1-based line of the first code line in the README. */
  readonly line: number;
  readonly code: string;
}

/** The marked ```ts blocks of a README; a marker not followed by one is an error. */
export function examplesOf(readme: string, text: string): Example[] {
  const lines = text.split('\n');
  const out: Example[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== MARKER) return;
    let at = i + 1;
    while (at < lines.length && lines[at].trim() === '') at++;
    if (!/^```(ts|typescript)\s*$/.test(lines[at] ?? '')) throw new Error(`${readme}:${i + 1}: ${MARKER} is not followed by a \`\`\`ts block`);
    const end = lines.findIndex((x, j) => j > at && x.startsWith('```'));
    if (end < 0) throw new Error(`${readme}:${at + 1}: unterminated code block`);
    out.push({ readme, line: at + 2, code: lines.slice(at + 1, end).join('\n') });
  });
  return out;
}

/** `logs-to-opensearch[/<module>]` → the module in this checkout, relative to `fromDir`. */
function localImports(code: string, fromDir: string): string {
  return code.replace(/(['"])logs-to-opensearch(\/[\w-]+)?\1/g, (_m, q: string, sub: string | undefined) => {
    const target = relative(fromDir, join(ROOT, 'modules', sub ? sub.slice(1) : 'index')).split('\\').join('/');
    return `${q}${target.startsWith('.') ? target : `./${target}`}${q}`;
  });
}

function readmes(): string[] {
  const inFolders = (parent: string) =>
    existsSync(join(ROOT, parent))
      ? readdirSync(join(ROOT, parent), { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(join(ROOT, parent, d.name, 'README.md')))
          .map((d) => `${parent}/${d.name}/README.md`)
      : [];
  return ['README.md', ...inFolders('modules'), ...inFolders('functions')];
}

/** Writes each example to its own file under .build/ and returns the paths (same order). */
function writeExamples(examples: readonly Example[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return examples.map((e, i) => {
    const file = join(dir, `${e.readme.replace(/[^\w]+/g, '_')}_${i}.ts`);
    writeFileSync(file, localImports(e.code, dir));
    return file;
  });
}

/** Type errors of the given files, as `README:line: message`. */
function typeErrors(examples: readonly Example[], files: readonly string[]): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  // Examples may name a value for the reader's sake without using it.
  const program = ts.createProgram([...files], { ...options, noUnusedLocals: false, noUnusedParameters: false, noEmit: true });
  const errors: string[] = [];
  files.forEach((file, i) => {
    const source = program.getSourceFile(file);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const d of diagnostics) {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      errors.push(`${examples[i].readme}:${examples[i].line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  });
  return errors;
}

describe('README examples (<!-- example: compiles -->)', function () {
  this.timeout(600_000);
  const all = readmes().flatMap((r) => examplesOf(r, readFileSync(join(ROOT, r), 'utf8')));
  let files: string[] = [];

  before(() => {
    rmSync(WORK, { recursive: true, force: true });
    files = writeExamples(all, WORK);
  });
  after(() => rmSync(WORK, { recursive: true, force: true }));

  it('finds a marked example in the top README and in every module README', () => {
    // Given the READMEs, Then each of these holds at least one checked example
    const having = new Set(all.map((e) => e.readme));
    for (const r of ['README.md', ...readmes().filter((x) => x.startsWith('modules/'))]) expect(having, r).to.include(r);
  });

  it('type-checks every marked example against the project sources', () => {
    // When the examples are compiled as a user's app importing the package
    const errors = typeErrors(all, files);
    // Then none has a type error
    expect(errors).to.deep.equal([]);
  });

  it('synthesizes every example that calls app.synth(), with the constructs it names', () => {
    const synthesizing = all.map((e, i) => ({ e, file: files[i] })).filter(({ e }) => /\.synth\(\)/.test(e.code));
    expect(synthesizing, 'at least one example synthesizes').to.not.be.empty;
    for (const { e, file } of synthesizing) {
      const outdir = mkdtempSync(join(tmpdir(), 'readme-example-'));
      try {
        // When the example runs as an app
        const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: outdir } });
        expect(run.status, `${e.readme}:${e.line}: ${run.stderr}`).to.equal(0);
        // Then every stack it wrote holds the functions of the constructs it uses
        const stacks = readdirSync(join(outdir, 'stacks'));
        expect(stacks, e.readme).to.not.be.empty;
        const resources = stacks.flatMap((s) => Object.keys(JSON.parse(readFileSync(join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8')).resource?.aws_lambda_function ?? {}));
        const constructs = (e.code.match(/new (LogPipeline|ElbProcessor|PexipIngest|OpenSearchBootstrap)\(/g) ?? []).length;
        expect(resources, `${e.readme}:${e.line}: Lambda functions synthesized`).to.have.length(constructs);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    }
  });

  it('fails on an example using props that do not exist, naming the README line', () => {
    // Given an example written against the ElbProcessor props before issue 8 (region, flat endpoint)
    const stale: Example = {
      readme: 'STALE.md',
      line: 10,
      code: [
        "import { TerraformStack } from 'cdktf';",
        "import { ElbProcessor } from 'logs-to-opensearch/elb-processor';",
        'declare const stack: TerraformStack;',
        "new ElbProcessor(stack, 'elb', { region: 'eu-west-1', opensearchEndpoint: 'https://x', opensearchArn: 'arn' });",
      ].join('\n'),
    };
    const dir = join(WORK, 'stale');
    // When it is type-checked, Then the error names the README and the line of the call
    const errors = typeErrors([stale], writeExamples([stale], dir));
    expect(errors).to.have.length.greaterThan(0);
    expect(errors[0]).to.match(/^STALE\.md:13: .*region/);
    // And a marker without a code block is an error too
    expect(() => examplesOf('X.md', `${MARKER}\n\nprose\n`)).to.throw('X.md:1: <!-- example: compiles --> is not followed by a ```ts block');
  });
});
