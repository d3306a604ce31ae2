import { Construct } from 'constructs';
import { Fn, TerraformOutput, Token } from 'cdktf';
import { OpensearchserverlessAccessPolicy } from '@cdktf/provider-aws/lib/opensearchserverless-access-policy';
import { OpensearchserverlessCollection } from '@cdktf/provider-aws/lib/opensearchserverless-collection';
import { OpensearchserverlessLifecyclePolicy } from '@cdktf/provider-aws/lib/opensearchserverless-lifecycle-policy';
import { OpensearchserverlessSecurityPolicy } from '@cdktf/provider-aws/lib/opensearchserverless-security-policy';
import { OpensearchserverlessVpcEndpoint } from '@cdktf/provider-aws/lib/opensearchserverless-vpc-endpoint';
import { indexPattern, SOURCES, type Source, type SourceState } from '../../functions/opensearch-bootstrap/contract';
import { buildLifecyclePolicy } from '../../functions/opensearch-bootstrap/core/retention';
import { createEncryptionKey } from '../common/encryption-key';
import { deployEnvironment } from '../common/environment';
import { useStableLogicalIds } from '../common/logical-ids';
import type { OpenSearchTarget } from '../common/opensearch-target';
import { checkIntRule, failFor, isLiteral, numberText, type IntRule } from '../common/validation';
import { IAM_ROLE_ARN_RULE, INDEX_PREFIX_RULE, type TextRule } from '../../functions/shared/contract';

export interface OpenSearchCollectionProps {
  /** Collection name: {@link COLLECTION_NAME_RULE} (3..32 of a-z, 0-9, "-", starting with a letter). */
  readonly name: string;
  /** TIMESERIES: at-least-once delivery (no custom ids), lifecycle retention. SEARCH: exactly once (`create` + id). @default 'TIMESERIES' */
  readonly type?: 'TIMESERIES' | 'SEARCH';
  /** The indices written and their retention (the same shape the bootstrap takes; TIMESERIES retention 1..3650 days). */
  readonly sources: Partial<Record<Source, SourceState>>;
  /** Roles that write documents (shipper, elb-processor, pexip-wrangler): create/update index and write documents on the sources' patterns. */
  readonly writerRoleArns: string[];
  /** Roles that manage templates and read (the bootstrap, operators). @default [] */
  readonly adminRoleArns?: string[];
  /** Customer key of the encryption policy. @default a key created here */
  readonly kmsKeyArn?: string;
  /** Private access: existing collection VPC endpoint ids. */
  readonly vpcEndpointIds?: string[];
  /** Private access through an endpoint created here. */
  readonly vpc?: { readonly vpcId: string; readonly subnetIds: string[]; readonly securityGroupIds?: string[] };
  /** Allow access from the internet (still IAM-signed and data-access-policy bound). @default false */
  readonly publicAccess?: boolean;
  readonly tags?: Record<string, string>;
}

/** What each role may do (aoss data access policy permissions). */
export const COLLECTION_PERMISSIONS = {
  writerIndex: ['aoss:CreateIndex', 'aoss:UpdateIndex', 'aoss:WriteDocument'],
  adminIndex: ['aoss:CreateIndex', 'aoss:UpdateIndex', 'aoss:DescribeIndex', 'aoss:ReadDocument', 'aoss:WriteDocument'],
  adminCollection: ['aoss:CreateCollectionItems', 'aoss:UpdateCollectionItems', 'aoss:DescribeCollectionItems'],
} as const;

/** Collection names OpenSearch Serverless accepts (the registry module's `name` variable carries it). */
export const COLLECTION_NAME_RULE: TextRule = { pattern: /^[a-z][a-z0-9-]{2,31}$/, describe: '3..32 of a-z, 0-9, "-", starting with a letter' };
/** A lifecycle policy's `MinIndexRetention` in days (the service takes 24h..3650d). */
export const COLLECTION_RETENTION_DAYS_RULE: IntRule = { min: 1, max: 3650, unit: ' days' };
/** An OpenSearch Serverless VPC endpoint id (`aws_opensearchserverless_vpc_endpoint.id`). */
export const VPC_ENDPOINT_ID_RULE: TextRule = { pattern: /^vpce-[0-9a-z]{1,250}$/, describe: 'an OpenSearch Serverless VPC endpoint id (vpce-…)' };

