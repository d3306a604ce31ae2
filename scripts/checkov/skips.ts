/**
 * Every checkov finding the project accepts, in one place: check id + the exact resource
 * addresses + why. `npm run checkov` (scripts/checkov/run.ts) fails on any failed check not listed
 * here, and on any entry here that no longer matches a failed check in a target it scanned (so
 * the list cannot outlive the reason). Prefer fixing the construct; add an entry only for a
 * deliberate choice or a false positive, and say which.
 *
 * Addresses are `<type>.<name>` (`data.<type>.<name>` for data sources), as in the synthesized
 * JSON; one entry per check and reason.
 */
import { MODULES } from '../modules/definitions';

/** Which scan target an entry belongs to (the `name` of an entry in run.ts's TARGETS). */
export type SkipTarget = 'example-stacks' | 'registry-modules';

export interface CheckovSkip {
  readonly check: string;
  readonly target: SkipTarget;
  /** Exact resource addresses; no wildcards. */
  readonly resources: readonly string[];
  readonly reason: string;
}

/** OpenSearchBootstrap's function (the default example stack only). */
const BOOTSTRAP_FUNCTION = 'aws_lambda_function.bootstrap_function_function';
const FUNCTIONS = ['aws_lambda_function.logs_shipper_function', 'aws_lambda_function.elb_processor_function', 'aws_lambda_function.pexip_wrangler_function', BOOTSTRAP_FUNCTION];
const FUNCTION_LOG_GROUPS = [
  'aws_cloudwatch_log_group.bootstrap_function_logs',
  'aws_cloudwatch_log_group.logs_shipper_logs',
  'aws_cloudwatch_log_group.elb_processor_logs',
  'aws_cloudwatch_log_group.pexip_wrangler_logs',
];
/** PexipIngest's RAW groups (the syslog server writes them) and their `_JSON` copies. */
const PEXIP_LOG_GROUPS = ['raw', 'json'].flatMap((form) => ['audit', 'support', 'web'].map((kind) => `aws_cloudwatch_log_group.pexip_${form}_${kind}`));
const KEY_POLICIES = [
  'data.aws_iam_policy_document.logs_key_policy',
  'data.aws_iam_policy_document.elb_key_policy',
  'data.aws_iam_policy_document.pexip_key_policy',
  'data.aws_iam_policy_document.catalog_key_policy',
  'data.aws_iam_policy_document.search_key_policy',
  'data.aws_iam_policy_document.bootstrap_key_policy',
];
const DOMAIN = 'aws_opensearch_domain.search_domain';
const DEAD_LETTER_BUCKETS = ['aws_s3_bucket.logs_dead_letter_bucket', 'aws_s3_bucket.elb_dead_letter_bucket', 'aws_s3_bucket.pexip_dead_letter_bucket'];
const ELB_LOG_BUCKET = 'aws_s3_bucket.elb_log_bucket_bucket';
const PEXIP_EXPORT_BUCKET = 'aws_s3_bucket.pexip_exports_bucket';
/**
 * The registry module terraform-aws-opensearch-domain's domain (construct id `opensearch`). The module
 * terraform-aws-opensearch-collection is construct id `aoss`; terraform-aws-opensearch-bootstrap is
 * `bootstrap`, the example app's id, so the example's bootstrap skips map to it (atRegistryModules).
 */
const OPENSEARCH_DOMAIN = 'module.opensearch.aws_opensearch_domain.opensearch_domain';
/** GlueCatalog's Athena query results (expire after 30 days by default). */
const ATHENA_RESULTS_BUCKET = 'aws_s3_bucket.catalog_results_bucket_bucket';

