/**
 * npm run test:apply — every example stack of main.ts through the real AWS provider (built from source
 * by npm run provider) against moto: init from the local mirror, validate, plan, apply, a second plan,
 * the pipeline as deployed, destroy. What moto cannot do is excused only by test/apply/known-gaps.ts.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { findInstalledProvider } from '../../scripts/provider/install';
import { providerPaths } from '../../scripts/provider/pin';
import { DEAD_LETTER_ENV, TARGET_ENV } from '../../functions/shared/contract';
import { kinesisSourceFromMapping, lambdaApi, lambdaRuntimeEnv, loadDeployedHandler, localKinesisClient, zipDeployedAs, type KinesisHandler } from '../../tools/local-runner';
import { divertFunctionLogs } from '../e2e/pipeline';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startMoto, TEST_AWS_ENV, type MotoServer } from '../support/moto';
import { startOpenSearch, type OpenSearchNode } from '../support/opensearch';
import { PROJECT_ROOT } from '../support/shared';
import { allIndexedSources, deadLetterLines, groupsSubscribedTo, putEvents, putPoisonRecord, TOKEN, widenForMotoAuthorization, workAroundRuntimeGaps, zipsUnder } from './deployed';
import { motoIam, setMotoAuthorization } from './moto-iam';
import { authorizationOffFor, endpointReplacementGap, KNOWN_GAPS } from './known-gaps';
import { applyJudged, createLogGroups, destroyJudged, expectValid, planCreateOnly, secondPlanJudged } from './lifecycle';
import { managedResourceCount, preexistingLogGroups, servicesUsed, synthExampleApp, testVariables, type SynthStack } from './stack';
import { terraformEnv, terraformIn, writeMotoOverride, type Terraform } from './terraform';

const REGION = TEST_AWS_ENV.AWS_REGION;
const CREDENTIALS = { accessKeyId: TEST_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: TEST_AWS_ENV.AWS_SECRET_ACCESS_KEY };
const inCi = process.env.CI === 'true' || process.env.CI === '1';

// A process the runner started for one registry module's example runs none of the stacks.
if (!process.env.APPLY_MODULE) describe('terraform apply of every example stack against moto (AWS provider built from source)', function () {
  const found = findInstalledProvider(providerPaths());
  if ('missing' in found) {
    if (inCi) it('has the AWS provider built from source (CI never skips)', () => expect.fail(`${found.missing}: .ci/run runs npm run provider first`));
    // One visible pending line on a plain clone.
    else it.skip(`needs the AWS provider built from source: run \`npm run provider\` (${found.missing})`);
    return;
  }
  const app = synthExampleApp();
  let failures = 0;
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failures++;
  });
  after(() => {
    // Keep the folder (terraform-test.log, state) when something failed.
    if (failures === 0) rmSync(app.root, { recursive: true, force: true });
    else console.log(`      kept ${app.root} (terraform-test.log in each stack folder)`);
  });
  // APPLY_STACK=<name> runs one stack (all by default; CI runs all).
  const only = process.env.APPLY_STACK;
  if (only && !app.stacks.some((s) => s.name === only)) throw new Error(`APPLY_STACK=${only}: no such stack (${app.stacks.map((s) => s.name).join(', ')})`);
  for (const stack of app.stacks) if (!only || stack.name === only) describeStack(stack, found.cliConfig);
});

function describeStack(stack: SynthStack, cliConfig: string): void {
  describe(`stack ${stack.name}`, function () {
    let moto: MotoServer;
    let search: OpenSearchNode;
    let proxy: FaultProxy;
    let tf: Terraform;
    let s3: S3Client;
    let logs: CloudWatchLogsClient;
    let failedAddresses: string[] = [];
    // Keys the SigV4-verifying proxy accepts: the test's, then each function role's (added as the functions run).
    const proxyCredentials: Record<string, string> = { [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey };
    const expected = managedResourceCount(stack.json);

    before(async function () {
      this.timeout(300_000);
      Object.assign(process.env, TEST_AWS_ENV);
      [moto, search] = await Promise.all([startMoto(), startOpenSearch()]);
      // The functions' signed requests go through the SigV4-verifying proxy: a wrong signing service or region fails.
      proxy = await startFaultProxy({ upstream: search.endpoint, credentials: proxyCredentials, service: 'es', region: REGION });
      s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
      logs = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: REGION });
      writeMotoOverride(stack.dir, moto.endpoint, servicesUsed(stack.json));
      tf = terraformIn(stack.dir, terraformEnv(cliConfig, { ...TEST_AWS_ENV, AWS_DEFAULT_REGION: REGION }, testVariables(stack.json, proxy.endpoint)));
      await tf.run(['init', '-input=false', '-no-color']);
    });
    after(async function () {
      this.timeout(120_000);
      s3?.destroy();
      logs?.destroy();
      await proxy?.close();
      await Promise.all([moto?.stop(), search?.stop()]);
    });

    it('validates with no errors and no warnings', () => expectValid(tf));

    let planned = 0;
    it('plans to create exactly the managed resources of the synthesized JSON', async () => {
      planned = (await planCreateOnly(tf)).created.length;
      expect(planned).to.equal(expected);
    });

    it('applies against moto, failing only where moto has a known gap', async () => {
      // Given the log groups a deployment finds (the stack subscribes them, it does not create them)
      await createLogGroups(logs, preexistingLogGroups(stack.json));
      // When the saved plan is applied, then every error is a known moto gap, and everything else is in the state
      failedAddresses = await applyJudged(tf, planned);
    });

    it('plans no further change, but for what moto reads back differently (known gaps)', () => secondPlanJudged(tf, failedAddresses));

    const mappings = Object.keys(stack.json.resource?.aws_lambda_event_source_mapping ?? {}).length;
    if (mappings > 0)
      it('as deployed, with the roles terraform created: every log event put into a subscribed log group is indexed, a poison record is dead-lettered with its reason', async function () {
        this.timeout(600_000);
        // The test's own clients act as an administrator: with moto's authorization on, only the functions are confined to their roles.
        const iam = motoIam(moto.endpoint, CREDENTIALS);
        const admin = await iam.createAdmin('apply-test-admin');
        const lambda = lambdaApi(moto.endpoint, REGION, admin);
        const kinesis = localKinesisClient(moto.endpoint, REGION, admin);
        const sqs = new SQSClient({ endpoint: moto.endpoint, region: REGION, credentials: admin });
        const adminS3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true, credentials: admin });
        const adminLogs = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: REGION, credentials: admin });
        const functionLogs = divertFunctionLogs();
        try {
          // Given what moto would evaluate wrongly at run time set aside (known-gaps.ts, kind runtime)
          for (const change of await workAroundRuntimeGaps(adminS3, KNOWN_GAPS)) console.log(`      known gap (runtime): ${change}`);
          // And the Kinesis mappings, functions and code zips exactly as terraform created them in moto
          const kinesisMappings = (await lambda.listEventSourceMappings()).filter((m) => m.EventSourceArn.includes(':kinesis:'));
          expect(kinesisMappings, 'Kinesis event source mappings in moto').to.have.length.greaterThan(0);
          const zips = zipsUnder(stack.dir);
          for (const [m, mapping] of kinesisMappings.entries()) {
            const config = await lambda.getFunction(mapping.FunctionArn);
            const zip = zipDeployedAs(config, zips);
            // And the function running with its own role's credentials (its S3 and Logs calls authorized by moto against the role's policies)
            const roleName = config.Role.slice(config.Role.lastIndexOf('/') + 1);
            const authorizationOff = authorizationOffFor(config.Environment?.Variables);
            if (authorizationOff) console.log(`      known gap (runtime) ${authorizationOff.id}: ${config.FunctionName} runs with moto's authorization off`);
            else for (const change of await widenForMotoAuthorization(iam, roleName, KNOWN_GAPS)) console.log(`      known gap (runtime): ${change}`);
            const role = await iam.assumeRole(config.Role, config.FunctionName);
            proxyCredentials[role.accessKeyId] = role.secretAccessKey;
            const env: Record<string, string> = { ...config.Environment?.Variables, ...lambdaRuntimeEnv(config, REGION, role), AWS_ENDPOINT_URL: moto.endpoint };
            // And, where the stack created its own domain (moto runs no cluster), the local node in its place
            const deployedEndpoint = env[TARGET_ENV.endpoint];
            const replacement = deployedEndpoint !== undefined && deployedEndpoint !== proxy.endpoint ? endpointReplacementGap() : undefined;
            if (replacement) {
              console.log(`      known gap (runtime) ${replacement.id}: ${config.FunctionName} ${TARGET_ENV.endpoint} ${deployedEndpoint} → the local node`);
              env[TARGET_ENV.endpoint] = proxy.endpoint;
            }
            const handler = loadDeployedHandler<KinesisHandler>(zip.bytes, config.Handler, join(PROJECT_ROOT, '.build', 'apply', config.FunctionName), env);
            const source = await kinesisSourceFromMapping({ mapping, config, handler, kinesis, sqs: { client: sqs, endpoint: moto.endpoint }, region: REGION, overrides: { idlePollMs: 100 } });
            // And the log groups whose subscription filters terraform pointed at the mapping's stream (pre-created or the stack's own)
            const groups = await groupsSubscribedTo(adminLogs, mapping.EventSourceArn);
            expect(groups, `log groups subscribed to ${mapping.EventSourceArn}`).to.have.length.greaterThan(0);
            // When events go into those groups (moto delivers them to the stream), plus one poison record
            const tokens = await putEvents(adminLogs, groups, 20, m);
            await putPoisonRecord(kinesis, mapping.EventSourceArn);
            if (!authorizationOff) await setMotoAuthorization(moto.endpoint, true);
            try {
              source.start();
              await source.waitUntilDrained({ quietMs: 3_000, timeoutMs: 300_000 });
              await source.stop();
            } finally {
              await setMotoAuthorization(moto.endpoint, false);
            }
            // Then each event is indexed exactly once in the local OpenSearch
            const counts = new Map<string, number>();
            for (const doc of await allIndexedSources(search.endpoint))
              // A JSON event carries its token twice (raw message and parsed field): count documents, not mentions
              for (const t of new Set(JSON.stringify(doc.source).match(TOKEN) ?? [])) counts.set(t, (counts.get(t) ?? 0) + 1);
            const missing = tokens.filter((t) => counts.get(t) !== 1);
            const why = `runner ${JSON.stringify(source.stats)}, ${source.onFailureRecords.length} batches discarded to the on-failure queue; function logs: ${functionLogs.file}`;
            expect(missing, `events not indexed exactly once (${why})`).to.deep.equal([]);
            // And the poison record is in the dead-letter bucket terraform created, with a reason
            const bucket = config.Environment?.Variables?.[DEAD_LETTER_ENV.deadLetterBucket];
            expect(bucket, `${config.FunctionName} has ${DEAD_LETTER_ENV.deadLetterBucket}`).to.be.a('string');
            const lines = await deadLetterLines(adminS3, bucket!);
            expect(lines, `dead letters: ${lines.map((l) => `${l.entry.kind}: ${String(l.entry.reason).slice(0, 120)}`).join('; ')}`).to.have.length(1);
            expect(lines[0].entry.reason).to.be.a('string').and.not.equal('');
            // And nothing was discarded to the on-failure destination
            expect(source.onFailureRecords).to.deep.equal([]);
            console.log(`      ${config.FunctionName} (as ${roleName}${authorizationOff ? ', authorization off' : ', authorized by moto'}): ${tokens.length} events from ${groups.length} log groups indexed, 1 poison record dead-lettered (${lines[0].entry.kind}: ${String(lines[0].entry.reason).slice(0, 80)})`);
          }
        } finally {
          await setMotoAuthorization(moto.endpoint, false);
          functionLogs.restore();
          kinesis.destroy();
          sqs.destroy();
          adminS3.destroy();
          adminLogs.destroy();
        }
      });

    it('destroys everything it created', () => destroyJudged(tf, s3));
  });
}
