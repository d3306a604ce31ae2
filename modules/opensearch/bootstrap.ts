import { Construct } from 'constructs';
import { Fn, Lazy, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { BOOTSTRAP_ENV, validateDesiredState, type DesiredState } from '../../functions/opensearch-bootstrap/contract';
import { canonicalJson, contentHash } from '../../functions/opensearch-bootstrap/core/state';
import { BUNDLED_FUNCTION_DEFAULTS, BundledFunction, type FunctionOptions } from '../common/bundled-function';
import { createEncryptionKey } from '../common/encryption-key';
import { deployEnvironment } from '../common/environment';
import type { PolicyStatement } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import { openSearchWriteStatements, validateOpenSearchTarget, type OpenSearchTarget } from '../common/opensearch-target';
import { REPLAY_DEFAULTS, REPLAY_ENV } from '../../functions/dead-letter-replay/contract';
import { failFor } from '../common/validation';
import type { OpenSearchDomain } from './domain';

export interface OpenSearchBootstrapProps {
  /** The domain or collection to prepare (e.g. `OpenSearchCollection.target`, or an existing domain's endpoint and ARN). Give this or `domain`. */
  readonly opensearch?: OpenSearchTarget;
  /**
   * A domain made here, prepared with nothing to do by hand: the function's role becomes its fine-grained
   * access control master user (`useMasterRole`), and it and `desiredState.shipperRoleArns` are allowed
   * by the domain's resource policy (`allowRoles`). Give this or `opensearch`.
   */
  readonly domain?: OpenSearchDomain;
  /** What the cluster should hold: templates, retention, shipper access, dashboards, the 5xx alert. */
  readonly desiredState: DesiredState;
  /** Function settings (name, VPC for a VPC domain, log retention...). */
  readonly function?: FunctionOptions;
  /** KMS key of the functions' log groups (its policy must let CloudWatch Logs use it for them). @default a key created here (rotation on), for these log groups only */
  readonly logKmsKeyArn?: string;
  /** Also deploy the dead-letter replay (`functions/dead-letter-replay`, the function form of `npm run replay`). @default not deployed */
  readonly replay?: ReplayFunctionOptions;
  readonly tags?: Record<string, string>;
}

/** The bootstrap function's own defaults (the registry module's variables default to them). */
export const BOOTSTRAP_FUNCTION_DEFAULTS = { memorySize: 256, timeout: 300, logRetentionDays: BUNDLED_FUNCTION_DEFAULTS.logRetentionDays } as const;

/** A value holding a cdktf token anywhere (a Terraform reference or variable, known only at apply). */
const holdsTokens = (v: unknown): boolean => Token.isUnresolved(v) || (v !== null && typeof v === 'object' && Object.values(v).some(holdsTokens));

export interface ReplayFunctionOptions {
  readonly deadLetterBucketName: string;
  readonly deadLetterBucketArn: string;
  /** Key prefix of the dead letters. @default 'dead-letter/' */
  readonly prefix?: string;
  /** KMS key of the bucket, when it is SSE-KMS. @default none (SSE-S3) */
  readonly kmsKeyArn?: string;
  /** Index prefix of poison records decoded again. @default 'cwl' */
  readonly indexPrefix?: string;
}

/**
 * Deploys the opensearch-bootstrap function and invokes it during `terraform apply` with the
 * desired state (`aws_lambda_invocation`, whose `triggers` hold the state's hash, so it runs
 * again exactly when the state changes). The function runs where the cluster is reachable (in
 * its VPC when `function.vpc` is set), which the OpenSearch Terraform provider cannot.
 *
 * On a domain with fine-grained access control, the function's role (`roleArn`) must be able to
 * manage templates, policies and security: make it the master role or map it to `all_access`.
 */
export class OpenSearchBootstrap extends Construct {
  readonly fn: BundledFunction;
  readonly invocation: LambdaInvocation;
  /** The function's role ARN: grant it on the cluster (master user, or `adminRoleArns` of a collection). */
  readonly roleArn: string;
  /** The replay function, when `replay` is set. */
  readonly replayFn?: BundledFunction;

  constructor(scope: Construct, id: string, p: OpenSearchBootstrapProps) {
    super(scope, id);
    useStableLogicalIds(this);
    const fail = failFor('OpenSearchBootstrap');
    if ((p.opensearch === undefined) === (p.domain === undefined)) fail('give opensearch or domain, not both or neither');
    const target = p.domain?.target ?? p.opensearch!;
    validateOpenSearchTarget(target, fail);
    // Role ARNs made in the same stack (or a registry module's variables) are tokens here: the
    // function checks them when invoked, and a module's variables carry the same rules.
    const problems = validateDesiredState(p.desiredState, (v) => Token.isUnresolved(v));
    if (problems.length) fail(`desiredState: ${problems.join('; ')}`);
    const service = target.service ?? 'es';
    const o = p.function ?? {};
    // The functions' log groups are named after the functions, made below: the key policy names them at synth.
    const logGroupNames: string[] = [];
    let logKmsKeyArn = p.logKmsKeyArn;
    if (!logKmsKeyArn) {
      const env = deployEnvironment(this);
      const arns = Lazy.listValue({ produce: () => logGroupNames.map((n) => `arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:${n}`) });
      // Named below the stack, as the functions are: moving the construct between stacks renames nothing.
      const scopes = this.node.scopes;
      const below = scopes.slice(scopes.indexOf(TerraformStack.of(this)) + 1).map((c) => c.node.id).join('-').replace(/[^A-Za-z0-9/_-]/g, '-');
      const name = `${o.functionName ?? below}-logs`;
      logKmsKeyArn = createEncryptionKey(this, 'key', { name, description: `Log groups of the OpenSearch bootstrap ${below}`, env, logGroupArns: arns, tags: p.tags }).arn;
    }
    this.fn = new BundledFunction(this, 'function', {
      functionName: o.functionName,
      functionDir: 'opensearch-bootstrap',
      description: 'Converges OpenSearch templates, retention, access, dashboards and alerts to the desired state',
      runtime: o.runtime,
      architecture: o.architecture,
      memorySize: o.memorySize ?? BOOTSTRAP_FUNCTION_DEFAULTS.memorySize,
      timeout: o.timeout ?? BOOTSTRAP_FUNCTION_DEFAULTS.timeout,
      logRetentionDays: o.logRetentionDays,
      logKmsKeyArn,
      applicationLogLevel: o.logLevel,
      vpc: o.vpc,
      tracing: o.tracing,
      environment: { [BOOTSTRAP_ENV.endpoint]: target.endpoint, [BOOTSTRAP_ENV.service]: service },
      policyStatements: bootstrapStatements(target),
      tags: p.tags,
    });
    this.roleArn = this.fn.role.arn;
    logGroupNames.push(this.fn.logGroupName);
    if (p.domain) {
      // Trade-off (README): the master user is a role only this function assumes; people get in through adminRoleArns.
      p.domain.useMasterRole(this.roleArn);
      p.domain.allowRoles([...(p.desiredState.shipperRoleArns ?? []), ...(p.desiredState.adminRoleArns ?? [])]);
    }
    let input = canonicalJson(p.desiredState);
    let hash = contentHash(p.desiredState);
    if (holdsTokens(p.desiredState)) {
      // The state holds references (role ARNs made in this stack, a module's variables; a number
      // token does not show in the text): encoded (keys sorted, as canonicalJson) and hashed by
      // Terraform once they are known.
      input = Fn.jsonencode(JSON.parse(input));
      hash = Fn.sha256(input);
    }
    this.invocation = new LambdaInvocation(this, 'invocation', {
      functionName: this.fn.function.functionName,
      input,
      triggers: { desired_state: hash },
      dependsOn: [this.fn.rolePolicy],
    });
    if (p.replay) {
      this.replayFn = replayFunction(this, target, p.replay, logKmsKeyArn, p.tags);
      logGroupNames.push(this.replayFn.logGroupName);
    }
    new TerraformOutput(this, 'report', { value: this.invocation.result, description: 'The bootstrap report: per item created, updated, unchanged or skipped' });
    new TerraformOutput(this, 'role_arn', {
      value: this.roleArn,
      description: "The bootstrap function's role: the domain's master user, or mapped to all_access (a collection: one of its admin roles)",
    });
    new TerraformOutput(this, 'function_name', { value: this.fn.function.functionName, description: 'The bootstrap function (invoke it again by hand to re-converge)' });
  }
}

function replayFunction(scope: Construct, target: OpenSearchTarget, r: ReplayFunctionOptions, logKmsKeyArn: string | undefined, tags: Record<string, string> | undefined): BundledFunction {
  const prefix = r.prefix ?? REPLAY_DEFAULTS.prefix;
  const statements: PolicyStatement[] = [
    { sid: 'ListDeadLetters', actions: ['s3:ListBucket'], resources: [r.deadLetterBucketArn], conditions: { StringLike: { 's3:prefix': `${prefix}*` } } },
    // DeleteObject: an object is deleted once all its documents are in (never before).
    { sid: 'ReadAndRemoveDeadLetters', actions: ['s3:GetObject', 's3:DeleteObject'], resources: [`${r.deadLetterBucketArn}/${prefix}*`], wildcardReason: 'the dead-letter objects under the prefix' },
    ...openSearchWriteStatements(target),
  ];
  if (r.kmsKeyArn) statements.push({ sid: 'DecryptDeadLetters', actions: ['kms:Decrypt'], resources: [r.kmsKeyArn] });
  return new BundledFunction(scope, 'replay', {
    functionDir: 'dead-letter-replay',
    description: 'Replays dead-lettered documents and poison records into OpenSearch',
    timeout: 900,
    memorySize: 512,
    logKmsKeyArn,
    environment: {
      [REPLAY_ENV.endpoint]: target.endpoint,
      [REPLAY_ENV.service]: target.service ?? 'es',
      [REPLAY_ENV.deadLetterBucket]: r.deadLetterBucketName,
      [REPLAY_ENV.deadLetterPrefix]: prefix,
      [REPLAY_ENV.indexPrefix]: r.indexPrefix ?? REPLAY_DEFAULTS.indexPrefix,
    },
    policyStatements: statements,
    tags,
  });
}

/** What the function calls: the cluster's REST APIs (read and write settings), nothing else. */
export function bootstrapStatements(t: OpenSearchTarget): PolicyStatement[] {
  if ((t.service ?? 'es') === 'aoss') return [{ sid: 'AccessCollection', actions: ['aoss:APIAccessAll'], resources: [t.collectionArn!] }];
  return [
    {
      sid: 'ManageDomainSettings',
      actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpPatch'],
      resources: [`${t.domainArn!}/*`],
      wildcardReason: 'templates, _plugins and _dashboards paths of this domain; fine-grained access control decides per API',
    },
  ];
}
