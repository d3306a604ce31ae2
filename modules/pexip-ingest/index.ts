import { Construct } from 'constructs';
import { App, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { jsonLogGroupName, PEXIP_DEFAULTS, PEXIP_ENV, PEXIP_KINDS, PEXIP_METRICS, RAW_LOG_GROUPS, type PexipKind } from '../../functions/pexip-wrangler/contract';
import { METRIC_DIMENSION, METRIC_NAMESPACE } from '../../functions/shared/contract';
import { MetricAlarms, alarmsEnabled } from '../common/alarms';
import { BundledFunction } from '../common/bundled-function';
import { deadLetterDestination } from '../common/dead-letter';
import { createEncryptionKey } from '../common/encryption-key';
import { deployEnvironment } from '../common/environment';
import { HardenedBucket } from '../common/hardened-bucket';
import { policyDocument, trustPolicy } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import { openSearchEnvironment, openSearchWriteStatements } from '../common/opensearch-target';
import { pipelineAlarmSpecs } from '../log-pipeline/alarms';
import { kinesisEventSource } from '../log-pipeline/event-source';
import { streamConsumerStatements, subscriptionRoleStatements, subscriptionTrustConditions } from '../log-pipeline/iam';
import { DEFAULTS as PIPELINE_DEFAULTS } from '../log-pipeline/props';
import { createSources } from '../log-pipeline/sources';
import { createFailureQueue } from '../log-pipeline/storage';
import { pipelineStream } from '../log-pipeline/stream';
import { cloudWatchAgentConfig, rsyslogSnippet } from './agent-config';
import { exportStatements, jsonCopyStatements, syslogAgentStatements } from './iam';
import { PEXIP_INGEST_DEFAULTS, validatePexipIngestProps, type PexipIngestProps } from './props';
import { PEXIP_QUERIES } from './queries';

export * from './props';
export { cloudWatchAgentConfig, rsyslogSnippet } from './agent-config';

/**
 * Pexip Infinity logs from a syslog server into JSON: the RAW log groups the CloudWatch agent
 * writes (support, audit, web; KMS, retention), subscription filters to a Kinesis stream (never a
 * direct Lambda subscription: nothing is lost when the wrangler is slow), the wrangler parsing each
 * line by kind, and its destinations: gzip NDJSON in S3 partitioned for Athena, `_JSON` log groups
 * with the original's Logs Insights queries saved, and optionally OpenSearch. Also the syslog
 * server's role and instance profile, and its rsyslog and CloudWatch agent configuration (outputs,
 * and files under `<cdktf.out>/pexip-ingest/<name>/`).
 */
export class PexipIngest extends Construct {
  readonly streamArn: string;
  readonly kmsKeyArn: string;
  readonly wrangler: BundledFunction;
  /** Kind → RAW log group (only the kinds that are on). */
  readonly rawLogGroups: Partial<Record<PexipKind, CloudwatchLogGroup>> = {};
  /** Kind → `_JSON` log group, when the JSON copy is on. */
  readonly jsonLogGroups: Partial<Record<PexipKind, CloudwatchLogGroup>> = {};
  readonly exportBucketName?: string;
  readonly exportPrefix?: string;
  readonly deadLetterBucketName: string;
  readonly syslogInstanceProfileName?: string;
  /** The generated `amazon-cloudwatch-agent.json` (as an object) and rsyslog snippet. */
  readonly agentConfig: Record<string, unknown>;
  readonly rsyslogConfig: string;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: PexipIngestProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validatePexipIngestProps(props);
    const d = PEXIP_INGEST_DEFAULTS;
    const { name, tags } = props;
    const env = deployEnvironment(this);
    const kinds = PEXIP_KINDS.filter((k) => props.kinds?.[k] !== false);
    const prefix = props.logGroupNamePrefix ?? '';
    const json = props.jsonCopy ?? {};
    const jsonOn = json.enabled !== false;
    const jsonSuffix = json.suffix ?? d.jsonSuffix;
    const wranglerName = props.wrangler?.functionName ?? `${name}-wrangler`;
    const groupArn = (group: string) => `arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:${group}`;
    const rawNames = Object.fromEntries(kinds.map((k) => [k, `${prefix}${RAW_LOG_GROUPS[k]}`])) as Record<PexipKind, string>;
    const jsonNames = Object.fromEntries(kinds.map((k) => [k, jsonLogGroupName(rawNames[k], jsonSuffix)])) as Record<PexipKind, string>;

    // --- Encryption: one key for stream, log groups, buckets and queue.
    this.kmsKeyArn = props.kmsKeyArn ?? createEncryptionKey(this, 'key', {
      name,
      description: `Pexip ingest ${name}: RAW and JSON log groups, stream, export, dead letters`,
      env,
      logGroupArns: [...kinds.map((k) => groupArn(rawNames[k])), ...(jsonOn ? kinds.map((k) => groupArn(jsonNames[k])) : []), groupArn(`/aws/lambda/${wranglerName}`)],
      tags,
    }).arn;

    // --- Log groups: RAW (the agent writes), JSON (the wrangler writes). Created here, so neither needs CreateLogGroup.
    for (const k of kinds) {
      this.rawLogGroups[k] = new CloudwatchLogGroup(this, `raw_${k}`, {
        name: rawNames[k], retentionInDays: props.rawRetentionDays ?? d.rawRetentionDays, kmsKeyId: this.kmsKeyArn, tags,
      });
      if (jsonOn) {
        this.jsonLogGroups[k] = new CloudwatchLogGroup(this, `json_${k}`, {
          name: jsonNames[k], retentionInDays: json.retentionDays ?? d.jsonRetentionDays, kmsKeyId: this.kmsKeyArn, tags,
        });
      }
    }
    const rawGroups = kinds.map((k) => this.rawLogGroups[k]!);

    // --- Stream and subscriptions (the log pipeline's pieces)
    const stream = pipelineStream(this, name, props.stream ?? {}, this.kmsKeyArn, tags);
    this.streamArn = stream.arn;
    const subscriptionRole = new IamRole(this, 'subscription_role', {
      name: `${name}-cwl-to-kinesis`,
      description: `CloudWatch Logs puts Pexip RAW log events on stream ${name}`,
      assumeRolePolicy: trustPolicy(this, 'subscription_trust', 'logs.amazonaws.com', subscriptionTrustConditions(env, [])),
      tags,
    });
    const subscriptionRolePolicy = new IamRolePolicy(this, 'subscription_role_policy', {
      name: 'put-records',
      role: subscriptionRole.id,
      policy: policyDocument(this, 'subscription_policy', subscriptionRoleStatements(env, this.streamArn, stream.keyArn)),
    });
    createSources(this, {
      name,
      streamArn: this.streamArn,
      roleArn: subscriptionRole.arn,
      rolePolicy: subscriptionRolePolicy,
      dependsOn: rawGroups,
      // Every event: the wrangler parses the raw message itself, whatever its shape.
      filterPattern: '',
      logGroupNames: kinds.map((k) => rawNames[k]),
      tags,
    });

    // --- Failure queue, dead letters, export bucket
    const queue = createFailureQueue(this, 'failure_queue', { name: `${name}-wrangler-failures`, kmsKeyArn: this.kmsKeyArn, retentionSeconds: PIPELINE_DEFAULTS.queueRetentionSeconds, tags });
    const deadLetter = deadLetterDestination(this, 'dead_letter', props.deadLetter, { namePrefix: `${name}-dl-`, kmsKeyArn: this.kmsKeyArn, env, tags });
    this.deadLetterBucketName = deadLetter.bucketName;
    const ex = props.export ?? {};
    const exportOn = ex.enabled !== false;
    let exportKeyArn: string | undefined;
    if (exportOn) {
      this.exportPrefix = ex.prefix ?? d.exportPrefix;
      if (ex.existingBucketName) {
        this.exportBucketName = ex.existingBucketName;
      } else {
        const bucket = new HardenedBucket(this, 'export', {
          namePrefix: `${name}-export-`,
          encryption: { kmsKeyArn: this.kmsKeyArn },
          lifecycle: [{
            id: 'expire-pexip-export',
            prefix: this.exportPrefix,
            expirationDays: ex.expirationDays ?? d.exportExpirationDays,
            transitions: ex.transitionDays !== undefined ? [{ days: ex.transitionDays, storageClass: ex.storageClass ?? d.storageClass }] : undefined,
          }],
          tags,
        });
        this.exportBucketName = bucket.bucket.bucket;
        exportKeyArn = this.kmsKeyArn;
      }
    }

    // --- Wrangler
    const environment: Record<string, string> = { [PEXIP_ENV.deadLetterBucket]: deadLetter.bucketName, [PEXIP_ENV.deadLetterPrefix]: deadLetter.prefix };
    if (exportOn) {
      environment[PEXIP_ENV.exportBucket] = this.exportBucketName!;
      environment[PEXIP_ENV.exportPrefix] = this.exportPrefix!;
    }
    if (jsonOn) environment[PEXIP_ENV.jsonLogGroupSuffix] = jsonSuffix;
    if (props.opensearch) Object.assign(environment, openSearchEnvironment(props.opensearch, PEXIP_DEFAULTS));
    const w = props.wrangler ?? {};
    this.wrangler = new BundledFunction(this, 'wrangler', {
      functionName: wranglerName,
      functionDir: 'pexip-wrangler',
      description: `Parses Pexip Infinity logs from stream ${name} into JSON records`,
      runtime: w.runtime,
      architecture: w.architecture,
      memorySize: w.memorySize ?? d.memorySize,
      timeout: w.timeout ?? d.timeout,
      applicationLogLevel: w.logLevel,
      logRetentionDays: w.logRetentionDays ?? d.logRetentionDays,
      logKmsKeyArn: this.kmsKeyArn,
      reservedConcurrency: w.reservedConcurrency,
      vpc: w.vpc,
      bundleAwsSdk: w.bundleAwsSdk,
      environment,
      tags,
      policyStatements: [
        ...streamConsumerStatements(env, { streamArn: this.streamArn, streamKeyArn: stream.keyArn, queueArn: queue.arn, queueKeyArn: this.kmsKeyArn }),
        ...deadLetter.writeStatements,
        ...(exportOn ? exportStatements(env, this.exportBucketName!, this.exportPrefix!, exportKeyArn) : []),
        ...(jsonOn ? jsonCopyStatements(kinds.map((k) => this.jsonLogGroups[k]!.arn)) : []),
        ...(props.opensearch ? openSearchWriteStatements(props.opensearch) : []),
        ...(props.extraPolicyStatements ?? []),
      ],
    });
    kinesisEventSource(this, 'event_source', {
      streamArn: this.streamArn,
      functionArn: this.wrangler.function.arn,
      rolePolicy: this.wrangler.rolePolicy,
      failureQueueArn: queue.arn,
      options: props.eventSource,
      tags,
    });

    // --- The syslog server: role and instance profile that may only write the RAW groups
    if (props.syslogServerRole !== false) {
      const role = new IamRole(this, 'syslog_role', {
        name: `${name}-syslog-server`,
        description: 'Pexip syslog server: the CloudWatch agent writes the RAW log groups',
        assumeRolePolicy: trustPolicy(this, 'syslog_trust', 'ec2.amazonaws.com'),
        tags,
      });
      new IamRolePolicy(this, 'syslog_role_policy', {
        name: 'write-raw-log-groups',
        role: role.id,
        policy: policyDocument(this, 'syslog_policy', syslogAgentStatements(rawGroups.map((g) => g.arn))),
      });
      const profile = new IamInstanceProfile(this, 'syslog_instance_profile', { name: `${name}-syslog-server`, role: role.name, tags });
      this.syslogInstanceProfileName = profile.name;
    }

    // --- The original's Logs Insights queries, on the JSON groups
    if (jsonOn) {
      for (const q of PEXIP_QUERIES) {
        const group = this.jsonLogGroups[q.kind];
        if (!group) continue;
        new CloudwatchQueryDefinition(this, `query_${q.id}`, { name: `${name}/${q.name}`, queryString: q.query, logGroupNames: [group.name] });
      }
    }

    // --- Agent and rsyslog configuration
    this.agentConfig = cloudWatchAgentConfig({ nodes: props.nodes ?? d.nodes, groups: rawNames });
    this.rsyslogConfig = rsyslogSnippet();
    writeSyslogFiles(this, name, this.agentConfig, this.rsyslogConfig);

    // --- Alarms
    if (alarmsEnabled(props.alarms)) {
      const fnName = this.wrangler.function.functionName;
      this.alarms = new MetricAlarms(this, 'alarms', {
        name,
        specs: [
          ...pipelineAlarmSpecs({ functionName: fnName, queueName: queue.name, iteratorAgeThresholdMs: props.alarms?.iteratorAgeThresholdMs ?? d.iteratorAgeThresholdMs })
            .map((s) => (s.id === 'dead_letters' ? { ...s, metricName: PEXIP_METRICS.deadLettered, description: 'The wrangler dead-lettered records, documents or JSON events with the reason' } : s)),
          {
            id: 'parse_errors',
            description: 'Pexip lines matched no known shape (exported with parse_error: check the syslog format)',
            namespace: METRIC_NAMESPACE,
            metricName: PEXIP_METRICS.parseErrors,
            dimensions: { [METRIC_DIMENSION]: fnName },
            statistic: 'Sum',
            threshold: props.alarms?.parseErrorsThreshold ?? d.parseErrorsThreshold,
          },
        ],
        topicArn: props.alarms?.topicArn,
        tags,
      }).alarms;
    }

    // --- Outputs
    const out = (oid: string, value: string, description: string): void => {
      new TerraformOutput(this, oid, { value, description });
    };
    out('stream_arn', this.streamArn, 'Kinesis stream the RAW groups are subscribed to');
    out('wrangler_function_name', this.wrangler.function.functionName, 'The wrangler Lambda function');
    out('wrangler_role_arn', this.wrangler.role.arn, 'The wrangler\'s role (map it in OpenSearch fine-grained access control when indexing)');
    out('raw_log_group_names', Fn.join(',', rawGroups.map((g) => g.name)), 'RAW log groups the CloudWatch agent writes (comma-separated)');
    if (jsonOn) out('json_log_group_names', Fn.join(',', kinds.map((k) => this.jsonLogGroups[k]!.name)), 'JSON log groups the wrangler writes (comma-separated)');
    if (exportOn) out('export_bucket', this.exportBucketName!, 'S3 bucket of the Athena export');
    out('dead_letter_bucket', this.deadLetterBucketName, 'S3 bucket of dead-lettered records with their reason');
    if (this.syslogInstanceProfileName) out('syslog_instance_profile_name', this.syslogInstanceProfileName, 'Instance profile for the syslog server (write to the RAW groups only)');
    // Carried as base64 and decoded by Terraform: cdktf 0.21's HCL output garbles strings holding quotes or newlines.
    const text = (t: string): string => Fn.base64decode(Buffer.from(t, 'utf8').toString('base64'));
    out('cloudwatch_agent_config', text(`${JSON.stringify(this.agentConfig, null, 2)}\n`), 'amazon-cloudwatch-agent.json for the syslog server');
    out('rsyslog_config', text(this.rsyslogConfig), 'rsyslog snippet (/etc/rsyslog.d/30-pexip.conf) writing /var/log/syslog/<host>/<program>.log');
  }
}

/** The syslog server's two files beside the synthesized stacks: `<outdir>/pexip-ingest/<name>/`. */
function writeSyslogFiles(scope: Construct, name: string, agent: Record<string, unknown>, rsyslog: string): void {
  const root = TerraformStack.of(scope).node.root;
  if (!(root instanceof App)) return;
  const dir = join(root.outdir, 'pexip-ingest', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'amazon-cloudwatch-agent.json'), `${JSON.stringify(agent, null, 2)}\n`);
  writeFileSync(join(dir, '30-pexip.conf'), rsyslog);
}
