import { Construct } from 'constructs';
import { Lazy, TerraformOutput } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogResourcePolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { createEncryptionKey } from '../common/encryption-key';
import { deployEnvironment } from '../common/environment';
import { policyDocument } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import type { OpenSearchTarget } from '../common/opensearch-target';
import { checkInt, checkIntRule, checkOneOf, failFor, isLiteral, type IntRule } from '../common/validation';
import { IAM_ROLE_ARN_RULE, type TextRule } from '../../functions/shared/contract';
import { LOG_RETENTION_DAYS } from '../common/bundled-function';

export interface OpenSearchDomainProps {
  /** Domain name: 3..28 of a-z, 0-9, "-", starting with a letter. */
  readonly domainName: string;
  /**
   * IAM role that is the fine-grained access control master user (maps to `all_access`).
   * @default none here: pass the domain to `OpenSearchBootstrap` as `domain`, whose function role then
   * becomes the master (`useMasterRole`); synth fails when neither names one.
   */
  readonly masterRoleArn?: string;
  /** IAM roles the domain's resource policy lets call the HTTP API (shippers, bootstrap); FGAC narrows them. @default [] */
  readonly accessRoleArns?: string[];
  /** @default 'OpenSearch_2.19' */
  readonly engineVersion?: string;
  /** @default 'r7g.large.search' */
  readonly instanceType?: string;
  /** Data nodes. @default 2 */
  readonly instanceCount?: number;
  /** Spread data nodes over this many Availability Zones (2 or 3); needs an even spread of nodes. @default 2 when instanceCount > 1, else off */
  readonly availabilityZones?: 2 | 3;
  /** Dedicated master nodes (3 or 5). @default none */
  readonly dedicatedMasters?: { readonly instanceType: string; readonly count: 3 | 5 };
  /** gp3 EBS volume per data node, GiB. @default 100 */
  readonly volumeSizeGb?: number;
  /** Key for encryption at rest and the log groups. @default a key created here (rotation on) */
  readonly kmsKeyArn?: string;
  /** Place the domain in a VPC (private endpoint). @default public endpoint, resource policy + FGAC */
  readonly vpc?: { readonly subnetIds: string[]; readonly securityGroupIds: string[] };
  /** Retention of the audit, slow and error log groups. @default 365 */
  readonly logRetentionDays?: number;
  readonly tags?: Record<string, string>;
}

/** Domain names OpenSearch Service accepts. */
export const DOMAIN_NAME_RULE: TextRule = { pattern: /^[a-z][a-z0-9-]{2,27}$/, describe: '3..28 of a-z, 0-9, "-", starting with a letter' };
/** An IAM role ARN (the functions' shared rule, re-exported where the domain's props use it). */
export { IAM_ROLE_ARN_RULE };
/** gp3 volume per data node, GiB. */
export const VOLUME_SIZE_GB_RULE: IntRule = { min: 10, max: 24_576, unit: ' GiB' };

export const OPENSEARCH_DOMAIN_DEFAULTS = {
  engineVersion: 'OpenSearch_2.19',
  instanceType: 'r7g.large.search',
  instanceCount: 2,
  volumeSizeGb: 100,
  logRetentionDays: 365,
  /** TLS 1.2 minimum with perfect forward secrecy ciphers only (the current AWS policy). */
  tlsSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10',
} as const;

/** Log types published (audit needs fine-grained access control, which is always on here). */
export const DOMAIN_LOG_TYPES = { AUDIT_LOGS: 'audit', ES_APPLICATION_LOGS: 'error', INDEX_SLOW_LOGS: 'index-slow', SEARCH_SLOW_LOGS: 'search-slow' } as const;

