import type { DeadLetterEntry } from '../shared/dead-letter';
import type { BulkItem } from '../shared/opensearch';
import { emptyCounts, transformRecord } from '../shipper/core/batch';
import { createIndexNamer } from '../shipper/core/index-name';
import { createMasker } from '../shipper/core/mask';

/** Command-line options of `npm run replay`. */
export interface ReplayOptions {
  bucket: string;
  /** S3 key prefix to read. @default 'dead-letter/' */
  prefix: string;
  /** Only objects written at or after this time. */
  since?: Date;
  /** Only entries whose reason contains this text (case-insensitive; plain text, not a pattern). */
  reasonMatches?: string;
  dryRun: boolean;
  endpoint: string;
  service: 'es' | 'aoss';
  region: string;
  /** Index prefix for poison records decoded again (the shipper's INDEX_PREFIX). @default 'cwl' */
  indexPrefix: string;
  /** Sign requests (off only for a local unsigned endpoint). */
  sign: boolean;
}

export const USAGE =
  'usage: npm run replay -- --bucket <dead-letter bucket> [--prefix dead-letter/] [--since 2024-05-28T00:00:00Z] [--reason-matches text] [--dry-run]\n' +
  '       [--endpoint https://…] [--service es|aoss] [--region eu-west-1] [--index-prefix cwl] [--no-sign]\n' +
  '(endpoint, service and region default to OPENSEARCH_ENDPOINT, OPENSEARCH_SERVICE, AWS_REGION)';

/** Parses the arguments; throws with the usage on a mistake. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ReplayOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"\n${USAGE}`);
    const name = a.slice(2);
    if (name === 'dry-run' || name === 'no-sign') flags.set(name, true);
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
      flags.set(name, v);
    }
  }
  const known = ['bucket', 'prefix', 'since', 'reason-matches', 'dry-run', 'endpoint', 'service', 'region', 'index-prefix', 'no-sign'];
  for (const k of flags.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}\n${USAGE}`);
  const str = (k: string): string | undefined => (typeof flags.get(k) === 'string' ? (flags.get(k) as string) : undefined);
  const bucket = str('bucket');
  if (!bucket) throw new Error(`--bucket is required\n${USAGE}`);
  const endpoint = str('endpoint') ?? env.OPENSEARCH_ENDPOINT;
  if (!endpoint) throw new Error(`--endpoint (or OPENSEARCH_ENDPOINT) is required\n${USAGE}`);
  const service = str('service') ?? env.OPENSEARCH_SERVICE ?? 'es';
  if (service !== 'es' && service !== 'aoss') throw new Error(`--service must be es or aoss, got "${service}"`);
  const sinceText = str('since');
  const since = sinceText === undefined ? undefined : new Date(sinceText);
  if (since && Number.isNaN(since.getTime())) throw new Error(`--since must be a date, got "${sinceText}"`);
  return {
    bucket,
    prefix: str('prefix') ?? 'dead-letter/',
    since,
    reasonMatches: str('reason-matches'),
    dryRun: flags.has('dry-run'),
    endpoint,
    service,
    region: str('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    indexPrefix: str('index-prefix') ?? 'cwl',
    sign: !flags.has('no-sign'),
  };
}

/** Where an item came from: the object and the line in it. */
export interface ItemRef {
  key: string;
  line: number;
}

/** What one dead-letter object holds, as replay sees it. */
export interface ObjectPlan {
  key: string;
  /** Items to send. */
  items: BulkItem<ItemRef>[];
  /** Lines not sent and why (filter, no id, unreadable, poison still undecodable). */
  skipped: { line: number; reason: string }[];
  /** Lines the reason filter left out: the object is kept for them. */
  filteredOut: number;
}

/**
 * Builds the items of one dead-letter object (JSON lines in the shared entry schema): a rejected
 * document becomes `create` with its `_id` (409 = already indexed); a poison record is decoded
 * again with the shipper's own transform, and becomes its events' items when it now decodes.
 */
export function planObject(key: string, text: string, opts: Pick<ReplayOptions, 'reasonMatches' | 'indexPrefix'>): ObjectPlan {
  const plan: ObjectPlan = { key, items: [], skipped: [], filteredOut: 0 };
  const needle = opts.reasonMatches?.toLowerCase();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (!line.trim()) continue;
    let entry: DeadLetterEntry;
    try {
      entry = JSON.parse(line) as DeadLetterEntry;
    } catch {
      plan.skipped.push({ line: n + 1, reason: 'not a JSON dead-letter entry' });
      continue;
    }
    if (needle !== undefined && !String(entry.reason ?? '').toLowerCase().includes(needle)) {
      plan.filteredOut++;
      continue;
    }
    const ref = { key, line: n + 1 };
    if (typeof entry.document === 'string' && typeof entry.index === 'string') {
      // Without an id a replay could index twice (Serverless time-series): left to the user.
      if (!entry.id) plan.skipped.push({ line: n + 1, reason: 'no _id: replaying could index it twice' });
      else plan.items.push({ index: entry.index, id: entry.id, action: 'create', source: entry.document, ref });
    } else if (typeof entry.data === 'string') {
      const items: BulkItem<number>[] = [];
      const poison = transformRecord(entry.data, 0, { namer: createIndexNamer(opts.indexPrefix, []), masker: createMasker(), placement: { mode: 'nested', field: 'fields' }, idMode: 'create-with-id' }, emptyCounts(1), items);
      if (poison !== undefined) plan.skipped.push({ line: n + 1, reason: `poison record still undecodable: ${poison}` });
      for (const it of items) plan.items.push({ ...it, ref });
    } else plan.skipped.push({ line: n + 1, reason: 'entry has neither a document nor record data' });
  }
  return plan;
}

/** Totals printed at the end. */
export interface ReplaySummary {
  objects: number;
  replayed: number;
  alreadyIndexed: number;
  stillRefused: number;
  /** Refusal reason → count. */
  refusedReasons: Record<string, number>;
  skipped: number;
  skippedReasons: Record<string, number>;
  deletedObjects: number;
  keptObjects: number;
}

export function emptySummary(): ReplaySummary {
  return { objects: 0, replayed: 0, alreadyIndexed: 0, stillRefused: 0, refusedReasons: {}, skipped: 0, skippedReasons: {}, deletedObjects: 0, keptObjects: 0 };
}

/** A reason without its variable parts, to group refusals (first 160 characters). */
export function reasonGroup(reason: string): string {
  return reason.length > 160 ? `${reason.slice(0, 160)}…` : reason;
}

export function formatSummary(s: ReplaySummary, dryRun: boolean): string {
  const lines = [
    `${dryRun ? 'dry run: would replay' : 'replayed'} ${s.replayed}, already indexed (409 by _id) ${s.alreadyIndexed}, still refused ${s.stillRefused}, skipped ${s.skipped}; objects read ${s.objects}, deleted ${s.deletedObjects}, kept ${s.keptObjects}`,
  ];
  for (const [r, n] of Object.entries(s.refusedReasons)) lines.push(`  still refused ×${n}: ${r}`);
  for (const [r, n] of Object.entries(s.skippedReasons)) lines.push(`  skipped ×${n}: ${r}`);
  return lines.join('\n');
}
