/**
 * Writes the generated tables of every module and function README (modules/<name>/README.md,
 * functions/<name>/README.md) from the code,
 * so the docs have one source, the way terraform-docs keeps registry READMEs true:
 *   inputs   the construct's props interface: every prop and nested option, type, default, TSDoc
 *   outputs  its TerraformOutputs (id, property, description) and public properties (type, TSDoc)
 *   defaults the inputs that have a `@default` (only where a README asks for it with a marker)
 *
 *   tsx scripts/docs/generate.ts            rewrite the READMEs (npm run docs)
 *   tsx scripts/docs/generate.ts --check    change nothing; exit 1 naming each stale README (npm run docs:check, CI)
 *   --root DIR                              the project root (default: this checkout)
 *
 * Each table sits between `<!-- BEGIN GENERATED: <kind> -->` and `<!-- END GENERATED: <kind> -->`.
 * `<kind>` alone documents the module's construct (the class in index.ts taking a `*Props`);
 * `<kind> <Name>` documents another construct class or props interface the module exports
 * (`inputs LogPipelineSourceAccount`). A module README without inputs/outputs markers gets them in its
 * `## Inputs` / `## Outputs` section, in place of the section's hand-written table.
 *
 *   env      a function's environment from its contract (functions/<name>/contract.ts): every key
 *            of its `*_ENV` object with the variable name, the default from `*_DEFAULTS` (same
 *            key) and the key's TSDoc. `env` alone in functions/<name>/README.md documents that
 *            function; `env <name>` names one (a module README documenting the function it deploys);
 *            `env <name> <OBJECT>` picks the object when the contract declares several.
 *            `{@value BULK_BYTES.max}` in a key's TSDoc prints that constant, so bounds are written once.
 * Function READMEs (functions/<name>/README.md) are read too; only their marked blocks change.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { InputRow, Problem, inputRows } from './inputs';
import { envRows } from './env';
import { block, defaultsTable, envTable, inputsTable, insertBlock, markerKinds, outputsTable, replaceBlocks } from './markdown';
import { outputRows, propertyRows } from './outputs';
import { Found, SourceIndex } from './source';

/** What a module documents: a construct class and its props interface, or a props interface alone. */
interface Subject {
  readonly name: string;
  readonly cls?: Found<ts.ClassDeclaration>;
  readonly props?: Found<ts.InterfaceDeclaration>;
}

export interface ReadmeResult {
  /** Relative to the root, `/`-separated. */
  readonly readme: string;
  readonly current: string;
  readonly generated: string;
  readonly problems: Problem[];
  readonly errors: string[];
}

/** The README of one module as it should be. */
export function generateReadme(root: string, moduleDir: string, index = new SourceIndex()): ReadmeResult {
  const isFunction = path.basename(path.dirname(moduleDir)) === 'functions';
  const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const readmePath = path.join(moduleDir, 'README.md');
  const current = fs.readFileSync(readmePath, 'utf8');
  const problems: Problem[] = [];
  const errors: string[] = [];
  const entry = index.file(path.join(moduleDir, 'index.ts'));
  const main = entry ? mainSubject(index, entry, moduleDir) : propsOnly(index, moduleDir);

  const subjectFor = (name: string | undefined): Subject | undefined => {
    if (name === undefined) return main;
    const found = entry && index.lookupExport(name, entry);
    if (found && ts.isClassDeclaration(found.node)) return classSubject(index, found as Found<ts.ClassDeclaration>);
    if (found && ts.isInterfaceDeclaration(found.node)) return { name, props: found as Found<ts.InterfaceDeclaration> };
    return undefined;
  };
  const rowsCache = new Map<ts.Node, InputRow[]>();
  const rowsOf = (props: Found<ts.InterfaceDeclaration>) => {
    if (!rowsCache.has(props.node)) rowsCache.set(props.node, inputRows(index, props, problems));
    return rowsCache.get(props.node) ?? [];
  };
  const renderEnv = (kind: string, name: string | undefined, objectName: string | undefined): string | undefined => {
    const fn = name ?? (isFunction ? path.basename(moduleDir) : undefined);
    const contractPath = fn === undefined ? undefined : path.join(root, 'functions', fn, 'contract.ts');
    const contract = contractPath && index.file(contractPath);
    if (!contract) {
      errors.push(`${rel(readmePath)}: marker "${kind}": ${fn === undefined ? 'name the function (`env <name>`) outside functions/<name>/' : `no ${rel(contractPath!)}`}`);
      return undefined;
    }
    const found: Problem[] = [];
    const rows = envRows(index, contract, found, objectName);
    if (found.length) {
      errors.push(...found.map((p) => `${rel(readmePath)}: marker "${kind}": ${rel(p.file)}: ${p.message}`));
      return undefined;
    }
    return block(kind, `the TSDoc and defaults of ${rel(contractPath!)}`, envTable(rows));
  };
  const render = (kind: string): string | undefined => {
    const [what, name, ...rest] = kind.trim().split(/\s+/);
    if (what === 'env' && rest.length <= 1) return renderEnv(kind, name, rest[0]);
    const subject = rest.length ? undefined : subjectFor(name);
    if (!subject) {
      errors.push(`${rel(readmePath)}: marker "${kind}": ${name ? `${name} is not a class or interface exported by ${rel(path.join(moduleDir, 'index.ts'))}` : 'no construct taking a *Props interface found in the module'}`);
      return undefined;
    }
    if ((what === 'inputs' || what === 'defaults') && subject.props) {
      const source = `the TSDoc of \`${subject.props.node.name.text}\` (${rel(subject.props.file.fileName)})`;
      return block(kind, source, what === 'inputs' ? inputsTable(rowsOf(subject.props)) : defaultsTable(rowsOf(subject.props)));
    }
    if (what === 'outputs' && subject.cls) {
      const source = `\`${subject.name}\` (${rel(subject.cls.file.fileName)} and the functions it calls)`;
      return block(kind, source, outputsTable(subject.name, outputRows(index, subject.cls, problems), propertyRows(index, subject.cls)));
    }
    errors.push(`${rel(readmePath)}: marker "${kind}": ${['inputs', 'defaults', 'outputs'].includes(what) ? `${subject.name} has no ${what === 'outputs' ? 'construct class' : 'props interface'}` : `unknown kind "${what}" (inputs, defaults, outputs, env)`}`);
    return undefined;
  };

  let generated = replaceBlocks(current, render);
  const kinds = markerKinds(generated).map((k) => k.trim());
  for (const [what, heading, available] of [['inputs', 'Inputs', main?.props], ['outputs', 'Outputs', main?.cls]] as const) {
    if (isFunction || kinds.includes(what) || !available) continue;
    const content = render(what);
    if (content) generated = insertBlock(generated, heading, content);
  }
  return { readme: rel(readmePath), current, generated, problems, errors };
}

