import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import type { EventSourceOptions } from '../log-pipeline/props';
import { checkInt, checkIntRule, type Fail, type IntRule } from './validation';

/** Kinesis records per invocation. */
export const BATCH_SIZE_RULE: IntRule = { min: 1, max: 10_000 };

/**
 * A function's Kinesis event source mapping with the settings every stream consumer here shares:
 * partial-batch responses, bisect on function error, finite retries and record age, an on-failure
 * queue. (The LogPipeline builds the same mapping inline; it can switch to this one.)
 */
export function validateEventSource(e: EventSourceOptions | undefined, fail: Fail): void {
  const o = e ?? {};
  checkIntRule(fail, 'eventSource.batchSize', o.batchSize, BATCH_SIZE_RULE);
  checkInt(fail, 'eventSource.maxBatchingWindowSeconds', o.maxBatchingWindowSeconds, 0, 300, ' s');
  checkInt(fail, 'eventSource.parallelizationFactor', o.parallelizationFactor, 1, 10);
  checkInt(fail, 'eventSource.maximumRetryAttempts', o.maximumRetryAttempts, 0, 10_000, ' (finite: -1 is refused)');
  checkInt(fail, 'eventSource.maximumRecordAgeSeconds', o.maximumRecordAgeSeconds, 60, 604_800, ' s (finite: -1 is refused)');
}

export interface KinesisEventSourceProps {
  readonly streamArn: string;
  readonly functionArn: string;
  readonly failureQueueArn: string;
  readonly options?: EventSourceOptions;
  readonly defaults: Required<EventSourceOptions>;
  /** Split a batch whose invocation fails, to isolate a record that crashes the function. @default true */
  readonly bisectOnFunctionError?: boolean;
  /** Lambda checks the role's stream permissions when the mapping is created. */
  readonly dependsOn: ITerraformDependable[];
  readonly tags?: Record<string, string>;
}

export function kinesisEventSource(scope: Construct, id: string, p: KinesisEventSourceProps): LambdaEventSourceMapping {
  const e = p.options ?? {};
  const d = p.defaults;
  return new LambdaEventSourceMapping(scope, id, {
    eventSourceArn: p.streamArn,
    functionName: p.functionArn,
    startingPosition: e.startingPosition ?? d.startingPosition,
    batchSize: e.batchSize ?? d.batchSize,
    maximumBatchingWindowInSeconds: e.maxBatchingWindowSeconds ?? d.maxBatchingWindowSeconds,
    parallelizationFactor: e.parallelizationFactor ?? d.parallelizationFactor,
    functionResponseTypes: ['ReportBatchItemFailures'],
    bisectBatchOnFunctionError: p.bisectOnFunctionError ?? true,
    maximumRetryAttempts: e.maximumRetryAttempts ?? d.maximumRetryAttempts,
    maximumRecordAgeInSeconds: e.maximumRecordAgeSeconds ?? d.maximumRecordAgeSeconds,
    destinationConfig: { onFailure: { destinationArn: p.failureQueueArn } },
    dependsOn: p.dependsOn,
    tags: p.tags,
  });
}
