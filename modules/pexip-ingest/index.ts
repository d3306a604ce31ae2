import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogSubscriptionFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-subscription-filter';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CloudwatchQueryDefinition } from '@cdktf/provider-aws/lib/cloudwatch-query-definition';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { jsonLogGroupName, PEXIP_ENV, RAW_LOG_GROUPS, type PexipKind } from '../../functions/pexip-wrangler/contract';
import { MetricAlarms, alarmsEnabled } from '../common/alarms';
import { BundledFunction } from '../common/bundled-function';
import { deadLetterDestination } from '../common/dead-letter';
import { createEncryptionKey } from '../common/encryption-key';
import { deployEnvironment } from '../common/environment';
import { HardenedBucket } from '../common/hardened-bucket';
import { kinesisEventSource } from '../common/kinesis-event-source';
import { policyDocument, trustPolicy } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import { openSearchEnvironment, openSearchWriteStatements } from '../common/opensearch-target';
import { pipelineAlarmSpecs } from '../log-pipeline/alarms';
import { streamConsumerStatements, subscriptionRoleStatements, subscriptionTrustConditions } from '../log-pipeline/iam';
import { createFailureQueue, queueNameOf } from '../log-pipeline/storage';
import { pipelineStream } from '../log-pipeline/stream';
import { cloudWatchAgentConfig, rsyslogConfig } from './agent';
import { exportWriteStatements, jsonCopyStatements, syslogAgentStatements } from './iam';
import { DEFAULTS, validate, type PexipIngestProps } from './props';
import { SAVED_QUERIES } from './queries';

export * from './props';
export { cloudWatchAgentConfig, rsyslogConfig } from './agent';

/**
 * Pexip Infinity logs from a syslog server into S3 (Athena), CloudWatch Logs JSON groups and
 * OpenSearch: the RAW log groups the CloudWatch agent writes, subscription filters into a Kinesis
 * stream, the wrangler (functions/pexip-wrangler) and its event source mapping, the `_JSON` groups,
 * the export bucket, dead letters, alarms, saved Logs Insights queries, and the syslog server's role,
 * instance profile, agent configuration and rsyslog snippet. Stream, queue, IAM and alarm pieces
 * are log-pipeline's; bucket, key, dead letters and OpenSearch grant are modules/common's.
 * Logical ids are `<construct id>_<part>`.
 */
export class PexipIngest extends Construct {
  readonly kmsKeyArn: string;
  readonly streamArn: string;
  readonly wrangler: BundledFunction;
  readonly eventSourceMapping: LambdaEventSourceMapping;
  /** kind → RAW log group. */
  readonly rawLogGroups: Partial<Record<PexipKind, CloudwatchLogGroup>> = {};
  /** kind → JSON log group (when the copy is on). */
  readonly jsonLogGroups: Partial<Record<PexipKind, CloudwatchLogGroup>> = {};
  readonly exportBucketName?: string;
  readonly exportPrefix: string;
  readonly deadLetterBucketName: string;
  readonly failureQueueUrl: string;
  readonly syslogRole: IamRole;
  readonly syslogInstanceProfile: IamInstanceProfile;
  /** The unified CloudWatch agent's JSON configuration for the syslog server. */
  readonly agentConfig: string;
  /** The rsyslog snippet writing /var/log/syslog/<host>/<program>.log, one line per element. */
  readonly rsyslogConfig: string[];
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: PexipIngestProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validate(props);
    const { name, tags } = props;
    const env = deployEnvironment(this);
    const w = props.wrangler ?? {};
    const wranglerName = w.functionName ?? `${name}-wrangler`;
    const kinds: PexipKind[] = ['support'];
    if (props.kinds?.audit ?? DEFAULTS.audit) kinds.push('audit');
    if (props.kinds?.web ?? DEFAULTS.web) kinds.push('web');
    const jsonOn = props.jsonCopy?.enabled ?? DEFAULTS.jsonCopy;
    const suffix = props.jsonCopy?.suffix ?? DEFAULTS.jsonSuffix;
    const groupArn = (g: string): string => `arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:${g}`;

    // --- Key: groups (RAW, JSON, the wrangler's own), stream, queue, buckets
    const groupNames = [...kinds.map((k) => RAW_LOG_GROUPS[k]), ...(jsonOn ? kinds.map((k) => jsonLogGroupName(RAW_LOG_GROUPS[k], suffix)) : []), `/aws/lambda/${wranglerName}`];
    this.kmsKeyArn = props.kmsKeyArn ?? createEncryptionKey(this, 'key', {
      name,
      description: `Pexip ingest ${name}: log groups, stream, failure queue, exports, dead letters`,
      env,
      logGroupArns: groupNames.map(groupArn),
      tags,
    }).arn;

