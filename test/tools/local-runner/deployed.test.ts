import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { codeSha256, lambdaRuntimeEnv, loadDeployedHandler, zipDeployedAs, type FunctionConfiguration } from '../../../tools/local-runner';
import { PROJECT_ROOT } from '../../support/shared';

const zipOf = (files: Record<string, string>) => Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))));

const config = (over: Partial<FunctionConfiguration>): FunctionConfiguration => ({
  FunctionName: 'f',
  FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:f',
  Handler: 'index.handler',
  Timeout: 60,
  Role: 'arn:aws:iam::123456789012:role/r',
  CodeSha256: '',
  ...over,
});

describe('local runner: functions as deployed (tools/local-runner/deployed.ts)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const unpackDir = () => {
    // Inside the project, where Node finds the packages the Lambda runtime would provide
    mkdirSync(join(PROJECT_ROOT, '.build'), { recursive: true });
    const d = mkdtempSync(join(PROJECT_ROOT, '.build', 'test-deployed-'));
    dirs.push(d);
    return d;
  };

  it('picks the zip whose SHA-256 is the CodeSha256 Lambda reports, and refuses when none matches', () => {
    // Given two candidate zips and a function deployed from the second
    const dir = mkdtempSync(join(tmpdir(), 'lto-zips-'));
    dirs.push(dir);
    const a = join(dir, 'a.zip');
    const b = join(dir, 'b.zip');
    writeFileSync(a, zipOf({ 'index.js': 'exports.handler = async () => "a";' }));
    writeFileSync(b, zipOf({ 'index.js': 'exports.handler = async () => "b";' }));
    const deployed = config({ CodeSha256: codeSha256(zipOf({ 'index.js': 'exports.handler = async () => "b";' })) });
    // Then the second is found, and a function deployed from neither fails with its hash
    expect(zipDeployedAs(deployed, [a, b]).path).to.equal(b);
    expect(() => zipDeployedAs(config({ CodeSha256: 'nope' }), [a, b])).to.throw('f: none of 2 zips has the deployed CodeSha256 nope');
  });

  it("loads the zip's handler with the deployed environment, one function's environment at a time", async () => {
    // Given a bundle that reports two variables at call time
    const zip = zipOf({ 'lib/main.js': 'exports.run = async () => ({ name: process.env.FN_NAME_VAR ?? null, only: process.env.FN_ONLY_FIRST ?? null });' });
    // When it is loaded first with two variables, then again with one
    const first = loadDeployedHandler<() => Promise<unknown>>(zip, 'lib/main.run', unpackDir(), { FN_NAME_VAR: 'one', FN_ONLY_FIRST: 'x' });
    expect(await first()).to.deep.equal({ name: 'one', only: 'x' });
    const second = loadDeployedHandler<() => Promise<unknown>>(zip, 'lib/main.run', unpackDir(), { FN_NAME_VAR: 'two' });
    // Then the second sees only its own environment, as a separate Lambda container would
    expect(await second()).to.deep.equal({ name: 'two', only: null });
  });

  it('refuses a handler the zip does not export and a zip entry that leaves the folder', () => {
    const zip = zipOf({ 'index.js': 'exports.other = () => 1;' });
    expect(() => loadDeployedHandler(zip, 'index.handler', unpackDir(), {})).to.throw('exports no function handler');
    expect(() => loadDeployedHandler(zip, 'nodot', unpackDir(), {})).to.throw('Handler nodot is not <file>.<export>');
    expect(() => loadDeployedHandler(zipOf({ '../escape.js': 'x' }), 'index.handler', unpackDir(), {})).to.throw('leaves');
  });

  it('sets the variables the Lambda runtime provides from the function configuration', () => {
    const env = lambdaRuntimeEnv(config({ MemorySize: 512, Runtime: 'nodejs22.x', LoggingConfig: { LogGroup: '/custom/group' } }), 'eu-west-1', { accessKeyId: 'AK', secretAccessKey: 'SK' });
    expect(env).to.deep.equal({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'f',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/custom/group',
      AWS_LAMBDA_LOG_STREAM_NAME: 'local-runner',
      AWS_ACCESS_KEY_ID: 'AK',
      AWS_SECRET_ACCESS_KEY: 'SK',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    });
  });
});