/** Security and lifecycle policy names are at most 32 characters. */
export const POLICY_NAME_MAX = 32;

/**
 * `<name><suffix>` cut to POLICY_NAME_MAX characters. A token name (a registry module's variable)
 * is cut by Terraform's `substr` at plan time, to the same text `slice` gives a literal.
 */
export function policyName(name: string, suffix: string): string {
  const full = `${name}${suffix}`;
  return isLiteral(name) ? full.slice(0, POLICY_NAME_MAX) : Fn.substr(full, 0, POLICY_NAME_MAX);
}

/** The literal elements of a list (none when the whole list is a token). */
const literals = (list: readonly string[] | undefined): string[] => (list === undefined || Token.isUnresolved(list) ? [] : list.filter(isLiteral));

function validate(p: OpenSearchCollectionProps): void {
  const fail = failFor('OpenSearchCollection');
  if (isLiteral(p.name) && !COLLECTION_NAME_RULE.pattern.test(p.name)) fail(`name must be ${COLLECTION_NAME_RULE.describe}, got "${p.name}"`);
  for (const id of literals(p.vpcEndpointIds)) if (!VPC_ENDPOINT_ID_RULE.pattern.test(id)) fail(`vpcEndpointIds: "${id}" is not ${VPC_ENDPOINT_ID_RULE.describe}`);
  for (const key of ['writerRoleArns', 'adminRoleArns'] as const)
    for (const arn of literals(p[key])) if (!IAM_ROLE_ARN_RULE.pattern.test(arn)) fail(`${key}: "${arn}" is not ${IAM_ROLE_ARN_RULE.describe}`);
  const private_ = !p.publicAccess;
  if (private_ && !p.vpc && !p.vpcEndpointIds?.length) fail('a private collection needs vpc (an endpoint is created) or vpcEndpointIds; or set publicAccess: true');
  if (p.publicAccess && (p.vpc || p.vpcEndpointIds)) fail('publicAccess excludes vpc and vpcEndpointIds');
  if (!p.writerRoleArns?.length) fail('writerRoleArns must name at least one role');
  if (Object.keys(p.sources ?? {}).length === 0) fail('sources must name at least one source');
  for (const [s, src] of Object.entries(p.sources)) {
    if (!(SOURCES as readonly string[]).includes(s)) fail(`sources.${s}: unknown source (one of ${SOURCES.join(', ')})`);
    if (!src) continue;
    if (isLiteral(src.indexPrefix) && !INDEX_PREFIX_RULE.pattern.test(src.indexPrefix)) fail(`sources.${s}.indexPrefix must be ${INDEX_PREFIX_RULE.describe}, got "${src.indexPrefix}"`);
    // Only a TIMESERIES collection has a lifecycle policy (SEARCH keeps indices until deleted).
    if ((p.type ?? 'TIMESERIES') === 'TIMESERIES') checkIntRule(fail, `sources.${s}.retentionDays`, src.retentionDays, COLLECTION_RETENTION_DAYS_RULE);
  }
}

/**
 * An OpenSearch Serverless collection: encryption policy with a customer key, a network policy
 * that is private (VPC endpoint) unless told otherwise, a data access policy granting writers
 * exactly index creation/update and document writes on their patterns, and (TIMESERIES) a
 * lifecycle policy deleting indices after each source's retention. `target` is what the
 * pipeline constructs take as `opensearch`.
 */
export class OpenSearchCollection extends Construct {
  readonly collection: OpensearchserverlessCollection;
  readonly target: OpenSearchTarget;