const EXAMPLE_STACK_SKIPS: readonly CheckovSkip[] = [
  // ---- KMS key policies (modules/common/encryption-key.ts)
  ...['CKV_AWS_109', 'CKV_AWS_111', 'CKV_AWS_356'].map((check) => ({
    check,
    target: 'example-stacks' as const,
    resources: KEY_POLICIES,
    reason:
      'False positive: these documents are KMS key policies, where Resource "*" means "this key" (the only form AWS accepts). ' +
      'kms:* is granted to the key\'s own account root only (AWS\'s default key policy, so IAM policies decide); where the key encrypts ' +
      'log groups, CloudWatch Logs gets encrypt/decrypt limited by kms:EncryptionContext:aws:logs:arn to the module\'s own log groups.',
  })),

  // ---- Lambda functions (modules/common/bundled-function.ts)
  {
    check: 'CKV_AWS_116',
    target: 'example-stacks',
    resources: ['aws_lambda_function.logs_shipper_function', 'aws_lambda_function.pexip_wrangler_function'],
    reason:
      'False positive: the shipper and the Pexip wrangler are invoked synchronously by a Kinesis event source mapping, for which a ' +
      'function DLQ is never used; ' +
      'the metadata of a batch that fails every retry goes to the mapping\'s on-failure SQS queue (created by default, with an alarm).',
  },
  {
    check: 'CKV_AWS_116',
    target: 'example-stacks',
    resources: ['aws_lambda_function.elb_processor_function'],
    reason:
      'Choice: the async failure path is a Lambda destination (asyncInvoke.onFailureDestinationArn on the event invoke config, with the ' +
      'send permission), which AWS recommends over a DLQ and which carries the whole invocation record; a DLQ would be a second path. ' +
      'Without one (the default) an event dropped after the retries raises the dropped_events alarm (AWS/Lambda AsyncEventsDropped) ' +
      'and its object stays in the log bucket until expiry, to be replayed; rejected documents go to the dead-letter bucket.',
  },
  {
    check: 'CKV_AWS_116',
    target: 'example-stacks',
    resources: [BOOTSTRAP_FUNCTION],
    reason:
      'False positive: the bootstrap is invoked synchronously by terraform apply (aws_lambda_invocation), never asynchronously, so a DLQ ' +
      'would never receive anything; a failed run fails the apply with OpenSearch\'s reason.',
  },
  {
    check: 'CKV_AWS_117',
    target: 'example-stacks',
    resources: FUNCTIONS,
    reason:
      'Choice: the functions only call AWS APIs and the OpenSearch HTTPS endpoint with SigV4; a VPC is an option (shipper.vpc, processor.vpc, wrangler.vpc; ' +
      'an HTTPS-only egress security group) for VPC-only domains. The example targets a public-endpoint domain.',
  },
  {
    check: 'CKV_AWS_115',
    target: 'example-stacks',
    resources: FUNCTIONS,
    reason:
      'Choice: concurrency is already bounded by the event source (shards x parallelization factor for the shipper and the wrangler; S3 object arrivals for the ' +
      'ELB processor). Reserving concurrency by default takes it from the account pool and fails to deploy in accounts with a low limit; ' +
      'reservedConcurrency is an option.',
  },
  {
    check: 'CKV_AWS_272',
    target: 'example-stacks',
    resources: FUNCTIONS,
    reason:
      'Choice: code signing needs an AWS Signer profile in the deploying account; the zips are built and hashed (source_code_hash) by the ' +
      'construct itself, so the deployer is the only writer of the code.',
  },
  {
    check: 'CKV_AWS_173',
    target: 'example-stacks',
    resources: FUNCTIONS,
    reason:
      'Choice: the environment holds no secrets (endpoint, index prefixes, limits, bucket names) and Lambda encrypts it at rest with an AWS key. ' +
      'A customer key would add a KMS grant tied to the execution role that breaks the function when the role is replaced.',
  },
  {
    check: 'CKV_AWS_338',
    target: 'example-stacks',
    resources: FUNCTION_LOG_GROUPS,
    reason:
      'Choice: these are the functions\' diagnostic logs (one summary line per invocation), not audit logs; 30 days by default, ' +
      'logRetentionDays sets up to 10 years. The shipped data itself lives in OpenSearch (and the Pexip export bucket).',
  },
  {
    check: 'CKV_AWS_338',
    target: 'example-stacks',
    resources: PEXIP_LOG_GROUPS,
    reason:
      'Choice: the RAW groups are a staging area (the syslog agent writes them, the subscription streams every event to the wrangler at once) and ' +
      'the _JSON groups a Logs Insights working copy (30 and 90 days by default; rawRetentionDays and jsonCopy.retentionDays go up to 10 years); ' +
      'the durable copy is the S3 export (365 days by default, Athena).',
  },

  // ---- The example's OpenSearch domain (modules/opensearch/domain.ts)
  {
    check: 'CKV_AWS_137',
    target: 'example-stacks',
    resources: [DOMAIN],
    reason:
      'Choice: the example domain has a public endpoint so that it deploys in any account without a VPC; every request must be SigV4-signed by a ' +
      'role its resource policy names, and fine-grained access control decides per index. `vpc` places it in subnets (the functions then take `vpc` too).',
  },
  {
    check: 'CKV_AWS_248',
    target: 'example-stacks',
    resources: [DOMAIN],
    reason: 'False positive: the check is about the VPC default security group; the example domain is not in a VPC, and with `vpc` the caller names the security groups.',
  },
  ...['CKV_AWS_318', 'CKV2_AWS_59'].map((check) => ({
    check,
    target: 'example-stacks' as const,
    resources: [DOMAIN],
    reason:
      'Choice: dedicated masters (`dedicatedMasters: { instanceType, count: 3 }`) triple the cost of a small logging domain; the example runs 2 data nodes ' +
      'over 2 zones. Production clusters of more than a few nodes should set them.',
  })),

  // ---- Buckets (modules/common/hardened-bucket.ts: KMS or SSE-S3, public access blocked, TLS-only, lifecycle)
  {
    check: 'CKV_AWS_145',
    target: 'example-stacks',
    resources: [ELB_LOG_BUCKET],
    reason: 'Not possible: ALB and Classic Load Balancer access-log delivery supports only SSE-S3 on the destination bucket, not SSE-KMS.',
  },
  {
    check: 'CKV_AWS_18',
    target: 'example-stacks',
    resources: [...DEAD_LETTER_BUCKETS, ELB_LOG_BUCKET, PEXIP_EXPORT_BUCKET, ATHENA_RESULTS_BUCKET],
    reason:
      'Choice: access logging needs a separate log bucket per account and region (itself unlogged); every writer of these buckets is a role ' +
      'or service this module grants, and CloudTrail data events cover object access where an account requires it.',
  },
  {
    check: 'CKV_AWS_21',
    target: 'example-stacks',
    resources: [...DEAD_LETTER_BUCKETS, ELB_LOG_BUCKET, ATHENA_RESULTS_BUCKET],
    reason:
      'Choice: objects are written once under unique keys (log delivery, dead letters with their own ids, Athena results per query id) ' +
      'and expire by lifecycle; ' +
      'versioning would only keep noncurrent copies that nothing ever creates, and would have to be expired separately.',
  },
  {
    check: 'CKV_AWS_21',
    target: 'example-stacks',
    resources: [PEXIP_EXPORT_BUCKET],
    reason:
      'Choice: an export object is overwritten on purpose when Kinesis delivers its batch again (same key, so Athena never counts rows twice); ' +
      'versioning would keep every replaced copy. Where the archive must be protected, give a bucket with versioning, replication or ' +
      'Object Lock as export.existingBucket.',
  },
  {
    check: 'CKV_AWS_144',
    target: 'example-stacks',
    resources: [PEXIP_EXPORT_BUCKET],
    reason:
      'Choice: a second region needs its own bucket, key and replication role; export.existingBucket takes a bucket that replicates ' +
      'where an account requires it. Kept syslog history can rebuild the export (npm run pexip:backfill).',
  },
  {
    check: 'CKV_AWS_144',
    target: 'example-stacks',
    resources: [...DEAD_LETTER_BUCKETS, ELB_LOG_BUCKET, ATHENA_RESULTS_BUCKET],
    reason:
      'Choice: the contents are transient (ELB logs until processed, 7 days; dead letters for replay, 90 days; Athena query results, ' +
      '30 days, re-creatable by running the query again); replication to another ' +
      'region would need a second bucket, key and role per module for data that is already indexed or kept for a short replay window.',
  },
  {
    check: 'CKV2_AWS_62',
    target: 'example-stacks',
    resources: DEAD_LETTER_BUCKETS,
    reason:
      'Choice: dead letters are signalled by each function\'s dead_letters metric and alarm, not by bucket events; the ELB log ' +
      'bucket does have notifications (they trigger the processor).',
  },
  {
    check: 'CKV2_AWS_62',
    target: 'example-stacks',
    resources: [PEXIP_EXPORT_BUCKET],
    reason: 'Choice: the export is read by Athena queries over its partitions, not by event consumers; nothing would subscribe to the events.',
  },
  {
    check: 'CKV2_AWS_62',
    target: 'example-stacks',
    resources: [ATHENA_RESULTS_BUCKET],
    reason: 'Choice: Athena writes query results and returns them to the caller of the query; nothing consumes bucket events.',
  },
];

