/**
 * What each Terraform registry module exposes: its variables (wired into the construct's props as
 * tokens, validated by the construct's own rules) and an example call. Outputs are the construct's
 * own TerraformOutputs. Adding a module: a definition here; `npm run build:modules` does the rest.
 */
import type { TerraformStack } from 'cdktf';
import { BUCKET_NAME_RULE, ENDPOINT_RULE, INDEX_PREFIX_RULE, LOG_GROUP_NAME_RULE, BULK_BYTES } from '../../functions/shared/contract';
import { SNS_TOPIC_ARN_RULE } from '../../modules/common/alarms';
import { LOG_RETENTION_DAYS, MEMORY_SIZE_RULE, TIMEOUT_RULE } from '../../modules/common/bundled-function';
import { DEAD_LETTER_DEFAULTS, EXPIRATION_DAYS_RULE } from '../../modules/common/dead-letter';
import { BATCH_SIZE_RULE } from '../../modules/common/kinesis-event-source';
import { DOMAIN_ARN_RULE } from '../../modules/common/opensearch-target';
import { NAME_RULE } from '../../modules/common/validation';
import { ElbProcessor } from '../../modules/elb-processor';
import { ELB_LOG_PREFIX_FORBIDDEN, ELB_LOG_PREFIX_RULE, ELB_PROCESSOR_DEFAULTS } from '../../modules/elb-processor/props';
import { GlueCatalog } from '../../modules/glue-catalog';
import { LogPipeline } from '../../modules/log-pipeline';
import { DEFAULTS as PIPELINE, QUEUE_RETENTION_SECONDS_RULE, STREAM_RETENTION_HOURS_RULE } from '../../modules/log-pipeline/props';
import { OpenSearchDomain } from '../../modules/opensearch';
import { DOMAIN_NAME_RULE, IAM_ROLE_ARN_RULE, OPENSEARCH_DOMAIN_DEFAULTS, VOLUME_SIZE_GB_RULE } from '../../modules/opensearch/domain';
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
}

const ENDPOINT = 'https://search-example.eu-west-1.es.amazonaws.com';
const DOMAIN_ARN = 'arn:aws:es:eu-west-1:123456789012:domain/example';

/** The OpenSearch target every indexing module takes. */
function openSearchInputs(inputs: ModuleInputs, indexPrefix: string, maxBulkBytes: number) {
  return {
    endpoint: inputs.text('opensearch_endpoint', 'HTTPS endpoint of the OpenSearch Service domain (a path prefix is kept).', ENDPOINT_RULE),
    domainArn: inputs.text('opensearch_domain_arn', 'ARN of the domain: the functions may only POST to <arn>/_bulk.', DOMAIN_ARN_RULE),
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

const nameInput = (inputs: ModuleInputs) => inputs.text('name', 'Names every resource (functions, roles, stream, buckets, alarms).', NAME_RULE);

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
    example: { name: 'example-catalog', pexip_bucket_name: 'example-pexip-exports', elb_bucket_name: 'example-elb-logs' },
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
];
