import { Construct } from 'constructs';
import { AssetType, TerraformAsset, TerraformStack, Token } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { bundleFunction } from './function-bundle';
import { PolicyStatement, policyDocument, trustPolicy } from './iam';
import { useStableLogicalIds } from './logical-ids';
import { checkIntRule, checkOneOf, failFor, type IntRule } from './validation';

/**
 * A Lambda function built from `functions/<functionDir>/index.ts`, with everything it needs to
 * run least-privileged and observably: IAM role + inline policy from typed statements, its own
 * log group (retention, optional KMS), JSON logging with levels, optional VPC attachment with
 * an HTTPS-only security group.
 *
 * Usage:
 * ```ts
 * const fn = new BundledFunction(this, 'processor', {
 *   functionName: 'elb-processor',
 *   functionDir: 'elb-processor',
 *   environment: { OPENSEARCH_ENDPOINT: endpoint },
 *   logKmsKeyArn: key.arn,
 *   policyStatements: [
 *     { sid: 'ReadLogs', actions: ['s3:GetObject'], resources: [`${bucketArn}/AWSLogs/*`] },
 *   ],
 * });
 * fn.function.arn; fn.role.arn; fn.logGroup.name;
 * ```
 * The construct adds the statement allowing the function to write to its own log group, and
 * the ENI statement when `vpc` is set; pass only what the code itself calls.
 * It creates no provider. Logical ids are readable construct paths (see `useStableLogicalIds`).
 */

/** Log retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Lambda memory, MB. */
export const MEMORY_SIZE_RULE: IntRule = { min: 128, max: 10_240, unit: ' MB' };
/** Lambda timeout, seconds. */
export const TIMEOUT_RULE: IntRule = { min: 1, max: 900, unit: ' seconds' };

export type ApplicationLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN';
/**
 * X-Ray tracing: `'PassThrough'` traces only requests an upstream service already sampled (no
 * cost when nothing upstream traces); `'Active'` samples invocations itself and grants the role
 * the X-Ray write actions.
 */
export type TracingMode = 'Active' | 'PassThrough';

export interface BundledFunctionVpc {
  /** Subnets for the function's ENIs (private subnets with a route to the target). */
  readonly subnetIds: string[];
  /** Use these security groups instead of creating one. */
  readonly securityGroupIds?: string[];
  /** VPC of the created security group; required when `securityGroupIds` is absent. */
  readonly vpcId?: string;
  /** Destinations the created security group allows HTTPS (TCP 443) to. @default ['0.0.0.0/0'] */
  readonly httpsEgressCidrs?: string[];
}

/**
 * The function settings every construct exposes for its function (`shipper`, `processor`, …),
 * with the module's own defaults documented in its README.
 */
export interface FunctionOptions {
  /** Lambda function name. @default `<name>-<role>` (e.g. `logs-shipper`) */
  readonly functionName?: string;
  /** @default 'nodejs22.x' */
  readonly runtime?: string;
  /** @default 'arm64' (Graviton: cheaper per GB-second than x86_64) */
  readonly architecture?: 'arm64' | 'x86_64';
  /** MB, 128..10240. @default the module's */
  readonly memorySize?: number;
  /** Seconds, 1..900. @default the module's */
  readonly timeout?: number;
  /** Application log level. @default 'INFO' */
  readonly logLevel?: ApplicationLogLevel;
  /** One of LOG_RETENTION_DAYS. @default 30 */
  readonly logRetentionDays?: number;
  /** Reserved concurrency (caps parallel invocations). @default none (unreserved pool) */
  readonly reservedConcurrency?: number;
  /** Run inside a VPC (e.g. for a VPC-only OpenSearch domain). @default not in a VPC */
  readonly vpc?: BundledFunctionVpc;
  /** X-Ray tracing (`'Active'` also grants the X-Ray write actions). @default 'PassThrough' */
  readonly tracing?: TracingMode;
  /**
   * Bundle the AWS SDK v3 into the zip (pins its version) instead of using the one every Node.js
   * Lambda runtime provides (smaller zip, faster cold start; README's cold-start figures). @default false
   */
  readonly bundleAwsSdk?: boolean;
}

