import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** A Lambda-like invocation context whose remaining time counts down from the configured timeout. */
export function invocationContext(opts: { functionName: string; region: string; accountId: string; timeoutMs: number; memoryMb?: number }): Context {
  const deadline = Date.now() + opts.timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: opts.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(opts),
    memoryLimitInMB: String(opts.memoryMb ?? 512),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${opts.functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function functionArn(opts: { functionName: string; region: string; accountId: string }): string {
  return `arn:aws:lambda:${opts.region}:${opts.accountId}:function:${opts.functionName}`;
}
