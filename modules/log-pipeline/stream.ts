import { Construct } from 'constructs';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { DEFAULTS, type StreamOptions } from './props';

/** The pipeline's stream (created with KMS, or the given one) and the key that encrypts it. */
export function pipelineStream(scope: Construct, name: string, s: StreamOptions, kmsKeyArn: string, tags?: Record<string, string>): { arn: string; keyArn?: string } {
  if (s.existingStreamArn) return { arn: s.existingStreamArn, keyArn: s.existingStreamKmsKeyArn };
  const mode = s.mode ?? DEFAULTS.streamMode;
  const stream = new KinesisStream(scope, 'stream', {
    name,
    retentionPeriod: s.retentionHours ?? DEFAULTS.retentionHours,
    streamModeDetails: { streamMode: mode },
    shardCount: mode === 'PROVISIONED' ? s.shardCount : undefined,
    encryptionType: 'KMS',
    kmsKeyId: kmsKeyArn,
    tags,
  });
  return { arn: stream.arn, keyArn: kmsKeyArn };
}
