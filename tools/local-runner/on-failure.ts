import type { _Record } from '@aws-sdk/client-kinesis';

/** Why Lambda gave up on a batch, as it writes it in `requestContext.condition`. */
export type OnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/**
 * The JSON document Lambda sends to a Kinesis event source mapping's on-failure destination:
 * metadata about the discarded batch, never the records themselves (a consumer re-reads them
 * from the stream by sequence number while they are retained).
 */
export interface OnFailureRecord {
  requestContext: { requestId: string; functionArn: string; condition: OnFailureCondition; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

export function buildOnFailureRecord(input: {
  requestId: string;
  functionArn: string;
  condition: OnFailureCondition;
  invokeCount: number;
  functionError: string | undefined;
  shardId: string;
  streamArn: string;
  records: _Record[];
  now: Date;
}): OnFailureRecord {
  const first = input.records[0]!;
  const last = input.records[input.records.length - 1]!;
  return {
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(input.functionError ? { functionError: input.functionError } : {}),
    },
    version: '1.0',
    timestamp: input.now.toISOString(),
    KinesisBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first.SequenceNumber!,
      endSequenceNumber: last.SequenceNumber!,
      approximateArrivalOfFirstRecord: (first.ApproximateArrivalTimestamp ?? input.now).toISOString(),
      approximateArrivalOfLastRecord: (last.ApproximateArrivalTimestamp ?? input.now).toISOString(),
      batchSize: input.records.length,
      streamArn: input.streamArn,
    },
  };
}
