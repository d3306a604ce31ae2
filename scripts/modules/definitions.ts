/**
 * What each Terraform registry module exposes: its variables (wired into the construct's props as
 * tokens, validated by the construct's own rules) and an example call. Outputs are the construct's
 * own TerraformOutputs. Adding a module: a definition here; `npm run build:modules` does the rest.
 */
import type { TerraformStack } from 'cdktf';
import { BUCKET_NAME_RULE, ENDPOINT_RULE, IAM_ROLE_ARN_RULE, INDEX_PREFIX_RULE, LOG_GROUP_NAME_RULE, BULK_BYTES } from '../../functions/shared/contract';
import { RETENTION_DAYS_RULE, SOURCES, type Source, type SourceState } from '../../functions/opensearch-bootstrap/contract';
import { SNS_TOPIC_ARN_RULE } from '../../modules/common/alarms';
import { LOG_RETENTION_DAYS, MEMORY_SIZE_RULE, TIMEOUT_RULE } from '../../modules/common/bundled-function';
import { DEAD_LETTER_DEFAULTS, EXPIRATION_DAYS_RULE } from '../../modules/common/dead-letter';
import { BATCH_SIZE_RULE } from '../../modules/common/kinesis-event-source';
import { DOMAIN_ARN_RULE } from '../../modules/common/opensearch-target';
import { NAME_RULE, type IntRule } from '../../modules/common/validation';
import { ElbProcessor } from '../../modules/elb-processor';
import { ELB_LOG_PREFIX_FORBIDDEN, ELB_LOG_PREFIX_RULE, ELB_PROCESSOR_DEFAULTS } from '../../modules/elb-processor/props';
import { GlueCatalog } from '../../modules/glue-catalog';
import { LogPipeline } from '../../modules/log-pipeline';
import { DEFAULTS as PIPELINE, QUEUE_RETENTION_SECONDS_RULE, STREAM_RETENTION_HOURS_RULE } from '../../modules/log-pipeline/props';
import { OpenSearchBootstrap, OpenSearchCollection, OpenSearchDomain } from '../../modules/opensearch';
import { BOOTSTRAP_FUNCTION_DEFAULTS } from '../../modules/opensearch/bootstrap';
import { COLLECTION_NAME_RULE, COLLECTION_RETENTION_DAYS_RULE, VPC_ENDPOINT_ID_RULE } from '../../modules/opensearch/collection';
import { DOMAIN_NAME_RULE, OPENSEARCH_DOMAIN_DEFAULTS, VOLUME_SIZE_GB_RULE } from '../../modules/opensearch/domain';
import { PexipIngest } from '../../modules/pexip-ingest';
import { DEFAULTS as PEXIP } from '../../modules/pexip-ingest/props';
import { excludesValidation } from '../../modules/common/variable-validation';
import type { ModuleInputs } from './inputs';

export interface ModuleDefinition {
  /** `log-pipeline` → dist/terraform/terraform-aws-log-pipeline. */
  readonly name: string;
  /** Construct id inside the module: the prefix of every resource address (`aws_kinesis_stream.pipeline_stream`). */
  readonly constructId: string;
  /** One line under the README title. */
  readonly summary: string;
  /** The cdktf construct the module is generated from (README link). */
  readonly construct: string;
  /** Creates the variables and the construct in `stack`. */
  build(stack: TerraformStack, inputs: ModuleInputs): void;
  /** Values of the example call (examples/complete/main.tf): every required input and a few optional ones. */
  readonly example: Record<string, unknown>;
  /** README bullets: choices the module fixes (options that change which resources exist stay cdktf-only) and wiring. */
  readonly notes?: readonly string[];
}

const ENDPOINT = 'https://search-example.eu-west-1.es.amazonaws.com';
const DOMAIN_ARN = 'arn:aws:es:eu-west-1:123456789012:domain/example';

/** An OpenSearch Service domain: its endpoint and ARN (`grant` says what the function may call on it). */
const domainInputs = (inputs: ModuleInputs, grant: string) => ({
  endpoint: inputs.text('opensearch_endpoint', 'HTTPS endpoint of the OpenSearch Service domain (a path prefix is kept).', ENDPOINT_RULE),
  domainArn: inputs.text('opensearch_domain_arn', `ARN of the domain: ${grant}.`, DOMAIN_ARN_RULE),
});

