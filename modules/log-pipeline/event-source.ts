import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { DEFAULTS, type EventSourceOptions } from './props';

export interface KinesisEventSourceProps {
  readonly streamArn: string;
  readonly functionArn: string;
  /** The function role's policy: Lambda checks the stream permissions when the mapping is created. */
  readonly rolePolicy: ITerraformDependable;
  readonly failureQueueArn: string;
  readonly options?: EventSourceOptions;
  readonly tags?: Record<string, string>;
}

/**
 * Stream → function, the way every Kinesis consumer of this project reads: the function reports
 * only the records that failed transiently; bisecting isolates a record that makes the whole
 * invocation fail; retries and record age are bounded, and what is given up on leaves its
 * metadata in the failure queue.
 */
export function kinesisEventSource(scope: Construct, id: string, p: KinesisEventSourceProps): LambdaEventSourceMapping {
  const e = p.options ?? {};
  return new LambdaEventSourceMapping(scope, id, {
    eventSourceArn: p.streamArn,
    functionName: p.functionArn,
    startingPosition: e.startingPosition ?? DEFAULTS.startingPosition,
    batchSize: e.batchSize ?? DEFAULTS.batchSize,
    maximumBatchingWindowInSeconds: e.maxBatchingWindowSeconds ?? DEFAULTS.maxBatchingWindowSeconds,
    parallelizationFactor: e.parallelizationFactor ?? DEFAULTS.parallelizationFactor,
    functionResponseTypes: ['ReportBatchItemFailures'],
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: e.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts,
    maximumRecordAgeInSeconds: e.maximumRecordAgeSeconds ?? DEFAULTS.maximumRecordAgeSeconds,
    destinationConfig: { onFailure: { destinationArn: p.failureQueueArn } },
    dependsOn: [p.rolePolicy],
    tags: p.tags,
  });
}