  constructor(scope: Construct, id: string, p: OpenSearchCollectionProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validate(p);
    const env = deployEnvironment(this);
    const name = p.name;
    const type = p.type ?? 'TIMESERIES';
    const sources = SOURCES.filter((s) => p.sources[s]).map((s) => [s, p.sources[s]!] as [Source, SourceState]);
    const keyArn = p.kmsKeyArn ?? createEncryptionKey(this, 'key', { name: `aoss-${name}`, description: `OpenSearch Serverless collection ${name}`, env, logGroupArns: [], tags: p.tags }).arn;
    const collectionRule = { ResourceType: 'collection', Resource: [`collection/${name}`] };

    const encryption = new OpensearchserverlessSecurityPolicy(this, 'encryption_policy', {
      name: policyName(name, '-enc'),
      type: 'encryption',
      policy: Fn.jsonencode({ Rules: [collectionRule], AWSOwnedKey: false, KmsARN: keyArn }),
    });
    let endpoints = p.vpcEndpointIds ?? [];
    if (p.vpc) {
      const vpce = new OpensearchserverlessVpcEndpoint(this, 'vpc_endpoint', { name: policyName(name, '-vpce'), vpcId: p.vpc.vpcId, subnetIds: p.vpc.subnetIds, securityGroupIds: p.vpc.securityGroupIds });
      endpoints = Token.isUnresolved(endpoints) ? Fn.concat([endpoints, [vpce.id]]) : [...endpoints, vpce.id];
    }
    const network = new OpensearchserverlessSecurityPolicy(this, 'network_policy', {
      name: policyName(name, '-net'),
      type: 'network',
      policy: Fn.jsonencode([
        p.publicAccess
          ? { Rules: [collectionRule, { ResourceType: 'dashboard', Resource: [`collection/${name}`] }], AllowFromPublic: true }
          : { Rules: [collectionRule, { ResourceType: 'dashboard', Resource: [`collection/${name}`] }], AllowFromPublic: false, SourceVPCEs: endpoints },
      ]),
    });
    const patterns = sources.map(([, s]) => `index/${name}/${indexPattern(s)}`);
    const rules: Record<string, unknown>[] = [{ Description: 'writers', Rules: [{ ResourceType: 'index', Resource: patterns, Permission: [...COLLECTION_PERMISSIONS.writerIndex] }], Principal: p.writerRoleArns }];
    if (p.adminRoleArns?.length) {
      rules.push({
        Description: 'admins',
        Rules: [
          { ResourceType: 'collection', Resource: [`collection/${name}`], Permission: [...COLLECTION_PERMISSIONS.adminCollection] },
          { ResourceType: 'index', Resource: patterns, Permission: [...COLLECTION_PERMISSIONS.adminIndex] },
        ],
        Principal: p.adminRoleArns,
      });
    }
    new OpensearchserverlessAccessPolicy(this, 'data_access_policy', { name: policyName(name, '-access'), type: 'data', policy: Fn.jsonencode(rules) });
    if (type === 'TIMESERIES') {
      // numberText: a retention given as a Terraform variable renders as its reference, not a token's digits.
      new OpensearchserverlessLifecyclePolicy(this, 'lifecycle_policy', { name: policyName(name, '-retention'), type: 'retention', policy: Fn.jsonencode(buildLifecyclePolicy(name, sources, numberText)) });
    }
    this.collection = new OpensearchserverlessCollection(this, 'collection', { name, type, standbyReplicas: 'ENABLED', tags: p.tags, dependsOn: [encryption, network] });
    this.target = { endpoint: this.collection.collectionEndpoint, service: 'aoss', collectionArn: this.collection.arn };
    // A description must be a literal (Terraform refuses a variable there, as in the registry module).
    const ofCollection = isLiteral(name) ? `collection ${name}` : 'the OpenSearch Serverless collection';
    new TerraformOutput(this, 'endpoint', { value: this.target.endpoint, description: `HTTPS endpoint of ${ofCollection}` });
    new TerraformOutput(this, 'collection_arn', { value: this.collection.arn, description: `ARN of ${ofCollection}` });
    new TerraformOutput(this, 'dashboard_endpoint', { value: this.collection.dashboardEndpoint, description: `OpenSearch Dashboards endpoint of ${ofCollection}` });
  }
}