    // --- Log groups: RAW (the agent writes), JSON (the wrangler writes)
    for (const k of kinds) {
      this.rawLogGroups[k] = new CloudwatchLogGroup(this, `raw_${k}`, {
        name: RAW_LOG_GROUPS[k],
        retentionInDays: props.rawRetentionDays ?? DEFAULTS.rawRetentionDays,
        kmsKeyId: this.kmsKeyArn,
        tags,
      });
      if (jsonOn) {
        this.jsonLogGroups[k] = new CloudwatchLogGroup(this, `json_${k}`, {
          name: jsonLogGroupName(RAW_LOG_GROUPS[k], suffix),
          retentionInDays: props.jsonCopy?.retentionDays ?? DEFAULTS.jsonRetentionDays,
          kmsKeyId: this.kmsKeyArn,
          tags,
        });
      }
    }

    // --- Stream and the CloudWatch Logs → Kinesis subscriptions (never a direct Lambda subscription)
    const stream = pipelineStream(this, name, props.stream ?? {}, this.kmsKeyArn, tags);
    this.streamArn = stream.arn;
    const subscriptionRole = new IamRole(this, 'subscription_role', {
      name: `${name}-cwl-to-kinesis`,
      description: `CloudWatch Logs puts Pexip RAW log events on stream ${name}`,
      assumeRolePolicy: trustPolicy(this, 'subscription_trust', 'logs.amazonaws.com', subscriptionTrustConditions(env, [])),
      tags,
    });
    const subscriptionPolicy = new IamRolePolicy(this, 'subscription_role_policy', {
      name: 'put-records',
      role: subscriptionRole.id,
      policy: policyDocument(this, 'subscription_policy', subscriptionRoleStatements(env, this.streamArn, stream.keyArn)),
    });
    for (const k of kinds) {
      new CloudwatchLogSubscriptionFilter(this, `filter_${k}`, {
        name: `${name}-to-kinesis`,
        logGroupName: this.rawLogGroups[k]!.name,
        filterPattern: '',
        destinationArn: this.streamArn,
        roleArn: subscriptionRole.arn,
        distribution: 'Random',
        dependsOn: [subscriptionPolicy],
      });
    }

    // --- Failure queue, dead letters, export bucket
    const fq = props.failureQueue ?? {};
    const queue = fq.existingQueue ? undefined : createFailureQueue(this, 'failure_queue', {
      name: `${name}-wrangler-failures`, kmsKeyArn: this.kmsKeyArn, retentionSeconds: fq.retentionSeconds ?? DEFAULTS.queueRetentionSeconds, tags,
    });
    const queueArn = fq.existingQueue?.arn ?? queue!.arn;
    this.failureQueueUrl = fq.existingQueue?.url ?? queue!.url;
    const deadLetter = deadLetterDestination(this, 'dead_letter', props.deadLetter, { namePrefix: `${name}-dl-`, kmsKeyArn: this.kmsKeyArn, env, tags });
    this.deadLetterBucketName = deadLetter.bucketName;
    const x = props.export ?? {};
    this.exportPrefix = x.prefix ?? DEFAULTS.exportPrefix;
    let exportKeyArn: string | undefined;
    if (x.enabled ?? DEFAULTS.export) {
      if (x.existingBucket) {
        this.exportBucketName = x.existingBucket.name;
        exportKeyArn = x.existingBucket.kmsKeyArn;
      } else {
        const bucket = new HardenedBucket(this, 'exports', {
          namePrefix: `${name}-exports-`,
          encryption: { kmsKeyArn: this.kmsKeyArn },
          lifecycle: [{ id: 'expire-exports', prefix: this.exportPrefix, expirationDays: x.expirationDays ?? DEFAULTS.exportExpirationDays, transitions: x.transitions }],
          tags,
        });
        this.exportBucketName = bucket.bucket.bucket;
        exportKeyArn = this.kmsKeyArn;
      }
    }

    // --- Wrangler
    const os = props.opensearch;
    const environment: Record<string, string> = {
      ...(os ? openSearchEnvironment(os, DEFAULTS) : {}),
      [PEXIP_ENV.deadLetterBucket]: this.deadLetterBucketName,
      [PEXIP_ENV.deadLetterPrefix]: deadLetter.prefix,
    };
    if (this.exportBucketName) {
      environment[PEXIP_ENV.exportBucket] = this.exportBucketName;
      environment[PEXIP_ENV.exportPrefix] = this.exportPrefix;
    }
    if (jsonOn) environment[PEXIP_ENV.jsonLogGroupSuffix] = suffix;
    this.wrangler = new BundledFunction(this, 'wrangler', {
      functionName: wranglerName,
      functionDir: 'pexip-wrangler',
      description: `Wrangles Pexip Infinity logs from stream ${name} into JSON records`,
      runtime: w.runtime,
      architecture: w.architecture,
      memorySize: w.memorySize ?? DEFAULTS.memorySize,
      timeout: w.timeout ?? DEFAULTS.timeout,
      applicationLogLevel: w.logLevel ?? DEFAULTS.logLevel,
      logRetentionDays: w.logRetentionDays ?? DEFAULTS.logRetentionDays,
      logKmsKeyArn: this.kmsKeyArn,
      reservedConcurrency: w.reservedConcurrency,
      vpc: w.vpc,
      bundleAwsSdk: w.bundleAwsSdk,
      environment,
      tags,
      policyStatements: [
        ...streamConsumerStatements(env, { streamArn: this.streamArn, streamKeyArn: stream.keyArn, queueArn, queueKeyArn: fq.existingQueue ? fq.existingQueue.kmsKeyArn : this.kmsKeyArn }),
        ...(this.exportBucketName ? exportWriteStatements(env, this.exportBucketName, this.exportPrefix, exportKeyArn) : []),
        ...jsonCopyStatements(Object.values(this.jsonLogGroups).map((g) => g!.arn)),
        ...deadLetter.writeStatements,
        ...(os ? openSearchWriteStatements(os) : []),
        ...(props.extraPolicyStatements ?? []),
      ],
    });
    // The wrangler reports the batch's first record when anything must be retried (its README), so
    // a redelivered batch starts where the first did and overwrites its own S3 objects.
    this.eventSourceMapping = kinesisEventSource(this, 'event_source', {
      streamArn: this.streamArn,
      functionArn: this.wrangler.function.arn,
      failureQueueArn: queueArn,
      options: props.eventSource,
      defaults: DEFAULTS,
      dependsOn: [this.wrangler.rolePolicy],
      // No bisecting: the wrangler never fails on a line (unreadable ones are exported as such), and a
      // split batch would start at another record, so its S3 objects would not overwrite the first try's.
      bisectOnFunctionError: false,
      tags,
    });

