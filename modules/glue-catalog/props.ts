import { existsSync, readFileSync } from 'node:fs';
import { PEXIP_DEFAULTS } from '../../functions/pexip-wrangler/contract';
import { BUCKET_NAME_RULE, KEY_PREFIX_RULE } from '../../functions/shared/contract';
import { defaultPexipMetadata } from '../../functions/glue-partitions/core/default-metadata';
import { GLUE_NAME, parsePexipMetadata, type PexipMetadata } from '../../functions/glue-partitions/core/metadata';
import { DEFAULT_PROJECTION_YEARS, type ProjectionYears } from '../../functions/glue-partitions/core/pexip-tables';
import { DEFAULT_DEAD_LETTER_PREFIX } from '../../functions/shared/contract';
import type { FunctionOptions } from '../common/bundled-function';
import type { PolicyStatement } from '../common/iam';
import { checkInt, checkName, failFor, isLiteral } from '../common/validation';
import { ELB_LOG_TYPES, type ElbLogType } from './elb-tables';

/** The wrangler's S3 export (PexipIngest's export bucket). */
export interface PexipCatalogOptions {
  /** Bucket the wrangler exports to. */
  readonly bucketName: string;
  /** The wrangler's export prefix. @default 'pexip/' (PexipIngest's default) */
  readonly prefix?: string;
  /**
   * Path of your own metadata file in the original's format (`pexip_logs_metadata.json`), read
   * and validated at synth. @default the bundled copy of the original project's file
   */
  readonly metadataFile?: string;
  /** Or the metadata itself (validated the same way). */
  readonly metadata?: unknown;
  /** Years the year/month/day projection covers. @default { first: 2015, last: 2099 } */
  readonly projectionYears?: ProjectionYears;
  /**
   * A Glue crawler per kind over the export, writing crawled schemas into `<database>_crawled`
   * (never into the projected tables). @default off
   */
  readonly crawlers?: { readonly enabled: boolean; /** cron(...) @default none: run on demand */ readonly schedule?: string };
  /**
   * How partitions become visible. `projection`: Athena computes them from the S3 layout (no
   * function, no crawler). `function`: for catalogs read by engines other than Athena or across
   * accounts: Terraform creates the databases, and the glue-partitions function creates or updates
   * the tables and adds each new day's partition when the wrangler writes an object (the export
   * bucket must send events to EventBridge). @default 'projection'
   */
  readonly partitions?: 'projection' | 'function';
  /** With `partitions: 'function'`: the Glue catalog's account, when it is another one. @default the deploying account */
  readonly catalogId?: string;
  /** With `partitions: 'function'`: the function's settings. @default `<name>-partitions`, 256 MB, 60 s */
  readonly partitionFunction?: FunctionOptions;
}

/** The load balancers' own log bucket (the ElbProcessor's, or any). */
export interface ElbCatalogOptions {
  readonly bucketName: string;
  /**
   * The prefix configured on the load balancers (no leading or trailing `/`), one for all or one
   * per log type. Give each type its own prefix when you can: a table reads every object under
   * its folders, and lines of another type read as rows of nulls. @default '' (none)
   */
  readonly logPrefix?: string | Partial<Record<ElbLogType, string>>;
  /** Accounts whose load balancers write there. @default the deploying account */
  readonly accountIds?: string[];
  /** Regions of those load balancers. @default the deploying region */
  readonly regions?: string[];
  /** Tables to create. @default all four: alb, alb_connection, classic, nlb */
  readonly types?: ElbLogType[];
  /** First day the `day` projection covers, yyyy/MM/dd. @default '2015/01/01' */
  readonly firstDay?: string;
}

/** A dead-letter location written by one of the functions (functions/shared/dead-letter.ts). */
export interface DeadLetterSource {
  /** Names the table: `dead_letters_<name>` (a-z, 0-9, _). */
  readonly name: string;
  readonly bucketName: string;
  /** @default 'dead-letter/' */
  readonly prefix?: string;
}

export interface AthenaOptions {
  /** Workgroup name. @default `<name>` */
  readonly workgroupName?: string;
  /** Queries scanning more than this many bytes are cancelled. @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** Days after which query results expire. @default 30 */
  readonly resultsExpirationDays?: number;
  /** Name of the results bucket. @default generated from `<name>-athena-` */
  readonly resultsBucketName?: string;
  /** Let `terraform destroy` delete the results bucket and the workgroup with their contents. @default false */
  readonly forceDestroy?: boolean;
}

