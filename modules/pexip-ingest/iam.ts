import type { DeployEnvironment } from '../common/environment';
import { viaService } from '../common/encryption-key';
import type { PolicyStatement } from '../common/iam';

/** The wrangler's export grant: PutObject under the export prefix, and the bucket key when there is one. */
export function exportStatements(env: DeployEnvironment, bucketName: string, prefix: string, keyArn?: string): PolicyStatement[] {
  const out: PolicyStatement[] = [{ sid: 'WriteExport', actions: ['s3:PutObject'], resources: [`arn:${env.partition}:s3:::${bucketName}/${prefix}*`] }];
  if (keyArn) out.push({ sid: 'EncryptExport', actions: ['kms:GenerateDataKey'], resources: [keyArn], conditions: viaService('s3', env) });
  return out;
}

/** The JSON copy: streams and events in the `_JSON` groups (which the construct creates: no CreateLogGroup). */
export function jsonCopyStatements(jsonGroupArns: string[]): PolicyStatement[] {
  return [{ sid: 'WriteJsonCopy', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: jsonGroupArns.map((a) => `${a}:*`) }];
}

/** The syslog server's CloudWatch agent: streams and events in the RAW groups, nothing else. */
export function syslogAgentStatements(rawGroupArns: string[]): PolicyStatement[] {
  return [
    {
      sid: 'WriteRawGroups',
      // DescribeLogStreams: the agent checks for its stream before creating it.
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: rawGroupArns.map((a) => `${a}:*`),
    },
  ];
}