    // --- The syslog server: role and instance profile writing only the RAW groups; agent and rsyslog configuration
    this.syslogRole = new IamRole(this, 'syslog_role', {
      name: `${name}-syslog-server`,
      description: 'Pexip syslog server: the CloudWatch agent writes the RAW log groups',
      assumeRolePolicy: trustPolicy(this, 'syslog_trust', 'ec2.amazonaws.com'),
      tags,
    });
    new IamRolePolicy(this, 'syslog_role_policy', {
      name: 'write-raw-pexip-logs',
      role: this.syslogRole.id,
      policy: policyDocument(this, 'syslog_policy', syslogAgentStatements(Object.values(this.rawLogGroups).map((g) => g!.arn))),
    });
    this.syslogInstanceProfile = new IamInstanceProfile(this, 'syslog_instance_profile', { name: `${name}-syslog-server`, role: this.syslogRole.name, tags });
    this.agentConfig = cloudWatchAgentConfig(kinds, props.agent);
    this.rsyslogConfig = rsyslogConfig(props.agent);

    // --- Saved Logs Insights queries of the original project, on the support group users query
    const queryGroup = this.jsonLogGroups.support ?? this.rawLogGroups.support!;
    for (const [queryName, queryString] of Object.entries(SAVED_QUERIES)) {
      new CloudwatchQueryDefinition(this, `query_${queryName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^_/, '')}`, {
        name: `${name}/${queryName}`,
        logGroupNames: [queryGroup.name],
        queryString,
      });
    }

    // --- Alarms (the log pipeline's: iterator age, errors, throttles, failure queue, dead letters)
    if (alarmsEnabled(props.alarms)) {
      this.alarms = new MetricAlarms(this, 'alarms', {
        name,
        specs: pipelineAlarmSpecs({
          functionName: this.wrangler.function.functionName,
          queueName: queue?.name ?? queueNameOf(fq.existingQueue!.arn),
          iteratorAgeThresholdMs: props.alarms?.iteratorAgeThresholdMs ?? DEFAULTS.iteratorAgeThresholdMs,
        }),
        topicArn: props.alarms?.topicArn,
        tags,
      }).alarms;
    }

    // --- Outputs
    const output = (oid: string, value: string, description: string) => new TerraformOutput(this, oid, { value, description });
    output('stream_arn', this.streamArn, 'Kinesis stream the RAW groups are subscribed to');
    output('kms_key_arn', this.kmsKeyArn, 'KMS key of the log groups, stream, queue and buckets');
    output('wrangler_function_name', this.wrangler.function.functionName, 'Pexip wrangler Lambda function name');
    output('wrangler_role_arn', this.wrangler.role.arn, 'Wrangler execution role (map it to an OpenSearch backend role when indexing)');
    if (this.exportBucketName) output('export_bucket', this.exportBucketName, 'S3 bucket of the Athena export (under the export prefix)');
    output('dead_letter_bucket', this.deadLetterBucketName, 'S3 bucket of lines a destination refused for good');
    output('failure_queue_url', this.failureQueueUrl, 'SQS queue receiving metadata of batches the wrangler gave up on');
    output('syslog_role_arn', this.syslogRole.arn, 'Role of the syslog server (CloudWatch agent)');
    output('syslog_instance_profile_name', this.syslogInstanceProfile.name, 'Instance profile to attach to the syslog server');
    output('cloudwatch_agent_config', this.agentConfig, 'amazon-cloudwatch-agent.json for the syslog server (one line of JSON)');
    new TerraformOutput(this, 'rsyslog_config', { value: this.rsyslogConfig, description: "/etc/rsyslog.d/30-pexip.conf for the syslog server, one line per element (terraform output -json <id>_rsyslog_config | jq -r '.[]')" });
  }
}