export interface GlueCatalogProps {
  /** Names the workgroup, the results bucket, the key alias, the queries, the crawlers and the partition function: 3..32 lowercase letters, digits, hyphens. */
  readonly name: string;
  /** Catalog the Pexip wrangler's export. @default not catalogued */
  readonly pexip?: PexipCatalogOptions;
  /** Catalog load-balancer access logs. @default not catalogued */
  readonly elb?: ElbCatalogOptions;
  /** Dead-letter locations to catalog (one table each). @default none */
  readonly deadLetters?: DeadLetterSource[];
  /** Database of the load-balancer and dead-letter tables. @default 'gluedb_load_balancer_logs' / 'gluedb_pipeline_dead_letters' */
  readonly databases?: { readonly loadBalancers?: string; readonly deadLetters?: string };
  readonly athena?: AthenaOptions;
  /** Key of the query results. @default a created key with rotation on */
  readonly kmsKeyArn?: string;
  /** Statements added to the crawlers' and the partition function's roles (e.g. `kms:Decrypt` on the export bucket's key). @default none */
  readonly extraPolicyStatements?: PolicyStatement[];
  readonly tags?: Record<string, string>;
}

/** Every default, in one place (the README's "Default settings" table lists these). */
export const GLUE_CATALOG_DEFAULTS = {
  pexipPrefix: PEXIP_DEFAULTS.exportPrefix,
  projectionYears: DEFAULT_PROJECTION_YEARS,
  elbLogPrefix: '',
  elbTypes: ELB_LOG_TYPES,
  firstDay: '2015/01/01',
  deadLetterPrefix: DEFAULT_DEAD_LETTER_PREFIX,
  loadBalancerDatabase: 'gluedb_load_balancer_logs',
  deadLetterDatabase: 'gluedb_pipeline_dead_letters',
  bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
  resultsExpirationDays: 30,
  resultsPrefix: 'results/',
  partitions: 'projection',
  forceDestroy: false,
} as const;

const fail = failFor('GlueCatalog');

const checkBucket = (what: string, v: string): void => {
  if (isLiteral(v) && !BUCKET_NAME_RULE.pattern.test(v)) fail(`${what} must be ${BUCKET_NAME_RULE.describe}, got "${v}"`);
};
const checkPrefix = (what: string, v: string | undefined): void => {
  if (v !== undefined && v !== '' && isLiteral(v) && !KEY_PREFIX_RULE.pattern.test(v)) fail(`${what} must be '' or ${KEY_PREFIX_RULE.describe}, got "${v}"`);
};

/** The Pexip metadata the props select: a file, an object, or the bundled copy (validated, with the file named in errors). */
export function resolvePexipMetadata(p: PexipCatalogOptions): PexipMetadata {
  if (p.metadataFile !== undefined && p.metadata !== undefined) fail('give pexip.metadataFile or pexip.metadata, not both');
  if (p.metadataFile !== undefined) {
    if (!existsSync(p.metadataFile)) fail(`pexip.metadataFile "${p.metadataFile}" does not exist`);
    return parsePexipMetadata(readFileSync(p.metadataFile, 'utf8'), `GlueCatalog: pexip.metadataFile ${p.metadataFile}`);
  }
  if (p.metadata !== undefined) return parsePexipMetadata(JSON.stringify(p.metadata), 'GlueCatalog: pexip.metadata');
  return defaultPexipMetadata();
}