export interface BundledFunctionProps {
  /** Lambda function name (also names the role and the log group). @default the construct path, `-`-joined */
  readonly functionName?: string;
  /** Folder under `functions/` holding `index.ts`. */
  readonly functionDir: string;
  readonly description?: string;
  /** @default 'index.handler' */
  readonly handler?: string;
  /** @default 'nodejs22.x' */
  readonly runtime?: string;
  /** @default 'arm64' (Graviton: cheaper per GB-second than x86_64) */
  readonly architecture?: 'arm64' | 'x86_64';
  /** MB, 128..10240. @default 256 */
  readonly memorySize?: number;
  /** Seconds, 1..900. @default 60 */
  readonly timeout?: number;
  readonly environment?: Record<string, string>;
  /** One of LOG_RETENTION_DAYS. @default 30 */
  readonly logRetentionDays?: number;
  /** KMS key for the log group (its key policy must allow CloudWatch Logs). @default CloudWatch Logs' own encryption */
  readonly logKmsKeyArn?: string;
  /** @default 'INFO' */
  readonly applicationLogLevel?: ApplicationLogLevel;
  /** @default 'WARN' */
  readonly systemLogLevel?: SystemLogLevel;
  /** Reserved concurrency (caps parallel invocations). @default none (unreserved pool) */
  readonly reservedConcurrency?: number;
  /** Run inside a VPC. @default not in a VPC */
  readonly vpc?: BundledFunctionVpc;
  /** X-Ray tracing (`'Active'` also grants the X-Ray write actions). @default 'PassThrough' */
  readonly tracing?: TracingMode;
  /** Bundle `@aws-sdk/*` into the zip instead of using the runtime's. @default false */
  readonly bundleAwsSdk?: boolean;
  /** What the code calls, as typed statements (log writing and VPC ENIs are added here). */
  readonly policyStatements: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

export const BUNDLED_FUNCTION_DEFAULTS = {
  handler: 'index.handler',
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memorySize: 256,
  timeout: 60,
  logRetentionDays: 30,
  applicationLogLevel: 'INFO',
  systemLogLevel: 'WARN',
  tracing: 'PassThrough',
  httpsEgressCidrs: ['0.0.0.0/0'],
} as const;

const isLiteral = (v: string): boolean => !Token.isUnresolved(v);

function validate(id: string, p: BundledFunctionProps, functionName: string): void {
  const where = `BundledFunction ${id}`;
  if (isLiteral(functionName) && !/^[A-Za-z0-9_-]{1,64}$/.test(functionName)) {
    throw new Error(`${where}: functionName must be 1..64 letters, digits, - or _, got "${functionName}"`);
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(p.functionDir)) {
    throw new Error(`${where}: functionDir must be a folder name under functions/, got "${p.functionDir}"`);
  }
  // Tokens (Terraform variables of the registry modules) are checked by the variables' validation.
  const fail = failFor(where);
  checkIntRule(fail, 'memorySize', p.memorySize, MEMORY_SIZE_RULE);
  checkIntRule(fail, 'timeout', p.timeout, TIMEOUT_RULE);
  checkOneOf(fail, 'logRetentionDays', p.logRetentionDays, LOG_RETENTION_DAYS);
  if (p.reservedConcurrency !== undefined && !(Number.isInteger(p.reservedConcurrency) && p.reservedConcurrency >= 1)) {
    throw new Error(`${where}: reservedConcurrency must be an integer >= 1 (0 would stop the function), got ${p.reservedConcurrency}`);
  }
  if (p.vpc) {
    if (p.vpc.subnetIds.length === 0) throw new Error(`${where}: vpc.subnetIds must list at least one subnet`);
    const given = p.vpc.securityGroupIds;
    if (given !== undefined && given.length === 0) throw new Error(`${where}: vpc.securityGroupIds is empty; omit it to create one`);
    if (!given && !p.vpc.vpcId) throw new Error(`${where}: vpc.vpcId is required when vpc.securityGroupIds is not given`);
    if (given && p.vpc.httpsEgressCidrs) throw new Error(`${where}: vpc.httpsEgressCidrs applies only to the created security group`);
    if (p.vpc.httpsEgressCidrs?.length === 0) throw new Error(`${where}: vpc.httpsEgressCidrs must not be empty`);
  }
  if (p.tracing !== undefined && p.tracing !== 'Active' && p.tracing !== 'PassThrough') {
    throw new Error(`${where}: tracing must be 'Active' or 'PassThrough', got "${String(p.tracing)}"`);
  }
  const reserved = Object.keys(p.environment ?? {}).filter((k) => k.startsWith('AWS_') || k.startsWith('LAMBDA_'));
  if (reserved.length > 0) throw new Error(`${where}: environment variables ${reserved.join(', ')} are reserved by Lambda`);
}

export class BundledFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  /** The role's inline policy: depend on it when something must not start before the function may act. */
  readonly rolePolicy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;
  /** The created security group, when `vpc` is set without `securityGroupIds`. */
  readonly securityGroup?: SecurityGroup;
  readonly functionName: string;
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    useStableLogicalIds(this);
    const functionName = props.functionName ?? defaultFunctionName(this);
    validate(id, props, functionName);
    const d = BUNDLED_FUNCTION_DEFAULTS;
    this.functionName = functionName;
    this.logGroupName = `/aws/lambda/${functionName}`;

