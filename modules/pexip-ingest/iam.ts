import type { DeployEnvironment } from '../common/environment';
import { viaService } from '../common/encryption-key';
import type { PolicyStatement } from '../common/iam';

/**
 * The Pexip ingest's own statements (stream, queue, dead letters and OpenSearch come from
 * modules/log-pipeline and modules/common). Pure functions of ARNs; values may be tokens.
 */

/** The wrangler writes export objects under its prefix only, encrypted with the bucket's key. */
export function exportWriteStatements(env: DeployEnvironment, bucketName: string, prefix: string, keyArn?: string): PolicyStatement[] {
  const out: PolicyStatement[] = [{ sid: 'WriteExportObjects', actions: ['s3:PutObject'], resources: [`arn:${env.partition}:s3:::${bucketName}/${prefix}*`] }];
  if (keyArn) out.push({ sid: 'EncryptExportObjects', actions: ['kms:GenerateDataKey'], resources: [keyArn], conditions: viaService('s3', env) });
  return out;
}

/** The wrangler creates streams in and writes to the JSON groups; it never creates groups. */
export function jsonCopyStatements(jsonGroupArns: string[]): PolicyStatement[] {
  if (jsonGroupArns.length === 0) return [];
  return [{ sid: 'WriteJsonCopy', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: jsonGroupArns.map((a) => `${a}:*`) }];
}

/** The syslog server's CloudWatch agent: write its node streams in the RAW groups, nothing else. */
export function syslogAgentStatements(rawGroupArns: string[]): PolicyStatement[] {
  return [
    {
      sid: 'WriteRawPexipLogs',
      // What the agent calls for a configured group and stream (it creates the stream when missing).
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: rawGroupArns.map((a) => `${a}:*`),
    },
  ];
}
