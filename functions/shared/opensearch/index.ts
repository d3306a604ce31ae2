export { createBulkClient, BULK_DEFAULTS } from './client';
export { actionLine } from './ndjson';
export { classifyItemStatus, classifyRequestStatus, parseBulkResponse } from './response';
export type { ItemResult, ItemVerdict, RequestVerdict } from './response';
export { truncateDocument, cutUtf8, TRUNCATED_FIELD, ORIGINAL_BYTES_FIELD } from './truncate';
export { fullJitterDelay } from './backoff';
export { envCredentials, signRequest } from './signer';
export type { AwsCredentials, BulkClient, BulkClientConfig, BulkItem, BulkOutcome, ItemFailure, RetryPolicy, SendOptions } from './types';