    // The bundle's own content hash drives both the asset path and source_code_hash, so an
    // unchanged function produces an identical plan (no redeploy).
    const bundle = bundleFunction(props.functionDir, { bundleAwsSdk: props.bundleAwsSdk ?? false });
    const asset = new TerraformAsset(this, 'code', { path: bundle.zipPath, type: AssetType.FILE });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: this.logGroupName,
      retentionInDays: props.logRetentionDays ?? d.logRetentionDays,
      kmsKeyId: props.logKmsKeyArn,
      tags: props.tags,
    });

    this.role = new IamRole(this, 'role', {
      name: functionName,
      description: `Execution role of Lambda ${functionName}`,
      assumeRolePolicy: trustPolicy(this, 'trust', 'lambda.amazonaws.com'),
      tags: props.tags,
    });

    const statements: PolicyStatement[] = [
      {
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The log group is created here, so logs:CreateLogGroup is not granted.
        resources: [`${this.logGroup.arn}:*`],
      },
      ...props.policyStatements,
    ];

    let vpcConfig: { subnetIds: string[]; securityGroupIds: string[] } | undefined;
    if (props.vpc) {
      let sgIds = props.vpc.securityGroupIds;
      if (!sgIds) {
        this.securityGroup = new SecurityGroup(this, 'security_group', {
          name: functionName,
          description: `Lambda ${functionName}: HTTPS egress only, no ingress`,
          vpcId: props.vpc.vpcId,
          tags: props.tags,
        });
        // Terraform strips AWS's default allow-all egress from groups it creates, so these
        // rules are the only traffic allowed out.
        (props.vpc.httpsEgressCidrs ?? d.httpsEgressCidrs).forEach((cidr, i) => {
          new VpcSecurityGroupEgressRule(this, `https_egress_${i}`, {
            securityGroupId: this.securityGroup!.id,
            description: 'HTTPS to the OpenSearch endpoint and AWS APIs',
            ipProtocol: 'tcp',
            fromPort: 443,
            toPort: 443,
            ...(cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
          });
        });
        sgIds = [this.securityGroup.id];
      }
      vpcConfig = { subnetIds: props.vpc.subnetIds, securityGroupIds: sgIds };
      statements.push({
        sid: 'ManageVpcEnis',
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        // Same actions as AWSLambdaVPCAccessExecutionRole. ec2:DescribeNetworkInterfaces and
        // ec2:DescribeSubnets have no resource-level permissions, and Lambda calls
        // ec2:CreateNetworkInterface/DeleteNetworkInterface/Assign|UnassignPrivateIpAddresses on
        // ENIs whose ids do not exist before it creates them, so AWS requires "*" here.
        resources: ['*'],
        wildcardReason:
          'ec2:DescribeNetworkInterfaces/DescribeSubnets have no resource-level permissions; ec2:CreateNetworkInterface and the ENI calls act on ENIs Lambda creates at run time',
      });
    }

    const tracing = props.tracing ?? d.tracing;
    if (tracing === 'Active') {
      statements.push({
        sid: 'WriteTraces',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
        wildcardReason: 'xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions',
      });
    }

    this.rolePolicy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: policyDocument(this, 'policy_document', statements),
    });

    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: props.description,
      role: this.role.arn,
      handler: props.handler ?? d.handler,
      runtime: props.runtime ?? d.runtime,
      architectures: [props.architecture ?? d.architecture],
      memorySize: props.memorySize ?? d.memorySize,
      timeout: props.timeout ?? d.timeout,
      filename: asset.path,
      sourceCodeHash: bundle.sourceCodeHash,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: props.environment && Object.keys(props.environment).length > 0
        ? { variables: sortedRecord(props.environment) }
        : undefined,
      loggingConfig: {
        logFormat: 'JSON',
        applicationLogLevel: props.applicationLogLevel ?? d.applicationLogLevel,
        systemLogLevel: props.systemLogLevel ?? d.systemLogLevel,
        logGroup: this.logGroup.name,
      },
      vpcConfig,
      // Explicit even when PassThrough (Lambda's own default), so the plan shows the choice.
      tracingConfig: { mode: tracing },
      tags: props.tags,
      // The log group must exist first (else Lambda creates one without retention or KMS), and
      // the policy must be attached before anything invokes the function.
      dependsOn: [this.logGroup, this.rolePolicy],
    });
  }
}

/** `example/logs/shipper` (below the stack) → `logs-shipper`. */
function defaultFunctionName(c: Construct): string {
  // Below the stack only: names should not change when a construct moves between stacks.
  const scopes = c.node.scopes;
  const parts = scopes.slice(scopes.indexOf(TerraformStack.of(c)) + 1).map((s) => s.node.id);
  const name = parts.join('-').replace(/[^A-Za-z0-9_-]/g, '-');
  return name.slice(0, 64);
}

/** Keys sorted, so the synthesized JSON does not depend on insertion order. */
function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