/**
 * A registry module's address of an example-stack resource: the modules (scripts/modules/definitions.ts)
 * are the same constructs under the same construct ids as the example app (`logs`, `elb`, `pexip`,
 * `catalog`), called as `module "<id>"` by their examples, so checkov finds the same resources,
 * addressed `module.<id>.<type>.<name>` (`data.module.<id>.<type>.<name>` for data sources).
 */
export function registryModuleAddress(address: string): string {
  const data = address.startsWith('data.');
  const [type, name] = (data ? address.slice(5) : address).split('.');
  return `${data ? 'data.' : ''}module.${constructIdOf(address)}.${type}.${name}`;
}

/** The construct id an example-stack address starts with (`aws_kinesis_stream.logs_stream` → `logs`). */
function constructIdOf(address: string): string {
  return (address.startsWith('data.') ? address.slice(5) : address).split('.')[1]!.split('_')[0]!;
}

/** Construct ids that are also registry modules: example-stack resources of other constructs (the example's domain, bootstrap, alert topic) are in no module. */
const REGISTRY_MODULE_IDS = new Set(MODULES.map((m) => m.constructId));

/** An example-stack skip at the registry modules' addresses, for the resources a module also has (none: no skip). */
function atRegistryModules(s: CheckovSkip): CheckovSkip[] {
  const resources = s.resources.filter((r) => REGISTRY_MODULE_IDS.has(constructIdOf(r))).map(registryModuleAddress);
  return resources.length ? [{ ...s, target: 'registry-modules', resources }] : [];
}

