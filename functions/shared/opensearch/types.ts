/** One document for the `_bulk` API, as callers hand it to the bulk client. */
export interface BulkItem<R = unknown> {
  /** Target index. */
  index: string;
  /** Document id; omit for OpenSearch Serverless time-series collections (they reject custom ids). */
  id?: string;
  /** `create` makes a redelivered id answer 409 (counted as duplicate); `index` overwrites / appends. */
  action: 'create' | 'index';
  /** The document, already JSON-serialized on one line (no newline). */
  source: string;
  /** Caller bookkeeping (Kinesis sequence number, file line...), returned untouched in failures. */
  ref: R;
}

export interface ItemFailure<R> {
  item: BulkItem<R>;
  /** HTTP status of the item (or of the whole request; 0 for network errors and deadline aborts). */
  status: number;
  error: string;
}

export interface BulkOutcome<R> {
  /** Items OpenSearch accepted (2xx). */
  indexed: number;
  /** `create` items answered 409: already indexed by an earlier delivery, not a failure. */
  duplicates: number;
  /** Items still failing transiently (429/502/503/504/network/auth) when the deadline came. */
  transientFailures: ItemFailure<R>[];
  /** Items rejected for good (400 mapping errors and the like): dead-letter them. */
  permanentFailures: ItemFailure<R>[];
  /** Items whose source exceeded the request cap and were sent truncated (marker field added). */
  truncated: number;
  /** HTTP requests made, including retries. */
  requests: number;
  /** Requests that re-sent items after a transient failure or a 413 split. */
  retries: number;
  /** Request body bytes on the wire (after gzip when enabled). */
  bytesSent: number;
  /** Wall time of each HTTP request, in order of completion. */
  latenciesMs: number[];
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface BulkClientConfig {
  /** `https://host[:port][/path]`; `http://` for local testing. */
  endpoint: string;
  /** SigV4 signing service: `es` (managed domains) or `aoss` (Serverless). */
  service: 'es' | 'aoss';
  region: string;
  /** Cap on one request body (uncompressed NDJSON bytes). @default 5 MiB */
  maxBulkBytes?: number;
  /** Requests in flight at once, and sockets per host in the keep-alive agent. @default 4 */
  concurrency?: number;
  /** Gzip request bodies (`Content-Encoding: gzip`). @default false */
  gzip?: boolean;
  /** Credentials source; defaults to AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN read per request. */
  credentials?: () => Promise<AwsCredentials>;
  /** Retry tuning; defaults suit a Lambda invocation. */
  retry?: Partial<RetryPolicy>;
  /** Sign requests (turn off only for unsigned local endpoints). @default true */
  sign?: boolean;
  /**
   * Send each body to `/<index>/_bulk`, one index per body, with action lines that name no
   * `_index` (24 bytes less per item for `cwl-YYYY.MM.DD`). Needs `es:ESHttpPost` on
   * `<domain>/*\/_bulk` (modules/common/opensearch-target.ts, `indexPaths`). @default false
   */
  indexInPath?: boolean;
}

export interface RetryPolicy {
  /** First backoff ceiling in ms; doubles per attempt. @default 100 */
  baseDelayMs: number;
  /** Largest backoff ceiling in ms. @default 5000 */
  maxDelayMs: number;
  /** No new attempt starts when less than this remains before the deadline. @default 250 */
  minAttemptMs: number;
  /** Upper bound of attempts per item, deadline permitting. @default 10 */
  maxAttempts: number;
}

export interface SendOptions {
  /** Epoch ms by which sending must end; the caller subtracts its own safety margin. */
  deadlineMs: number;
}

/**
 * Streaming use of the client: items are encoded into the current request body as they are
 * added (their strings can be collected at once), full bodies go out while the caller keeps
 * producing. `add` returns a promise when `concurrency` bodies are already pending: await it
 * (backpressure) before adding more.
 */
export interface BulkSession<R> {
  add(item: BulkItem<R>): Promise<void> | undefined;
  /**
   * `add` for several items at once (the same result; faster: one UTF-8 write when they fit the
   * current body). The items may be reused by the caller as soon as it returns.
   */
  addMany(items: readonly BulkItem<R>[]): Promise<void> | undefined;
  /**
   * As `add`, for an item whose bytes the caller writes itself (action line, source, newline)
   * straight into the request body: no strings per item. Optional: sessions without it take `add`.
   */
  addWritten?(item: Omit<BulkItem<R>, 'source'>, writer: ItemWriter): Promise<void> | undefined;
  /** Sends the last body, waits for every request and retry, and returns the outcome. */
  finish(): Promise<BulkOutcome<R>>;
}

/** Writes one whole `_bulk` item (action line, source, newline) into a request body. */
export interface ItemWriter {
  /** Most bytes `write` may write. */
  readonly maxBytes: number;
  /** Writes the item at `buf[at]` (room for `maxBytes` is there) and returns the offset after its newline. */
  write(buf: Buffer, at: number): number;
  /** Offset of the source (after the action line) in the last `write`. */
  readonly sourceStart: number;
}

export interface BulkClient {
  /** Sends a whole array of items (a session fed from the array). */
  send<R>(items: BulkItem<R>[], opts: SendOptions): Promise<BulkOutcome<R>>;
  open<R>(opts: SendOptions): BulkSession<R>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}