/** The OpenSearch target every indexing module takes. */
function openSearchInputs(inputs: ModuleInputs, indexPrefix: string, maxBulkBytes: number) {
  return {
    ...domainInputs(inputs, 'the functions may only POST to <arn>/_bulk'),
    indexPrefix: inputs.textOr('index_prefix', 'Prefix of every index name.', indexPrefix, INDEX_PREFIX_RULE),
    maxBulkBytes: inputs.integer('max_bulk_bytes', 'Upper bound of one _bulk request body, bytes.', maxBulkBytes, BULK_BYTES),
  };
}

/** Memory, timeout and log retention of a module's function. */
function functionInputs(inputs: ModuleInputs, prefix: string, d: { memorySize: number; timeout: number; logRetentionDays: number }) {
  return {
    memorySize: inputs.integer(`${prefix}_memory_size`, `Memory of the ${prefix} function, MB.`, d.memorySize, MEMORY_SIZE_RULE),
    timeout: inputs.integer(`${prefix}_timeout`, `Timeout of the ${prefix} function, seconds.`, d.timeout, TIMEOUT_RULE),
    logRetentionDays: inputs.oneOf(`${prefix}_log_retention_days`, `Retention of the ${prefix} function's log group, days.`, d.logRetentionDays, LOG_RETENTION_DAYS),
  };
}

/** The alarms' SNS topic (alarms are always on in the modules; null = visible in the console only). */
const alarmInputs = (inputs: ModuleInputs) => ({ topicArn: inputs.optionalText('alarm_topic_arn', 'SNS topic notified on ALARM and OK (null: alarms in the console only).', SNS_TOPIC_ARN_RULE) });

/**
 * Each source's index prefix (the pipeline modules' `index_prefix` defaults) and retention, every
 * source on: a template, policy or grant for a source nobody writes matches no index.
 */
const SOURCE_DEFAULTS: Record<Source, SourceState> = {
  cwl: { indexPrefix: PIPELINE.indexPrefix, retentionDays: 30 },
  elb: { indexPrefix: ELB_PROCESSOR_DEFAULTS.indexPrefix, retentionDays: 90 },
  pexip: { indexPrefix: PEXIP.indexPrefix, retentionDays: 90 },
};
const SOURCE_NAMES: Record<Source, string> = { cwl: 'CloudWatch Logs (log-pipeline)', elb: 'load-balancer logs (elb-processor)', pexip: 'Pexip (pexip-ingest)' };

function sourceInputs(inputs: ModuleInputs, retention: IntRule): Record<Source, SourceState> {
  const entries = SOURCES.map((s): [Source, SourceState] => [
    s,
    {
      indexPrefix: inputs.textOr(`${s}_index_prefix`, `Index prefix of the ${SOURCE_NAMES[s]} indices (<prefix>-*).`, SOURCE_DEFAULTS[s].indexPrefix, INDEX_PREFIX_RULE),
      retentionDays: inputs.integer(`${s}_retention_days`, `Days the ${SOURCE_NAMES[s]} indices are kept.`, SOURCE_DEFAULTS[s].retentionDays, retention),
    },
  ]);
  return Object.fromEntries(entries) as Record<Source, SourceState>;
}

const nameInput = (inputs: ModuleInputs, what = 'every resource (functions, roles, stream, buckets, alarms)') => inputs.text('name', `Names ${what}.`, NAME_RULE);