function validate(p: OpenSearchDomainProps): void {
  const fail = failFor('OpenSearchDomain');
  if (isLiteral(p.domainName) && !DOMAIN_NAME_RULE.pattern.test(p.domainName)) fail(`domainName must be ${DOMAIN_NAME_RULE.describe}, got "${p.domainName}"`);
  if (p.masterRoleArn === '') fail('masterRoleArn must not be empty (omit it to make the bootstrap the master)');
  if (p.masterRoleArn !== undefined && isLiteral(p.masterRoleArn) && !IAM_ROLE_ARN_RULE.pattern.test(p.masterRoleArn)) fail(`masterRoleArn must be ${IAM_ROLE_ARN_RULE.describe}, got "${p.masterRoleArn}"`);
  checkInt(fail, 'instanceCount', p.instanceCount, 1, 80);
  checkIntRule(fail, 'volumeSizeGb', p.volumeSizeGb, VOLUME_SIZE_GB_RULE);
  const count = p.instanceCount ?? OPENSEARCH_DOMAIN_DEFAULTS.instanceCount;
  if (p.availabilityZones !== undefined && count % p.availabilityZones !== 0) fail(`instanceCount (${count}) must be a multiple of availabilityZones (${p.availabilityZones})`);
  if (p.vpc && p.availabilityZones && p.vpc.subnetIds.length !== p.availabilityZones) fail(`vpc.subnetIds must give one subnet per Availability Zone (${p.availabilityZones})`);
  checkOneOf(fail, 'logRetentionDays', p.logRetentionDays, LOG_RETENTION_DAYS);
}

/**
 * An OpenSearch Service domain with secure defaults: encryption at rest with a customer key,
 * node-to-node encryption, HTTPS only with the current TLS policy, fine-grained access control
 * with an IAM master role, audit/error/slow logs published to KMS-encrypted log groups (with the
 * resource policy that lets the service write them), optional VPC, zone awareness and dedicated
 * masters. `target` is what the pipeline constructs take as `opensearch`.
 */
export class OpenSearchDomain extends Construct {
  readonly domain: OpensearchDomain;
  readonly target: OpenSearchTarget;
  readonly logGroups: Record<string, CloudwatchLogGroup>;
  private masterRoleArn?: string;
  private readonly accessRoleArns: string[];

