/**
 * Transient or permanent, for an AWS SDK v3 error: throttling, 5xx, timeouts and network errors
 * (no HTTP answer) are worth retrying; any other 4xx (access denied, no such bucket or group,
 * invalid parameter) will fail the same way again and goes to the dead letters with its reason.
 */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'ServiceUnavailable',
  'ServiceUnavailableException', 'InternalError', 'InternalFailure', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
  'LimitExceededException', 'OperationAbortedException',
]);

export function isTransientAwsError(err: unknown): boolean {
  const e = err as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  if (!e || typeof e !== 'object') return true;
  if (e.$retryable) return true;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return true; // no answer: network, DNS, abort
  return status === 429 || status >= 500;
}

export function describeAwsError(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name ?? 'Error'}${status ? ` (${status})` : ''}: ${e?.message ?? String(err)}`;
}