export const MODULES: readonly ModuleDefinition[] = [
  {
    name: 'log-pipeline',
    // The example app's construct ids, so the module's addresses read the same (`aws_kinesis_stream.logs_stream`).
    constructId: 'logs',
    construct: 'LogPipeline',
    summary: 'CloudWatch Logs → Kinesis Data Streams → shipper Lambda → OpenSearch, with KMS, a failure queue, a dead-letter bucket and alarms.',
    build(stack, inputs) {
      new LogPipeline(stack, 'logs', {
        name: nameInput(inputs),
        logGroupNames: inputs.list('log_group_names', 'Log groups of this account to subscribe (one subscription filter each, keyed by name).', LOG_GROUP_NAME_RULE),
        filterPattern: inputs.textOr('filter_pattern', 'CloudWatch Logs filter pattern of the subscriptions ("" = every event).', PIPELINE.filterPattern),
        stream: { retentionHours: inputs.integer('stream_retention_hours', 'Retention of the created Kinesis stream, hours.', PIPELINE.retentionHours, STREAM_RETENTION_HOURS_RULE) },
        opensearch: openSearchInputs(inputs, PIPELINE.indexPrefix, PIPELINE.maxBulkBytes),
        shipper: functionInputs(inputs, 'shipper', PIPELINE),
        eventSource: { batchSize: inputs.integer('batch_size', 'Kinesis records per shipper invocation.', PIPELINE.batchSize, BATCH_SIZE_RULE) },
        failureQueue: {
          retentionSeconds: inputs.integer('failure_queue_retention_seconds', 'Retention of the failure queue, seconds.', PIPELINE.queueRetentionSeconds, QUEUE_RETENTION_SECONDS_RULE),
        },
        deadLetter: {
          expirationDays: inputs.integer('dead_letter_expiration_days', 'Days after which dead-letter objects expire.', DEAD_LETTER_DEFAULTS.expirationDays, EXPIRATION_DAYS_RULE),
        },
        alarms: alarmInputs(inputs),
        tags: inputs.tags(),
      });
    },
    example: {
      name: 'example-logs',
      log_group_names: ['/aws/lambda/example-app', '/ecs/example-service'],
      opensearch_endpoint: ENDPOINT,
      opensearch_domain_arn: DOMAIN_ARN,
      index_prefix: 'logs',
    },
  },
  {
    name: 'elb-processor',
    constructId: 'elb',
    construct: 'ElbProcessor',
    summary: 'Load-balancer access logs (ALB, NLB, Classic) delivered to S3 → processor Lambda → OpenSearch, with the log bucket, a dead-letter bucket and alarms.',
    build(stack, inputs) {
      const d = ELB_PROCESSOR_DEFAULTS;
      new ElbProcessor(stack, 'elb', {
        name: nameInput(inputs),
        opensearch: openSearchInputs(inputs, d.indexPrefix, d.maxBulkBytes),
        logBucket: {
          logPrefix: inputs.textOr('log_prefix', 'Prefix configured on the load balancers\' access logs ("" = none).', d.logPrefix, ELB_LOG_PREFIX_RULE, (v) => [
            excludesValidation(v, ELB_LOG_PREFIX_FORBIDDEN, 'log_prefix', 'ELB refuses such prefixes'),
          ]),
          expirationDays: inputs.integer('log_expiration_days', 'Days after which log objects in the created bucket expire.', d.expirationDays, EXPIRATION_DAYS_RULE),
        },
        processor: functionInputs(inputs, 'processor', d),
        deadLetter: {
          expirationDays: inputs.integer('dead_letter_expiration_days', 'Days after which dead-letter objects expire.', DEAD_LETTER_DEFAULTS.expirationDays, EXPIRATION_DAYS_RULE),
        },
        alarms: alarmInputs(inputs),
        tags: inputs.tags(),
      });
    },
    example: { name: 'example-elb', opensearch_endpoint: ENDPOINT, opensearch_domain_arn: DOMAIN_ARN, log_prefix: 'alb' },
  },
  {
    name: 'pexip-ingest',
    constructId: 'pexip',
    construct: 'PexipIngest',
    summary: 'Pexip Infinity syslog in CloudWatch Logs → wrangler Lambda → S3 export (Athena), _JSON log groups and OpenSearch.',
    build(stack, inputs) {
      new PexipIngest(stack, 'pexip', {
        name: nameInput(inputs),
        opensearch: openSearchInputs(inputs, PEXIP.indexPrefix, PEXIP.maxBulkBytes),
        wrangler: functionInputs(inputs, 'wrangler', PEXIP),
        alarms: alarmInputs(inputs),
        tags: inputs.tags(),
      });
    },
    example: { name: 'example-pexip', opensearch_endpoint: ENDPOINT, opensearch_domain_arn: DOMAIN_ARN },
  },
  {
    name: 'glue-catalog',
    constructId: 'catalog',
    construct: 'GlueCatalog',
    summary: 'Glue databases and tables (partition projection) and an Athena workgroup over the Pexip export and the load balancers\' logs.',
    build(stack, inputs) {
      new GlueCatalog(stack, 'catalog', {
        name: nameInput(inputs),
        pexip: { bucketName: inputs.text('pexip_bucket_name', 'Bucket the Pexip wrangler exports to (the pexip-ingest module\'s export_bucket).', BUCKET_NAME_RULE) },
        elb: {
          bucketName: inputs.text('elb_bucket_name', 'Bucket the load balancers write their logs to (the elb-processor module\'s bucket_name).', BUCKET_NAME_RULE),
          logPrefix: inputs.textOr('elb_log_prefix', 'Prefix configured on the load balancers\' access logs ("" = none).', '', ELB_LOG_PREFIX_RULE),
        },
        tags: inputs.tags(),
      });
    },
    // Tags also because moto's Athena answers ListTagsForResource on an untagged workgroup with "does not exist" (test:apply).
    example: { name: 'example-catalog', pexip_bucket_name: 'example-pexip-exports', elb_bucket_name: 'example-elb-logs', tags: { team: 'platform' } },
  },
  {
    name: 'opensearch-domain',
    constructId: 'opensearch',
    construct: 'OpenSearchDomain',
    summary: 'An OpenSearch Service domain with secure defaults: KMS at rest, node-to-node encryption, HTTPS with the current TLS policy, fine-grained access control with an IAM master role, audit/error/slow logs in KMS-encrypted log groups.',
    build(stack, inputs) {
      const d = OPENSEARCH_DOMAIN_DEFAULTS;
      new OpenSearchDomain(stack, 'opensearch', {
        domainName: inputs.text('domain_name', 'Name of the domain.', DOMAIN_NAME_RULE),
        masterRoleArn: inputs.text('master_role_arn', 'IAM role that is the fine-grained access control master user (maps to all_access).', IAM_ROLE_ARN_RULE),
        engineVersion: inputs.textOr('engine_version', 'OpenSearch engine version.', d.engineVersion),
        instanceType: inputs.textOr('instance_type', 'Instance type of the data nodes (2 nodes over 2 Availability Zones).', d.instanceType),
        volumeSizeGb: inputs.integer('volume_size_gb', 'gp3 EBS volume per data node, GiB.', d.volumeSizeGb, VOLUME_SIZE_GB_RULE),
        logRetentionDays: inputs.oneOf('log_retention_days', 'Retention of the audit, slow and error log groups, days.', d.logRetentionDays, LOG_RETENTION_DAYS),
        tags: inputs.tags(),
      });
    },
    example: { domain_name: 'logs', master_role_arn: 'arn:aws:iam::123456789012:role/opensearch-admin' },
  },
  {
    name: 'opensearch-collection',
    // Not 'collection': the outputs (collection_arn) would read as prefixed by it.
    constructId: 'aoss',
    construct: 'OpenSearchCollection',
    summary:
      'An OpenSearch Serverless TIMESERIES collection reachable through your VPC endpoints only: customer-key encryption, a data access policy that lets writers create indices and write documents on their sources\' patterns and nothing else, retention per source (lifecycle policy).',
    build(stack, inputs) {
      new OpenSearchCollection(stack, 'aoss', {
        name: inputs.text('name', 'Name of the collection; its policies are <name>-enc, -net, -access, -retention (cut to 32 characters).', COLLECTION_NAME_RULE),
        sources: sourceInputs(inputs, COLLECTION_RETENTION_DAYS_RULE),
        writerRoleArns: inputs.list('writer_role_arns', 'Roles that write documents (the shipper, ELB processor, Pexip wrangler roles).', IAM_ROLE_ARN_RULE),
        adminRoleArns: inputs.list('admin_role_arns', 'Roles that manage templates and read every source\'s indices (operators, an opensearch-bootstrap role).', IAM_ROLE_ARN_RULE),
        vpcEndpointIds: inputs.list('vpc_endpoint_ids', 'OpenSearch Serverless VPC endpoints (aws_opensearchserverless_vpc_endpoint) the collection and its dashboards are reachable through.', VPC_ENDPOINT_ID_RULE),
        tags: inputs.tags(),
      });
    },
    example: {
      name: 'example-logs',
      writer_role_arns: ['arn:aws:iam::123456789012:role/example-logs-shipper'],
      admin_role_arns: ['arn:aws:iam::123456789012:role/opensearch-operators'],
      vpc_endpoint_ids: ['vpce-0123456789abcdef0'],
      cwl_retention_days: 14,
    },
    notes: [
      'Private only: the network policy admits `vpc_endpoint_ids` (collection and dashboards), never the internet. `publicAccess` and an endpoint created from `vpc` are cdktf-only.',
      'TIMESERIES only (at-least-once delivery, lifecycle retention); `type: \'SEARCH\'` (exactly once, no lifecycle policy) is cdktf-only.',
      'The encryption key is created here (rotation on); bring-your-own `kmsKeyArn` is cdktf-only.',
      'All three sources (cwl, elb, pexip) are always in the policies: a grant or retention rule for a source nobody writes matches no index. Set each one\'s `*_index_prefix` to what its pipeline writes.',
      'The pipeline modules (log-pipeline, elb-processor, pexip-ingest) write to OpenSearch Service domains only for now: a collection target (`service: \'aoss\'`) is cdktf-only there.',
    ],
  },
  {
    name: 'opensearch-bootstrap',
    // The example app's construct id, so the module's addresses read the same (`aws_lambda_function.bootstrap_function_function`).
    constructId: 'bootstrap',
    construct: 'OpenSearchBootstrap',
    summary:
      'The opensearch-bootstrap Lambda, invoked during terraform apply and again whenever the desired state changes: index templates, retention (ISM) per source, the shippers\' fine-grained access control role and mappings, Dashboards objects, on an OpenSearch Service domain.',
    build(stack, inputs) {
      const name = nameInput(inputs, 'the function <name>-bootstrap, its role, log group and log key');
      new OpenSearchBootstrap(stack, 'bootstrap', {
        opensearch: domainInputs(inputs, 'the function may call <arn>/* (GET, HEAD, POST, PUT, PATCH; no DELETE)'),
        desiredState: {
          sources: sourceInputs(inputs, RETENTION_DAYS_RULE),
          shipperRoleArns: inputs.listOr('shipper_role_arns', 'Roles of the functions that index (the pipeline modules\' role ARN outputs), mapped to the shipper role.', IAM_ROLE_ARN_RULE),
          adminRoleArns: inputs.listOr('admin_role_arns', 'Roles added to the all_access mapping (operators, Dashboards users); never removes what is mapped there.', IAM_ROLE_ARN_RULE),
        },
        function: { functionName: `${name}-bootstrap`, ...functionInputs(inputs, 'bootstrap', BOOTSTRAP_FUNCTION_DEFAULTS) },
        tags: inputs.tags(),
      });
    },
    example: {
      name: 'example-search',
      opensearch_endpoint: ENDPOINT,
      opensearch_domain_arn: DOMAIN_ARN,
      shipper_role_arns: ['arn:aws:iam::123456789012:role/example-logs-shipper'],
      elb_retention_days: 180,
    },
    notes: [
      'Prepares an OpenSearch Service domain (`opensearch_endpoint`, `opensearch_domain_arn`). A Serverless collection target is cdktf-only (`opensearch: collection.target`).',
      'With the terraform-aws-opensearch-domain module, pass this module\'s `role_arn` output as the domain\'s `master_role_arn`: the bootstrap then needs nothing mapped by hand. On another domain with fine-grained access control, make `role_arn` its master user or map it to `all_access` before the first apply.',
      'The desired state holds all three sources (cwl, elb, pexip): a template or retention policy for a source nobody writes matches no index. UltraWarm (`warmAfterDays`), the ELB 5xx alert, `dashboards: false` and the field limits are cdktf-only.',
      'The invocation runs again exactly when the desired state changes (its sha256 is the trigger). Running the function in a VPC (for a VPC domain), the replay function and a bring-your-own log key are cdktf-only.',
    ],
  },
];
