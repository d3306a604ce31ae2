import type { Context } from 'aws-lambda';

let invocation = 0;

/** A Lambda context whose remaining time counts down from `remainingMs` in real time. */
export function lambdaContext(opts: { remainingMs?: number; functionName?: string; requestId?: string } = {}): Context {
  const functionName = opts.functionName ?? 'logs-shipper';
  const deadline = Date.now() + (opts.remainingMs ?? 60_000);
  const requestId = opts.requestId ?? `00000000-0000-4000-8000-${String(++invocation).padStart(12, '0')}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2024/01/02/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