export const CHECKOV_SKIPS: readonly CheckovSkip[] = [
  ...EXAMPLE_STACK_SKIPS,
  // The registry modules: the same findings for the same reasons (same constructs, same defaults), nothing more.
  ...EXAMPLE_STACK_SKIPS.flatMap(atRegistryModules),
  // The OpenSearch domain and collection modules (modules/opensearch/domain.ts, collection.ts), which the example app
  // does not deploy: their keys' policies (createEncryptionKey, the same key policy as every other module's).
  ...['CKV_AWS_109', 'CKV_AWS_111', 'CKV_AWS_356'].map((check) => ({
    check,
    target: 'registry-modules' as const,
    resources: [registryModuleAddress('data.aws_iam_policy_document.opensearch_key_policy'), registryModuleAddress('data.aws_iam_policy_document.aoss_key_policy')],
    reason: EXAMPLE_STACK_SKIPS.find((s) => s.check === check && s.resources === KEY_POLICIES)!.reason,
  })),
  ...['CKV_AWS_137', 'CKV_AWS_248'].map((check) => ({
    check,
    target: 'registry-modules' as const,
    resources: [OPENSEARCH_DOMAIN],
    reason:
      'Choice: the module\'s domain has a public HTTPS endpoint (TLS 1.2 policy) whose resource policy admits only the named roles and whose ' +
      'fine-grained access control decides per index; no security group is involved outside a VPC. The construct\'s `vpc` option places it in ' +
      'your subnets with your security groups (cdktf; not a module variable yet).',
  })),
  ...['CKV_AWS_318', 'CKV2_AWS_59'].map((check) => ({
    check,
    target: 'registry-modules' as const,
    resources: [OPENSEARCH_DOMAIN],
    reason:
      'Choice: the default is two data nodes over two Availability Zones, sized for a logging domain; three dedicated masters triple the ' +
      'node count of a small domain. The construct\'s `dedicatedMasters` option (3 or 5) adds them (cdktf; not a module variable yet).',
  })),
];
