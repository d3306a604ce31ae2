import { LogPipeline, LogPipelineProps } from '../../../modules/log-pipeline';
import { TfJson, synth } from '../../support/synth';

export const DOMAIN_ARN = 'arn:aws:es:eu-west-1:123456789012:domain/logs';

/** Minimal valid props: two log groups, an `es` domain, everything else default. */
export const baseProps: LogPipelineProps = {
  name: 'test-logs',
  logGroupNames: ['/aws/lambda/app', '/ecs/web'],
  opensearch: { endpoint: 'https://search-logs.eu-west-1.es.amazonaws.com', domainArn: DOMAIN_ARN },
};

/** Synthesizes one LogPipeline with construct id `logs` (logical ids start with `logs_`). */
export function synthPipeline(overrides: Partial<LogPipelineProps> = {}): TfJson {
  return synth((scope) => new LogPipeline(scope, 'logs', { ...baseProps, ...overrides }));
}

// Terraform references of resources the tests check against.
export const REF = {
  key: '${aws_kms_key.logs_key.arn}',
  stream: '${aws_kinesis_stream.logs_stream.arn}',
  queue: '${aws_sqs_queue.logs_failure_queue.arn}',
  bucket: '${aws_s3_bucket.logs_dead_letter_bucket.bucket}',
  subscriptionRole: '${aws_iam_role.logs_subscription_role.arn}',
  partition: '${data.aws_partition.logs_partition.partition}',
  region: '${data.aws_region.logs_region.region}',
  account: '${data.aws_caller_identity.logs_account.account_id}',
} as const;
