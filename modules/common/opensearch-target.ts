import { BULK_BYTES, ENDPOINT_RULE, INDEX_PREFIX_RULE, OPENSEARCH_SERVICES, TARGET_ENV, type OpenSearchService, type TextRule } from '../../functions/shared/contract';
import type { PolicyStatement } from './iam';
import { checkIntRule, isLiteral, numberText, type Fail } from './validation';

/**
 * Where a function writes: one OpenSearch Service domain or one Serverless collection. Every
 * construct that indexes takes this shape (as its `opensearch` prop), renders its environment
 * with `openSearchEnvironment` and its IAM with `openSearchWriteStatements`.
 */
export interface OpenSearchTarget {
  /** HTTPS endpoint of the domain or collection, e.g. `https://search-x.eu-west-1.es.amazonaws.com` (a path prefix is kept). */
  readonly endpoint: string;
  /** `es` for an OpenSearch Service domain, `aoss` for a Serverless collection. @default 'es' */
  readonly service?: OpenSearchService;
  /** Domain ARN (service `es`): the function may only POST to `<domainArn>/_bulk`. */
  readonly domainArn?: string;
  /** Collection ARN (service `aoss`): IAM allows `aoss:APIAccessAll` on it only; index rights come from its data access policy. */
  readonly collectionArn?: string;
  /** Index name prefix. @default the module's (see its README) */
  readonly indexPrefix?: string;
  /** Upper bound of one `_bulk` request body, bytes (65,536..104,857,600). @default the function's (see its README) */
  readonly maxBulkBytes?: number;
}

export const OPENSEARCH_TARGET_DEFAULTS = { service: 'es' } as const;

/** ARN rules of the two kinds of target (RE2-compatible: the registry modules' variables carry them). */
export const DOMAIN_ARN_RULE: TextRule = { pattern: /^arn:aws[a-z-]*:es:[a-z0-9-]+:\d{12}:domain\/[a-z][a-z0-9-]{2,27}$/, describe: 'an OpenSearch Service domain ARN (arn:aws:es:<region>:<account>:domain/<name>)' };
export const COLLECTION_ARN_RULE: TextRule = { pattern: /^arn:aws[a-z-]*:aoss:[a-z0-9-]+:\d{12}:collection\/[a-z0-9]+$/, describe: 'an OpenSearch Serverless collection ARN (arn:aws:aoss:<region>:<account>:collection/<id>)' };
export const DOMAIN_ARN_PATTERN = DOMAIN_ARN_RULE.pattern;
export const COLLECTION_ARN_PATTERN = COLLECTION_ARN_RULE.pattern;

/** Checks a target; `fail` throws with the construct's name in front. Unresolved tokens are left to plan time. */
export function validateOpenSearchTarget(t: OpenSearchTarget, fail: Fail, where = 'opensearch'): void {
  if (t.endpoint === undefined || t.endpoint === '') fail(`${where}.endpoint is required`);
  if (isLiteral(t.endpoint) && !ENDPOINT_RULE.pattern.test(t.endpoint)) fail(`${where}.endpoint must be ${ENDPOINT_RULE.describe}, got "${t.endpoint}"`);
  const service = t.service ?? OPENSEARCH_TARGET_DEFAULTS.service;
  if (!(OPENSEARCH_SERVICES as readonly string[]).includes(service)) fail(`${where}.service must be "es" or "aoss", got "${String(service)}"`);
  if (service === 'es') {
    if (t.domainArn === undefined) fail(`${where}.domainArn is required for service "es" (IAM is scoped to it)`);
    if (t.collectionArn !== undefined) fail(`${where}.collectionArn applies only to service "aoss"`);
    if (isLiteral(t.domainArn) && !DOMAIN_ARN_PATTERN.test(t.domainArn)) fail(`${where}.domainArn is not an OpenSearch domain ARN: "${t.domainArn}"`);
  } else {
    if (t.collectionArn === undefined) fail(`${where}.collectionArn is required for service "aoss" (IAM is scoped to it)`);
    if (t.domainArn !== undefined) fail(`${where}.domainArn applies only to service "es"`);
    if (isLiteral(t.collectionArn) && !COLLECTION_ARN_PATTERN.test(t.collectionArn)) fail(`${where}.collectionArn is not an OpenSearch Serverless collection ARN: "${t.collectionArn}"`);
  }
  if (t.indexPrefix !== undefined && isLiteral(t.indexPrefix) && !INDEX_PREFIX_RULE.pattern.test(t.indexPrefix)) {
    fail(`${where}.indexPrefix must be ${INDEX_PREFIX_RULE.describe}, got "${t.indexPrefix}"`);
  }
  checkIntRule(fail, `${where}.maxBulkBytes`, t.maxBulkBytes, { ...BULK_BYTES, unit: ' bytes' });
}

/** The target's environment variables (names from the functions' shared contract). */
export function openSearchEnvironment(t: OpenSearchTarget, defaults: { indexPrefix: string; maxBulkBytes: number }): Record<string, string> {
  return {
    [TARGET_ENV.endpoint]: t.endpoint,
    [TARGET_ENV.service]: t.service ?? OPENSEARCH_TARGET_DEFAULTS.service,
    [TARGET_ENV.indexPrefix]: t.indexPrefix ?? defaults.indexPrefix,
    [TARGET_ENV.maxBulkBytes]: numberText(t.maxBulkBytes ?? defaults.maxBulkBytes),
  };
}

/**
 * What a function needs to index: `_bulk` and nothing else. On a domain, `es:ESHttpPost` on the
 * `_bulk` path only (no `_delete_by_query`, `_reindex`, `_cluster/settings`, `_snapshot` where
 * fine-grained access control would not stop them). Serverless has no path-level IAM: the
 * collection's data access policy narrows it (see the OpenSearch README).
 */
export function openSearchWriteStatements(t: OpenSearchTarget, opts: { indexPaths?: boolean } = {}): PolicyStatement[] {
  if ((t.service ?? OPENSEARCH_TARGET_DEFAULTS.service) === 'es') {
    // indexPaths: the function posts to `/<index>/_bulk` too (bulk client `indexInPath`); still `_bulk` only.
    const resources = opts.indexPaths ? [`${t.domainArn!}/_bulk`, `${t.domainArn!}/*/_bulk`] : [`${t.domainArn!}/_bulk`];
    return [{ sid: 'BulkIndexIntoDomain', actions: ['es:ESHttpPost'], resources }];
  }
  return [{ sid: 'AccessCollection', actions: ['aoss:APIAccessAll'], resources: [t.collectionArn!] }];
}