/** The construct declared in index.ts whose constructor takes a `*Props` interface. */
function mainSubject(index: SourceIndex, entry: ts.SourceFile, moduleDir: string): Subject | undefined {
  for (const st of entry.statements) {
    if (!ts.isClassDeclaration(st) || !st.name) continue;
    const subject = classSubject(index, { node: st, file: entry });
    if (subject.props) return subject;
  }
  return propsOnly(index, moduleDir);
}

function classSubject(index: SourceIndex, cls: Found<ts.ClassDeclaration>): Subject {
  const ctor = cls.node.members.find(ts.isConstructorDeclaration);
  for (const p of ctor?.parameters ?? []) {
    if (!p.type || !ts.isTypeReferenceNode(p.type) || !ts.isIdentifier(p.type.typeName) || !p.type.typeName.text.endsWith('Props')) continue;
    const found = index.lookup(p.type.typeName.text, cls.file);
    if (found && ts.isInterfaceDeclaration(found.node)) return { name: cls.node.name?.text ?? '', cls, props: found as Found<ts.InterfaceDeclaration> };
  }
  return { name: cls.node.name?.text ?? '', cls };
}

/** A module without a construct class: the first exported `*Props` interface of props.ts or index.ts. */
function propsOnly(index: SourceIndex, moduleDir: string): Subject | undefined {
  for (const name of ['props.ts', 'index.ts']) {
    const file = index.file(path.join(moduleDir, name));
    const props = file?.statements.find(
      (st): st is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(st) && st.name.text.endsWith('Props') && !!st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword),
    );
    if (file && props) return { name: props.name.text, props: { node: props, file } };
  }
  return undefined;
}

/** Module folders, then function folders, holding a README, each sorted. */
export function moduleDirs(root: string): string[] {
  return ['modules', 'functions'].flatMap((kind) => {
    const parent = path.join(root, kind);
    if (!fs.existsSync(parent)) return [];
    return fs
      .readdirSync(parent, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(parent, d.name, 'README.md')))
      .map((d) => path.join(parent, d.name))
      .sort();
  });
}

export interface RunOptions {
  readonly root: string;
  readonly check: boolean;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

/** Generates (or checks) every module README; returns the exit code. */
export function runDocs({ root, check, out = console.log, err = console.error }: RunOptions): number {
  const index = new SourceIndex();
  let failed = false;
  const warned = new Set<string>();
  for (const dir of moduleDirs(root)) {
    const result = generateReadme(root, dir, index);
    for (const p of result.problems) {
      const line = `docs: warning: ${path.relative(root, p.file)}: ${p.message}`;
      if (!warned.has(line)) err(line);
      warned.add(line);
    }
    for (const e of result.errors) err(`docs: ${e}`);
    failed ||= result.errors.length > 0;
    if (result.generated === result.current) {
      out(`docs: ${result.readme} is current`);
    } else if (check) {
      err(`docs: ${result.readme} is stale: run \`npm run docs\` and commit the result`);
      failed = true;
    } else {
      fs.writeFileSync(path.join(root, result.readme), result.generated);
      out(`docs: ${result.readme} updated`);
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf('--root');
  const unknown = args.filter((a, i) => a !== '--check' && a !== '--root' && (rootAt < 0 || i !== rootAt + 1));
  if (unknown.length || (rootAt >= 0 && !args[rootAt + 1])) {
    console.error('usage: tsx scripts/docs/generate.ts [--check] [--root DIR]');
    process.exit(2);
  }
  const root = rootAt >= 0 ? path.resolve(args[rootAt + 1]) : path.resolve(__dirname, '..', '..');
  process.exit(runDocs({ root, check: args.includes('--check') }));
}