  constructor(scope: Construct, id: string, p: OpenSearchDomainProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validate(p);
    const d = OPENSEARCH_DOMAIN_DEFAULTS;
    const env = deployEnvironment(this);
    const name = p.domainName;
    const logGroupName = (kind: string) => `/aws/opensearch/${name}/${kind}`;
    const logGroupArn = (kind: string) => `arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:${logGroupName(kind)}`;
    const kinds = Object.values(DOMAIN_LOG_TYPES);
    const keyArn = p.kmsKeyArn ?? createEncryptionKey(this, 'key', { name: `opensearch-${name}`, description: `OpenSearch domain ${name}: data at rest and its log groups`, env, logGroupArns: kinds.map(logGroupArn), tags: p.tags }).arn;

    this.logGroups = Object.fromEntries(
      kinds.map((kind) => [kind, new CloudwatchLogGroup(this, `logs_${kind.replace(/-/g, '_')}`, { name: logGroupName(kind), retentionInDays: p.logRetentionDays ?? d.logRetentionDays, kmsKeyId: keyArn, tags: p.tags })]),
    );
    const domainArn = `arn:${env.partition}:es:${env.region}:${env.accountId}:domain/${name}`;
    const logPolicy = new CloudwatchLogResourcePolicy(this, 'log_policy', {
      policyName: `opensearch-${name}-logs`,
      policyDocument: policyDocument([
        {
          sid: 'OpenSearchPublishesLogs',
          principals: { Service: 'es.amazonaws.com' },
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: kinds.map((k) => `${logGroupArn(k)}:*`),
          wildcardReason: 'log streams of these log groups only (the service names the streams)',
          conditions: { StringEquals: { 'aws:SourceAccount': env.accountId }, ArnLike: { 'aws:SourceArn': domainArn } },
        },
      ]),
    });

    this.masterRoleArn = p.masterRoleArn;
    this.accessRoleArns = [...(p.accessRoleArns ?? [])];
    // The master and the roles allowed in may be named after construction (the bootstrap's role, the
    // shippers' roles are made after the domain they point at), so both render at synth.
    const master = Lazy.stringValue({ produce: () => this.requireMaster() });
    this.node.addValidation({ validate: () => (this.masterRoleArn ? [] : [NO_MASTER]) });

    const count = p.instanceCount ?? d.instanceCount;
    const azs = p.availabilityZones ?? (count > 1 ? 2 : undefined);
    this.domain = new OpensearchDomain(this, 'domain', {
      domainName: name,
      engineVersion: p.engineVersion ?? d.engineVersion,
      clusterConfig: {
        instanceType: p.instanceType ?? d.instanceType,
        instanceCount: count,
        zoneAwarenessEnabled: azs !== undefined,
        zoneAwarenessConfig: azs ? { availabilityZoneCount: azs } : undefined,
        dedicatedMasterEnabled: p.dedicatedMasters !== undefined,
        dedicatedMasterType: p.dedicatedMasters?.instanceType,
        dedicatedMasterCount: p.dedicatedMasters?.count,
      },
      ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: p.volumeSizeGb ?? d.volumeSizeGb },
      encryptAtRest: { enabled: true, kmsKeyId: keyArn },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: d.tlsSecurityPolicy },
      advancedSecurityOptions: { enabled: true, anonymousAuthEnabled: false, internalUserDatabaseEnabled: false, masterUserOptions: { masterUserArn: master } },
      vpcOptions: p.vpc ? { subnetIds: p.vpc.subnetIds, securityGroupIds: p.vpc.securityGroupIds } : undefined,
      accessPolicies: Lazy.stringValue({
        produce: () =>
          policyDocument([
            {
              sid: 'NamedRolesCallTheApi',
              principals: { AWS: [this.requireMaster(), ...this.accessRoleArns] },
              actions: ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpPatch', 'es:ESHttpDelete'],
              resources: [`${domainArn}/*`],
              wildcardReason: 'every path of this domain; fine-grained access control decides per index and API',
            },
          ]),
      }),
      logPublishingOptions: Object.entries(DOMAIN_LOG_TYPES).map(([logType, kind]) => ({ logType, cloudwatchLogGroupArn: this.logGroups[kind]!.arn, enabled: true })),
      tags: p.tags,
      dependsOn: [logPolicy],
    });
    this.target = { endpoint: `https://${this.domain.endpoint}`, service: 'es', domainArn: this.domain.arn };
    // A description must be a literal (Terraform refuses a variable there, as in the registry module).
    const ofDomain = isLiteral(name) ? `OpenSearch domain ${name}` : 'the OpenSearch domain';
    new TerraformOutput(this, 'endpoint', { value: this.target.endpoint, description: `HTTPS endpoint of ${ofDomain}` });
    new TerraformOutput(this, 'domain_arn', { value: this.domain.arn, description: `ARN of ${ofDomain}` });
  }

  /**
   * Makes `roleArn` the fine-grained access control master user (and lets it call the API).
   * `OpenSearchBootstrap` calls this with its function's role when given `domain`. Fails when a
   * different master is already named: a domain has one.
   */
  useMasterRole(roleArn: string): void {
    if (this.masterRoleArn !== undefined && this.masterRoleArn !== roleArn)
      failFor('OpenSearchDomain')(`${this.node.path}: the master role is already ${this.masterRoleArn}; give masterRoleArn or a bootstrap's domain, not both`);
    this.masterRoleArn = roleArn;
  }

  /** Lets these roles call the HTTP API through the resource policy (fine-grained access control still decides per index). */
  allowRoles(roleArns: readonly string[]): void {
    for (const arn of roleArns) if (!this.accessRoleArns.includes(arn)) this.accessRoleArns.push(arn);
  }

  private requireMaster(): string {
    if (!this.masterRoleArn) throw new Error(`OpenSearchDomain ${this.node.path}: ${NO_MASTER}`);
    return this.masterRoleArn;
  }
}

const NO_MASTER = 'no fine-grained access control master role: give masterRoleArn, or pass the domain to an OpenSearchBootstrap as `domain`';
