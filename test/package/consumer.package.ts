import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/shared';

/**
 * The npm library as a consumer meets it: `npm pack` (prepack builds dist/), the tarball installed
 * into a fresh cdktf app that brings its own cdktf, constructs and provider (peer dependencies),
 * and a stack with every construct synthesized by plain node — no tsx, no esbuild, no sources.
 */
const own = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; devDependencies: Record<string, string> };
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } });

const CONSUMER_APP = `
const { App, TerraformStack, TerraformVariable } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { LogPipeline } = require('${own.name}/log-pipeline');
const { ElbProcessor } = require('${own.name}/elb-processor');
const app = new App({ outdir: 'cdktf.out' });
const stack = new TerraformStack(app, 'consumer');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
const endpoint = new TerraformVariable(stack, 'endpoint', { type: 'string' }).stringValue;
const opensearch = { endpoint, domainArn: 'arn:aws:es:eu-west-1:123456789012:domain/logs' };
new LogPipeline(stack, 'logs', { name: 'consumer-logs', logGroupNames: ['/aws/lambda/app'], opensearch });
new ElbProcessor(stack, 'elb', { name: 'consumer-elb', opensearch, processor: { bundleAwsSdk: true } });
app.synth();
`;

describe('npm package: a consumer app installs the tarball and synthesizes every construct', function () {
  this.timeout(900_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lto-consumer-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('packs, installs with the consumer\'s own peers, and synthesizes with the shipped zips', () => {
    // Given the packed library (what prepack does: build dist/ and the function zips, then pack)
    npm(['run', 'build'], PROJECT_ROOT);
    const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', dir], PROJECT_ROOT)) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).to.include.members(['dist/modules/index.js', 'dist/modules/index.d.ts', 'dist/assets/functions/shipper.zip', 'dist/assets/functions/elb-processor-with-sdk.zip']);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'TypeScript sources in the package').to.deep.equal([]);
    // And a consumer app with its own cdktf, constructs and provider
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    const peers = ['cdktf', 'constructs', '@cdktf/provider-aws'];
    writeFileSync(join(app, 'package.json'), JSON.stringify({
      name: 'consumer', private: true,
      dependencies: { [own.name]: `file:${join(dir, packed[0]!.filename)}`, ...Object.fromEntries(peers.map((p) => [p, own.devDependencies[p]])) },
    }));
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
    writeFileSync(join(app, 'main.js'), CONSUMER_APP);
    // When it synthesizes with plain node
    const r = spawnSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    // Then the stack holds both constructs' functions, deployed from the zips the package ships
    const tf = JSON.parse(readFileSync(join(app, 'cdktf.out', 'stacks', 'consumer', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(tf.resource.aws_lambda_function).sort()).to.deep.equal(['elb_processor_function', 'logs_shipper_function']);
    const shipped = (name: string) => readFileSync(join(app, 'node_modules', own.name, 'dist', 'assets', 'functions', `${name}.zip`));
    const hash = (b: Buffer) => require('node:crypto').createHash('sha256').update(b).digest('base64');
    expect(tf.resource.aws_lambda_function.logs_shipper_function.source_code_hash).to.equal(hash(shipped('shipper')));
    expect(tf.resource.aws_lambda_function.elb_processor_function.source_code_hash).to.equal(hash(shipped('elb-processor-with-sdk')));
    // And the consumer needed no esbuild, and synth wrote nothing inside node_modules
    expect(existsSync(join(app, 'node_modules', 'esbuild'))).to.equal(false);
    expect(readdirSync(join(app, 'node_modules', own.name)).sort()).to.deep.equal(readdirSync(join(app, 'node_modules', own.name)).filter((f) => f !== '.build').sort());
    expect(existsSync(join(app, 'node_modules', own.name, '.build'))).to.equal(false);
    // And only one copy of constructs exists (two would break the construct tree)
    const copies = execFileSync('find', [join(app, 'node_modules'), '-name', 'package.json', '-path', '*/constructs/package.json', '-not', '-path', '*/node_modules/*/node_modules/*/node_modules/*'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    expect(copies).to.have.length(1);
  });
});
