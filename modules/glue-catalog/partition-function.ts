import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { GLUE_PARTITIONS_ENV as E } from '../../functions/glue-partitions/contract';
import type { PexipMetadata } from '../../functions/glue-partitions/core/metadata';
import { BundledFunction, type FunctionOptions } from '../common/bundled-function';
import type { DeployEnvironment } from '../common/environment';
import type { PolicyStatement } from '../common/iam';

export interface PartitionFunctionProps {
  readonly name: string;
  readonly env: DeployEnvironment;
  readonly exportBucket: string;
  readonly exportPrefix: string;
  readonly databases: string[];
  /** Account of the Glue catalog (cross-account); the function's own when absent. */
  readonly catalogId?: string;
  /** A user's metadata (uploaded next to the query results); the bundled copy when absent. */
  readonly metadata?: { readonly value: PexipMetadata; readonly bucket: string; readonly bucketArn: string; readonly kmsKeyArn: string };
  readonly kmsKeyArn: string;
  readonly options?: FunctionOptions;
  readonly extraPolicyStatements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

/** Key of an uploaded metadata file in the results bucket (outside the results' expiry prefix). */
export const METADATA_KEY = 'config/pexip_logs_metadata.json';

/** What the function calls: Glue on its databases' tables and partitions, and the metadata object. */
export function partitionFunctionStatements(p: PartitionFunctionProps): PolicyStatement[] {
  const glue = `arn:${p.env.partition}:glue:${p.env.region}:${p.catalogId ?? p.env.accountId}`;
  const out: PolicyStatement[] = [
    {
      sid: 'ManageTablesAndPartitions',
      actions: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable', 'glue:CreateDatabase', 'glue:BatchCreatePartition'],
      resources: [`${glue}:catalog`, ...p.databases.flatMap((d) => [`${glue}:database/${d}`, `${glue}:table/${d}/*`])],
    },
  ];
  if (p.metadata) {
    out.push({ sid: 'ReadMetadata', actions: ['s3:GetObject'], resources: [`${p.metadata.bucketArn}/${METADATA_KEY}`] });
    out.push({ sid: 'DecryptMetadata', actions: ['kms:Decrypt'], resources: [p.metadata.kmsKeyArn] });
  }
  return [...out, ...(p.extraPolicyStatements ?? [])];
}

/**
 * The glue-partitions function for catalogs without projection: invoked by EventBridge for each
 * object the wrangler writes under the export prefix (the bucket's notification configuration
 * stays free; the bucket must send events to EventBridge), it creates or updates the Pexip tables
 * and adds their partitions.
 */
export class PartitionFunction extends Construct {
  readonly fn: BundledFunction;
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, p: PartitionFunctionProps) {
    super(scope, id);
    const environment: Record<string, string> = { [E.exportBucket]: p.exportBucket, [E.exportPrefix]: p.exportPrefix };
    if (p.catalogId) environment[E.catalogId] = p.catalogId;
    if (p.metadata) {
      const object = new S3Object(this, 'metadata', {
        bucket: p.metadata.bucket,
        key: METADATA_KEY,
        content: JSON.stringify(p.metadata.value),
        contentType: 'application/json',
        tags: p.tags,
      });
      environment[E.metadataUri] = `s3://${object.bucket}/${object.key}`;
    }
    const o = p.options ?? {};
    this.fn = new BundledFunction(this, 'function', {
      functionName: o.functionName ?? `${p.name}-partitions`,
      functionDir: 'glue-partitions',
      description: 'Adds Glue partitions (and creates or updates tables) for objects the Pexip wrangler exports',
      runtime: o.runtime,
      architecture: o.architecture,
      memorySize: o.memorySize ?? 256,
      timeout: o.timeout ?? 60,
      applicationLogLevel: o.logLevel,
      reservedConcurrency: o.reservedConcurrency,
      logRetentionDays: o.logRetentionDays ?? 30,
      logKmsKeyArn: p.kmsKeyArn,
      vpc: o.vpc,
      bundleAwsSdk: o.bundleAwsSdk,
      environment,
      policyStatements: partitionFunctionStatements(p),
      tags: p.tags,
    });
    this.rule = new CloudwatchEventRule(this, 'object_created', {
      name: `${p.name}-partitions`,
      description: 'Objects the Pexip wrangler exports',
      // jsonencode: the pattern holds a bucket reference (cdktf's HCL output garbles it inside a JSON string).
      eventPattern: Fn.jsonencode({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [p.exportBucket] }, object: { key: [{ prefix: p.exportPrefix }] } },
      }),
      tags: p.tags,
    });
    new LambdaPermission(this, 'allow_eventbridge', {
      statementId: 'AllowEventBridgeObjectCreated',
      action: 'lambda:InvokeFunction',
      functionName: this.fn.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
    });
    new CloudwatchEventTarget(this, 'target', { rule: this.rule.name, arn: this.fn.function.arn });
  }
}
