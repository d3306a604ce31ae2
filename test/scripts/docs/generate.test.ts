import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { generateReadme, runDocs } from '../../../scripts/docs/generate';
import { InputRow, inputRows } from '../../../scripts/docs/inputs';
import { cell, code, defaultCell, inputsTable, outputsTable } from '../../../scripts/docs/markdown';
import { outputRows, propertyRows } from '../../../scripts/docs/outputs';
import { Found, SourceIndex } from '../../../scripts/docs/source';

const PROJECT = resolve(__dirname, '../../..');
const FIXTURE = join(__dirname, 'fixture');
const DEMO = join(FIXTURE, 'modules/demo');

function declaration<N extends ts.Node>(index: SourceIndex, file: string, name: string): Found<N> {
  const found = index.lookupExport(name, index.file(file) as ts.SourceFile);
  if (!found) throw new Error(`${name} not found in ${file}`);
  return found as unknown as Found<N>;
}

/** Runs `test` on a scratch copy of the fixture project, removed afterwards. */
function inScratchProject(test: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'docs-generator-'));
  try {
    cpSync(FIXTURE, root, { recursive: true });
    test(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function capture(): { out: string[]; err: string[]; log: { out: (l: string) => void; err: (l: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, log: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

describe('docs generator (scripts/docs)', () => {
  it('renders the inputs table of a props interface from its TSDoc, nested options expanded across files', () => {
    // Given DemoProps: an inherited prop, options from modules/common, an array of interfaces,
    // an alias of literals, an object-or-false union, a deprecated prop, a recursive type,
    // an alias through a namespace import, a Partial<Omit<…>> and an import type
    const index = new SourceIndex();
    const props = declaration<ts.InterfaceDeclaration>(index, join(DEMO, 'props.ts'), 'DemoProps');
    // When its inputs table is rendered
    const table = inputsTable(inputRows(index, props));
    // Then every prop and nested field has one row, in declaration order, pipes escaped
    expect(table).to.equal(
      [
        '| Name | Type | Default | Description |',
        '|---|---|---|---|',
        '| `name` | `string` | required | Names every resource. |',
        '| `target` | `TargetOptions` | required | Where to send. |',
        '| `target.endpoint` | `string` | required | HTTPS endpoint, e.g. `https://search-x`. |',
        "| `target.service` | `'es' \\| 'aoss'` | `'es'` |  |",
        '| `rules` | `Rule[]` | none | Rules, first match wins. |',
        '| `rules[].pattern` | `string` | required | Glob of log group names, `a\\|b` alternatives. |',
        "| `rules[].prefix` | `string` | `'x'` |  |",
        "| `level` | `'INFO' \\| 'DEBUG'` | `'INFO'` |  |",
        '| `alarms` | `{ topicArn? } \\| false` | on | `false` turns alarms off. |',
        '| `alarms.topicArn` | `string` | – |  |',
        '| `retentionSeconds` | `number` | `21600` (6 h) | Retention, hours. |',
        '| `tags` | `Record<string, string>` | – |  |',
        '| `endpoint` | `string` | – | Deprecated: use `target` |',
        '| `tree` | `TreeNode` | – |  |',
        '| `tree.label` | `string` | – |  |',
        '| `tree.child` | `TreeNode` | – |  |',
        '| `conditions` | `Record<string, string[]>` | – | Conditions, through a namespace import. |',
        "| `fallback` | `Partial<Omit<common.TargetOptions, 'service'>>` | – | A target with every field optional and one left out. |",
        '| `fallback.endpoint` | `string` | – | HTTPS endpoint, e.g. `https://search-x`. |',
        '| `backup` | `TargetOptions[]` | – | Through an import type. |',
        '| `backup[].endpoint` | `string` | required | HTTPS endpoint, e.g. `https://search-x`. |',
        "| `backup[].service` | `'es' \\| 'aoss'` | `'es'` |  |",
      ].join('\n'),
    );
  });

  it('stops expanding nested options at the depth bound', () => {
    // Given a chain of five nested option interfaces
    const dir = mkdtempSync(join(tmpdir(), 'docs-depth-'));
    try {
      const chain = ['A', 'B', 'C', 'D', 'E'].map((n, i, all) => `export interface ${n} { readonly ${n.toLowerCase()}?: ${all[i + 1] ?? 'string'}; }`);
      writeFileSync(join(dir, 'props.ts'), `${chain.join('\n')}\nexport interface ChainProps { readonly a?: A; }\n`);
      const index = new SourceIndex();
      // When its rows are listed
      const names = inputRows(index, declaration(index, join(dir, 'props.ts'), 'ChainProps')).map((r: InputRow) => r.name);
      // Then four levels are expanded and the fifth is shown by its type only
      expect(names).to.deep.equal(['a', 'a.a', 'a.a.b', 'a.a.b.c']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the outputs made directly, through local and shared helpers and in called functions, and the public properties', () => {
    // Given the Demo construct
    const index = new SourceIndex();
    const cls = declaration<ts.ClassDeclaration>(index, join(DEMO, 'index.ts'), 'Demo');
    // When its outputs table is rendered
    const table = outputsTable('Demo', outputRows(index, cls), propertyRows(index, cls));
    // Then each output appears once in source order, with the public property it mirrors (also as
    // `scope.x` in a function taking the construct), and private members stay out
    expect(table).to.equal(
      [
        '| Terraform output | Property | Description |',
        '|---|---|---|',
        '| `<id>_stream_arn` | `streamArn` | Stream \\| ARN |',
        '| `<id>_name` | – | The name |',
        '| `<id>_kms_key_arn` | `kmsKeyArn` | Key of everything |',
        '| `<id>_topic_arn` | `topicArn` | Alarm topic |',
        '',
        'Properties of `Demo`:',
        '',
        '| Property | Type | Description |',
        '|---|---|---|',
        '| `streamArn` | `string` | Stream the logs go to. |',
        '| `kmsKeyArn` | `string` |  |',
        '| `topicArn` | `string \\| undefined` | Set when alarms are on. |',
      ].join('\n'),
    );
  });

  it('puts the generated blocks in place of the hand-written tables and keeps the prose', () => {
    // Given the fixture README with hand-written Inputs and Outputs tables and no markers
    const before = readFileSync(join(DEMO, 'README.md'), 'utf8');
    // When it is generated
    const { generated } = generateReadme(FIXTURE, DEMO);
    // Then the tables are replaced by marked blocks, and every other line is kept in order
    expect(generated).to.not.include('hand-written');
    const kept = before.split('\n').filter((l) => !l.startsWith('|'));
    const generatedLines = generated.split('\n');
    let at = 0;
    for (const line of kept) {
      const found = generatedLines.indexOf(line, at);
      expect(found, `kept line "${line}"`).to.be.at.least(at);
      at = found + 1;
    }
    const inputs = generated.indexOf('<!-- BEGIN GENERATED: inputs -->');
    const outputs = generated.indexOf('<!-- BEGIN GENERATED: outputs -->');
    expect(inputs).to.be.greaterThan(generated.indexOf('Every input is validated.'));
    expect(inputs).to.be.lessThan(generated.indexOf('Errors start with `Demo:`.'));
    expect(outputs).to.be.greaterThan(generated.indexOf('## Outputs'));
    expect(outputs).to.be.lessThan(generated.indexOf('Terraform outputs are named'));
    expect(generated).to.include('<!-- END GENERATED: inputs -->\n\nErrors start with');
  });

  it('--check fails naming a stale README and passes after generation', () => {
    inScratchProject((root) => {
      // Given a module README that was never generated
      const first = capture();
      // When the check runs, Then it fails and names the README
      expect(runDocs({ root, check: true, ...first.log })).to.equal(1);
      expect(first.err).to.deep.equal(['docs: modules/demo/README.md is stale: run `npm run docs` and commit the result']);
      const untouched = readFileSync(join(DEMO, 'README.md'), 'utf8');
      expect(readFileSync(join(root, 'modules/demo/README.md'), 'utf8')).to.equal(untouched);
      // When the README is generated, Then the check passes and a second generation changes nothing
      expect(runDocs({ root, check: false, ...capture().log })).to.equal(0);
      const generated = readFileSync(join(root, 'modules/demo/README.md'), 'utf8');
      const second = capture();
      expect(runDocs({ root, check: true, ...second.log })).to.equal(0);
      expect(second.out).to.deep.equal(['docs: modules/demo/README.md is current']);
      expect(runDocs({ root, check: false, ...capture().log })).to.equal(0);
      expect(readFileSync(join(root, 'modules/demo/README.md'), 'utf8')).to.equal(generated);
      // When a prop's TSDoc changes, Then the README is stale again
      const propsFile = join(root, 'modules/demo/props.ts');
      writeFileSync(propsFile, readFileSync(propsFile, 'utf8').replace('Where to send.', 'Where documents go.'));
      const third = capture();
      expect(runDocs({ root, check: true, ...third.log })).to.equal(1);
      expect(third.err).to.deep.equal(['docs: modules/demo/README.md is stale: run `npm run docs` and commit the result']);
    });
  });

  it('exits non-zero from the command line when a README is stale', function () {
    // Three child processes that load TypeScript: tens of seconds on a loaded 2-core machine.
    this.timeout(180_000);
    inScratchProject((root) => {
      // Given a stale README, When `generate.ts --check` runs as CI runs it
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['--require', 'tsx/cjs', join(PROJECT, 'scripts/docs/generate.ts'), ...args, '--root', root], { cwd: PROJECT, encoding: 'utf8' });
      const stale = run('--check');
      // Then it exits 1 naming the README; after `generate.ts` it exits 0
      expect(stale.status, stale.stderr).to.equal(1);
      expect(stale.stderr).to.include('modules/demo/README.md is stale');
      expect(run().status).to.equal(0);
      const current = run('--check');
      expect(current.status, current.stderr).to.equal(0);
    });
  });

  it('renders named and defaults markers, and fails on a marker naming nothing', () => {
    inScratchProject((root) => {
      // Given a README asking for the defaults of the module's construct and the inputs of an interface by name
      const readme = join(root, 'modules/demo/README.md');
      const markers = (kind: string) => `<!-- BEGIN GENERATED: ${kind} -->\n<!-- END GENERATED: ${kind} -->`;
      writeFileSync(readme, `# demo\n\n${markers('defaults')}\n\n${markers('inputs Rule')}\n`);
      // When it is generated
      const { generated, errors } = generateReadme(root, join(root, 'modules/demo'));
      // Then the defaults block lists the inputs that have a default, and the named block that interface
      expect(errors).to.deep.equal([]);
      expect(generated).to.include(
        ['| Input | Default |', '|---|---|', "| `target.service` | `'es'` |", '| `rules` | none |', "| `rules[].prefix` | `'x'` |", "| `level` | `'INFO'` |"].join('\n'),
      );
      expect(generated).to.include(
        ['<!-- BEGIN GENERATED: inputs Rule -->', '<!-- Generated by `npm run docs` from the TSDoc of `Rule` (modules/demo/props.ts): edit the source, not this block. -->', '| Name | Type | Default | Description |'].join('\n'),
      );
      // Given a marker naming something the module does not export, Then generation reports it and fails
      writeFileSync(readme, `# demo\n\n${markers('inputs Nothing')}\n`);
      const run = capture();
      expect(runDocs({ root, check: false, ...run.log })).to.equal(1);
      expect(run.err[0]).to.equal('docs: modules/demo/README.md: marker "inputs Nothing": Nothing is not a class or interface exported by modules/demo/index.ts');
    });
  });

  it('warns about an output whose id is not a string literal, and still lists it', () => {
    inScratchProject((root) => {
      // Given a construct creating outputs in a loop
      const file = join(root, 'modules/demo/outputs.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace("new TerraformOutput(scope, 'topic_arn'", "for (const oid of ['topic_arn']) new TerraformOutput(scope, oid"));
      // When the README is generated
      const { generated, problems } = generateReadme(root, join(root, 'modules/demo'));
      // Then the output is listed as written and the generator says why
      expect(generated).to.include('| `<id>_oid` | `topicArn` | Alarm topic |');
      expect(problems.map((p) => p.message)).to.deep.equal(['Demo: output id `oid` is not a string literal; the table shows it as written']);
    });
  });

  it('escapes table cells and formats defaults', () => {
    expect(cell('a | b \\| c\nd')).to.equal('a \\| b \\| c d');
    expect(code('x')).to.equal('`x`');
    expect(code('a`b')).to.equal('`` a`b ``');
    expect(defaultCell('24')).to.equal('`24`');
    expect(defaultCell("'es'")).to.equal("`'es'`");
    expect(defaultCell('21600 (6 h)')).to.equal('`21600` (6 h)');
    expect(defaultCell('5 MiB (below the limit)')).to.equal('5 MiB (below the limit)');
    expect(defaultCell('`<name>-shipper`')).to.equal('`<name>-shipper`');
  });

  it('finds the module READMEs of this repository current (npm run docs:check)', () => {
    // Given this checkout, When the check runs, Then every module README matches its sources
    const run = capture();
    const code = runDocs({ root: PROJECT, check: true, ...run.log });
    expect(run.err.filter((l) => !l.startsWith('docs: warning:')), 'run `npm run docs`').to.deep.equal([]);
    expect(code).to.equal(0);
  });

  it('reads no README outside modules/<name>/ and functions/<name>/ and skips folders without one', () => {
    // Given a project whose modules/common and functions/* have no README, and a README elsewhere
    inScratchProject((root) => {
      mkdirSync(join(root, 'modules/empty'));
      writeFileSync(join(root, 'README.md'), '<!-- BEGIN GENERATED: env demo -->\n<!-- END GENERATED: env demo -->\n');
      const run = capture();
      // When the docs are generated, Then only modules/demo is written
      expect(runDocs({ root, check: false, ...run.log })).to.equal(0);
      expect(run.out).to.deep.equal(['docs: modules/demo/README.md updated']);
      // Given a function README, Then it is read after the modules, and only its marked blocks change
      writeFileSync(join(root, 'functions/demo/README.md'), '# demo function\n\n## Inputs\n\nnone\n');
      const again = capture();
      expect(runDocs({ root, check: false, ...again.log })).to.equal(0);
      expect(again.out).to.deep.equal(['docs: modules/demo/README.md is current', 'docs: functions/demo/README.md is current']);
    });
  });

  describe('env marker: a function\'s environment from its contract', () => {
    const markers = (kind: string) => `<!-- BEGIN GENERATED: ${kind} -->\n<!-- END GENERATED: ${kind} -->`;
    const DEMO_ENV_TABLE = [
      '| Variable | Default | Meaning |',
      '|---|---|---|',
      '| `DEMO_ENDPOINT` | required | Where to send. |',
      '| `DEMO_MAX_BYTES` | `5242880` (5 MiB) | Request body cap, bytes, at most 104,857,600. |',
      '| `DEMO_INDEX_PREFIX` | `demo` | Index prefix, `a\\|b` escaped. |',
      '| `DEMO_MARGIN_MS` | `3000` | Margin, ms. |',
      '| `DEMO_GZIP` | `false` | Gzip bodies. |',
      '| `DEMO_RULES` | none | Extra rules, JSON. |',
    ].join('\n');

    it('renders name, default (same key of *_DEFAULTS, computed) and meaning (TSDoc), spreads followed, in a function and a module README', () => {
      inScratchProject((root) => {
        // Given the demo function's README asking for its own environment, and the demo module's naming the function
        writeFileSync(join(root, 'functions/demo/README.md'), `# demo function\n\n${markers('env')}\n\nAlso AWS_REGION.\n`);
        writeFileSync(join(root, 'modules/demo/README.md'), `# demo\n\n## The function\n\n${markers('env demo')}\n`);
        // When the docs are generated
        const run = capture();
        expect(runDocs({ root, check: false, ...run.log }), run.err.join('\n')).to.equal(0);
        // Then both hold the same table: the shared keys first, defaults matched by key and computed
        // (`5 * 1024 * 1024` through a constant's property, a constant, a numeric separator), else the key's @default tag;
        // `{@value LIMITS.bytes.max}` in a TSDoc is the constant's value
        const fnReadme = readFileSync(join(root, 'functions/demo/README.md'), 'utf8');
        expect(fnReadme).to.equal(
          [
            '# demo function',
            '',
            '<!-- BEGIN GENERATED: env -->',
            '<!-- Generated by `npm run docs` from the TSDoc and defaults of functions/demo/contract.ts: edit the source, not this block. -->',
            DEMO_ENV_TABLE,
            '<!-- END GENERATED: env -->',
            '',
            'Also AWS_REGION.',
            '',
          ].join('\n'),
        );
        expect(readFileSync(join(root, 'modules/demo/README.md'), 'utf8')).to.include(`<!-- BEGIN GENERATED: env demo -->\n<!-- Generated by \`npm run docs\` from the TSDoc and defaults of functions/demo/contract.ts: edit the source, not this block. -->\n${DEMO_ENV_TABLE}\n`);
        // When a default changes in the contract, Then the check names both READMEs stale
        const contract = join(root, 'functions/demo/contract.ts');
        writeFileSync(contract, readFileSync(contract, 'utf8').replace('marginMs: 3_000', 'marginMs: 2 * 2_500'));
        const check = capture();
        expect(runDocs({ root, check: true, ...check.log })).to.equal(1);
        expect(check.err.filter((l) => l.includes('stale'))).to.have.length(2);
        expect(generateReadme(root, join(root, 'functions/demo')).generated).to.include('| `DEMO_MARGIN_MS` | `5000` | Margin, ms. |');
      });
    });

    it('fails naming a default without a variable, a variable without TSDoc, an unknown {@value}, and a marker naming no function', () => {
      inScratchProject((root) => {
        // Given a contract whose defaults hold a key the environment lacks, a key without TSDoc, and a TSDoc naming no constant
        const contract = join(root, 'functions/demo/contract.ts');
        writeFileSync(
          contract,
          readFileSync(contract, 'utf8')
            .replace('  gzip: false,\n} as const;', '  gzip: false,\n  retries: 3,\n} as const;')
            .replace('  /** Gzip bodies. */\n', '')
            .replace('Margin, ms.', 'Margin, ms, at most {@value MAX_MARGIN}.'),
        );
        writeFileSync(join(root, 'functions/demo/README.md'), markers('env'));
        // When the function README is generated, Then each problem is named and the block is left alone
        const fn = generateReadme(root, join(root, 'functions/demo'));
        expect(fn.generated).to.equal(markers('env'));
        expect(fn.errors).to.deep.equal([
          'functions/demo/README.md: marker "env": functions/demo/contract.ts: DEMO_ENV.marginMs: {@value MAX_MARGIN} is not a constant the generator can compute',
          'functions/demo/README.md: marker "env": functions/demo/contract.ts: DEMO_ENV.gzip (DEMO_GZIP) has no TSDoc: say what the variable means',
          'functions/demo/README.md: marker "env": functions/demo/contract.ts: DEMO_DEFAULTS.retries matches no key of DEMO_ENV',
        ]);
        // Given a module README with `env` naming no function, or a function without a contract, Then generation fails naming it
        writeFileSync(join(root, 'modules/demo/README.md'), `${markers('env')}\n${markers('env nothing')}\n`);
        const mod = generateReadme(root, join(root, 'modules/demo'));
        expect(mod.errors).to.deep.equal([
          'modules/demo/README.md: marker "env": name the function (`env <name>`) outside functions/<name>/',
          'modules/demo/README.md: marker "env nothing": no functions/nothing/contract.ts',
        ]);
        // Given the shared contract, which declares two environment objects, Then the marker must name one
        writeFileSync(join(root, 'modules/demo/README.md'), `${markers('env shared')}\n${markers('env shared TARGET_ENV')}\n`);
        const shared = generateReadme(root, join(root, 'modules/demo'));
        expect(shared.errors).to.deep.equal([]);
        expect(shared.generated).to.include('| `DEMO_ENDPOINT` | required | Where to send. |');
      });
    });
  });
});
