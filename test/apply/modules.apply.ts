/**
 * npm run test:apply, second half: every Terraform registry module (npm run build:modules) through
 * its own `examples/complete` — what a registry user runs — with the real AWS provider against moto:
 * init from the local mirror, validate, plan, apply, a second plan, destroy. What moto cannot do is
 * excused only by test/apply/known-gaps.ts.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModules } from '../../scripts/modules/build';
import { moduleDirs } from '../../scripts/modules/check';
import { findInstalledProvider } from '../../scripts/provider/install';
import { providerPaths } from '../../scripts/provider/pin';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../support/moto';
import { applyJudged, createLogGroups, destroyJudged, expectValid, planCreateOnly, secondPlanJudged } from './lifecycle';
import { declaredResources, plannedBlocks, subscribedNotCreated } from './module-example';
import { servicesFor } from './stack';
import { terraformEnv, terraformIn, writeMotoOverride, type PlanJson, type Terraform } from './terraform';

const REGION = TEST_AWS_ENV.AWS_REGION;
const inCi = process.env.CI === 'true' || process.env.CI === '1';

// A process the runner started for one example stack runs none of the modules.
if (!process.env.APPLY_STACK)
  describe("terraform apply of every registry module's examples/complete against moto (AWS provider built from source)", function () {
    const found = findInstalledProvider(providerPaths());
    if ('missing' in found) {
      if (inCi) it('has the AWS provider built from source (CI never skips)', () => expect.fail(`${found.missing}: .ci/run runs npm run provider first`));
      else it.skip(`needs the AWS provider built from source: run \`npm run provider\` (${found.missing})`);
      return;
    }
    // APPLY_MODULE=<name> runs one module; APPLY_MODULES_DIR reuses modules already built (the runner builds them once).
    const only = process.env.APPLY_MODULE;
    const given = process.env.APPLY_MODULES_DIR;
    const root = given ?? mkdtempSync(join(tmpdir(), 'lto-apply-modules-'));
    if (!given) buildModules(root, only ? [only] : []);
    const dirs = moduleDirs(root).filter((d) => !only || d.endsWith(`/terraform-aws-${only}`));
    if (only && dirs.length === 0) throw new Error(`APPLY_MODULE=${only}: no module terraform-aws-${only} in ${root}`);
    let failures = 0;
    afterEach(function () {
      if (this.currentTest?.state === 'failed') failures++;
    });
    after(() => {
      if (!given && failures === 0) rmSync(root, { recursive: true, force: true });
    });
    for (const dir of dirs) describeModuleExample(dir, found.cliConfig, () => failures);
  });

function describeModuleExample(moduleDir: string, cliConfig: string, failures: () => number): void {
  const name = moduleDir.slice(moduleDir.lastIndexOf('/') + 1);
  describe(`${name}: examples/complete`, function () {
    const resources = declaredResources(readFileSync(join(moduleDir, 'main.tf'), 'utf8'));
    let work: string;
    let moto: MotoServer;
    let tf: Terraform;
    let s3: S3Client;
    let logs: CloudWatchLogsClient;
    let plan: PlanJson;
    let planned = 0;
    let failedAddresses: string[] = [];

    before(async function () {
      this.timeout(300_000);
      Object.assign(process.env, TEST_AWS_ENV);
      moto = await startMoto();
      // A copy, so .terraform/ and the state never land in the built module.
      work = mkdtempSync(join(tmpdir(), `lto-apply-${name}-`));
      cpSync(moduleDir, join(work, name), { recursive: true });
      const dir = join(work, name, 'examples', 'complete');
      s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
      logs = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: REGION });
      writeMotoOverride(dir, moto.endpoint, servicesFor([...new Set(resources.map((r) => r.type))]));
      tf = terraformIn(dir, terraformEnv(cliConfig, { ...TEST_AWS_ENV, AWS_DEFAULT_REGION: REGION }, {}));
      await tf.run(['init', '-input=false', '-no-color']);
    });
    after(async function () {
      this.timeout(120_000);
      s3?.destroy();
      logs?.destroy();
      await moto?.stop();
      if (failures() === 0) rmSync(work, { recursive: true, force: true });
      else console.log(`      kept ${work} (terraform-test.log in examples/complete)`);
    });

    it('validates with no errors and no warnings', () => expectValid(tf));

    it('plans to create every resource block the module declares, and nothing else', async () => {
      const result = await planCreateOnly(tf);
      plan = result.plan;
      planned = result.created.length;
      const declared = resources.filter((r) => r.kind === 'resource').map((r) => `${r.type}.${r.name}`).sort();
      expect(plannedBlocks(result.created)).to.deep.equal(declared);
    });

    it('applies against moto, failing only where moto has a known gap', async () => {
      // Given the log groups the example subscribes without creating them (a deployment finds them)
      await createLogGroups(logs, subscribedNotCreated(plan));
      failedAddresses = await applyJudged(tf, planned);
    });

    it('plans no further change, but for what moto reads back differently (known gaps)', () => secondPlanJudged(tf, failedAddresses));

    it('destroys everything it created', () => destroyJudged(tf, s3));
  });
}