export function validateGlueCatalogProps(p: GlueCatalogProps): void {
  checkName(fail, p.name);
  if (!p.pexip && !p.elb && !(p.deadLetters?.length)) fail('nothing to catalog: give pexip, elb or deadLetters');
  if (p.pexip) {
    checkBucket('pexip.bucketName', p.pexip.bucketName);
    checkPrefix('pexip.prefix', p.pexip.prefix);
    const y = p.pexip.projectionYears;
    if (y) {
      checkInt(fail, 'pexip.projectionYears.first', y.first, 1970, 9999);
      checkInt(fail, 'pexip.projectionYears.last', y.last, 1970, 9999);
      if (y.last < y.first) fail(`pexip.projectionYears: last (${y.last}) is before first (${y.first})`);
    }
    if (p.pexip.partitions !== undefined && p.pexip.partitions !== 'projection' && p.pexip.partitions !== 'function') fail(`pexip.partitions must be "projection" or "function", got "${p.pexip.partitions}"`);
    if ((p.pexip.catalogId !== undefined || p.pexip.partitionFunction !== undefined) && p.pexip.partitions !== 'function') fail('pexip.catalogId and pexip.partitionFunction apply only with pexip.partitions: "function"');
    if (p.pexip.catalogId !== undefined && isLiteral(p.pexip.catalogId) && !/^\d{12}$/.test(p.pexip.catalogId)) fail(`pexip.catalogId must be a 12-digit account id, got "${p.pexip.catalogId}"`);
    if (p.pexip.crawlers?.schedule !== undefined && !/^cron\(.+\)$/.test(p.pexip.crawlers.schedule)) {
      fail(`pexip.crawlers.schedule must be a cron(...) expression, got "${p.pexip.crawlers.schedule}"`);
    }
  }
  if (p.elb) {
    checkBucket('elb.bucketName', p.elb.bucketName);
    const prefixes: [string, string | undefined][] = typeof p.elb.logPrefix === 'object' ? Object.entries(p.elb.logPrefix) : [['all', p.elb.logPrefix]];
    for (const [type, v] of prefixes) {
      if (type !== 'all' && !(ELB_LOG_TYPES as readonly string[]).includes(type)) fail(`elb.logPrefix: unknown log type "${type}" (one of ${ELB_LOG_TYPES.join(', ')})`);
      if (v !== undefined && isLiteral(v) && (v.startsWith('/') || v.endsWith('/') || v.includes('AWSLogs'))) {
        fail(`elb.logPrefix must not start or end with "/" nor contain "AWSLogs", got "${v}"`);
      }
    }
    for (const t of p.elb.types ?? []) if (!(ELB_LOG_TYPES as readonly string[]).includes(t)) fail(`elb.types: unknown log type "${t}" (one of ${ELB_LOG_TYPES.join(', ')})`);
    if (p.elb.types?.length === 0) fail('elb.types must not be empty (omit it for all four)');
    for (const a of p.elb.accountIds ?? []) if (isLiteral(a) && !/^\d{12}$/.test(a)) fail(`elb.accountIds: "${a}" is not a 12-digit account id`);
    for (const r of p.elb.regions ?? []) if (isLiteral(r) && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) fail(`elb.regions: "${r}" is not a region name`);
    if (p.elb.firstDay !== undefined && !/^\d{4}\/\d{2}\/\d{2}$/.test(p.elb.firstDay)) fail(`elb.firstDay must be yyyy/MM/dd, got "${p.elb.firstDay}"`);
  }
  const names = new Set<string>();
  for (const d of p.deadLetters ?? []) {
    if (!/^[a-z0-9_]{1,40}$/.test(d.name)) fail(`deadLetters[].name must be 1..40 of a-z, 0-9, "_", got "${d.name}"`);
    if (names.has(d.name)) fail(`deadLetters: duplicate name "${d.name}"`);
    names.add(d.name);
    checkBucket(`deadLetters[${d.name}].bucketName`, d.bucketName);
    checkPrefix(`deadLetters[${d.name}].prefix`, d.prefix);
  }
  for (const [k, v] of Object.entries(p.databases ?? {})) if (v !== undefined && !GLUE_NAME.test(v)) fail(`databases.${k} must be 1..255 of a-z, 0-9, "_", got "${v}"`);
  const a = p.athena ?? {};
  if (a.workgroupName !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(a.workgroupName)) fail(`athena.workgroupName must be 1..128 of A-Z, a-z, 0-9, ".", "_", "-", got "${a.workgroupName}"`);
  // Athena's minimum cutoff is 10 MB.
  checkInt(fail, 'athena.bytesScannedCutoffPerQuery', a.bytesScannedCutoffPerQuery, 10_000_000, Number.MAX_SAFE_INTEGER, ' bytes');
  checkInt(fail, 'athena.resultsExpirationDays', a.resultsExpirationDays, 1, 36_500, ' days');
  if (a.resultsBucketName !== undefined) checkBucket('athena.resultsBucketName', a.resultsBucketName);
  if (p.pexip) resolvePexipMetadata(p.pexip);
}
