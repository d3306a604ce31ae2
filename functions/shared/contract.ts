/**
 * Rules every function and construct shares, written once. Constructs import them to set
 * environment variables, IAM resources, alarms and to validate props; the functions' config
 * readers import them to validate the same values at run time; the docs and Terraform variable
 * validations are generated from them. Patterns are RE2-compatible (no lookaround, no
 * backreferences) so Terraform's `regex()` can carry the same rule.
 */

/** A validation rule: the pattern and the phrase error messages use ("must be <describe>"). */
export interface TextRule {
  readonly pattern: RegExp;
  readonly describe: string;
}

/** CloudWatch namespace and dimension of every function's EMF summary line. */
export const METRIC_NAMESPACE = 'LogsToOpenSearch';
export const METRIC_DIMENSION = 'FunctionName';

/** OpenSearch index name prefix: lower case, no characters OpenSearch forbids, not starting with -, _ or +. */
export const INDEX_PREFIX_RULE: TextRule = {
  pattern: /^[a-z0-9][a-z0-9._-]{0,100}$/,
  describe: 'a lower-case index name prefix (a-z, 0-9, ".", "_", "-", starting with a letter or digit, at most 101 characters)',
};

/** CloudWatch Logs log group name (the service's own rule). */
export const LOG_GROUP_NAME_RULE: TextRule = {
  pattern: /^[\w\-./#]{1,512}$/,
  describe: 'a log group name (1..512 of a-z, A-Z, 0-9, "_", "-", "/", ".", "#")',
};

/** S3 key prefix of dead-letter objects: relative, ends with "/". */
export const KEY_PREFIX_RULE: TextRule = {
  pattern: /^[\w!.*'()-][\w!.*'()/-]*\/$/,
  describe: 'a relative S3 key prefix ending with "/"',
};

/**
 * OpenSearch endpoint: https:// (a path prefix is kept for proxies), or plain http:// to a
 * loopback address only (local testing): logs and signed requests never travel in plaintext.
 */
export const ENDPOINT_RULE: TextRule = {
  pattern: /^(https:\/\/[A-Za-z0-9.-]+|http:\/\/(127\.0\.0\.1|localhost|\[::1\]))(:[0-9]{1,5})?(\/[A-Za-z0-9._~\/-]*)?$/,
  describe: 'an https:// URL (http:// only to 127.0.0.1, localhost or [::1])',
};

export const OPENSEARCH_SERVICES = ['es', 'aoss'] as const;
export type OpenSearchService = (typeof OPENSEARCH_SERVICES)[number];

/** Bounds of one `_bulk` request body (uncompressed bytes): every domain accepts 10 MiB at least. */
export const BULK_BYTES = { min: 64 * 1024, max: 100 * 1024 * 1024, default: 5 * 1024 * 1024 } as const;
/** Requests in flight at once per invocation. */
export const BULK_CONCURRENCY = { min: 1, max: 32 } as const;

/**
 * Environment variables of the OpenSearch target, the same in every function. Each key's TSDoc
 * is the variable's meaning in the function READMEs' generated environment tables (`npm run docs`).
 */
export const TARGET_ENV = {
  /**
   * URL of the domain or collection (a path prefix is kept; `/_bulk` is appended): {@value ENDPOINT_RULE.describe}.
   * Plain http is for local tests: logs and signed requests never travel in plaintext over a network.
   * @default required
   */
  endpoint: 'OPENSEARCH_ENDPOINT',
  /** SigV4 service: `es` (OpenSearch Service domain) or `aoss` (OpenSearch Serverless collection). */
  service: 'OPENSEARCH_SERVICE',
  /** Prefix of every index name, {@value INDEX_PREFIX_RULE.describe}. */
  indexPrefix: 'INDEX_PREFIX',
  /** Upper bound of one `_bulk` request body, uncompressed bytes ({@value BULK_BYTES.min}..{@value BULK_BYTES.max}); a single larger document is truncated to fit (`@truncated`). */
  maxBulkBytes: 'MAX_BULK_BYTES',
  /** `_bulk` requests in flight at once (and keep-alive sockets), {@value BULK_CONCURRENCY.min}..{@value BULK_CONCURRENCY.max}; while this many are pending the function waits before adding more (backpressure). */
  concurrency: 'BULK_CONCURRENCY',
  /** Gzip request bodies (`Content-Encoding: gzip`): less traffic, more CPU. */
  gzip: 'BULK_GZIP',
} as const;

/** Environment variables of the dead-letter destination, the same in every function. */
export const DEAD_LETTER_ENV = {
  /** S3 bucket receiving what is dead-lettered (the constructs create one unless given). @default required */
  deadLetterBucket: 'DEAD_LETTER_BUCKET',
  /** Key prefix of dead-letter objects: {@value KEY_PREFIX_RULE.describe}; keys continue `<yyyy>/<mm>/<dd>/<function>/<request id>-<kind>-<n>.jsonl`. */
  deadLetterPrefix: 'DEAD_LETTER_PREFIX',
} as const;

/** Default key prefix of dead-letter objects (the key continues with date and function name). */
export const DEFAULT_DEAD_LETTER_PREFIX = 'dead-letter/';

/** `true` when `value` satisfies `rule`. */
export function satisfies(rule: TextRule, value: string): boolean {
  return rule.pattern.test(value);
}

/** S3 bucket name (the general-purpose bucket naming rule). */
export const BUCKET_NAME_RULE: TextRule = {
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  describe: 'an S3 bucket name (3..63 of a-z, 0-9, ".", "-")',
};

/** An IAM role ARN (with an optional path): FGAC mappings, data access policies, master users. */
export const IAM_ROLE_ARN_RULE: TextRule = {
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/,
  describe: 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
};
