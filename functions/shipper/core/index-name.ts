import { INDEX_PREFIX_RULE } from '../../shared/contract';

/**
 * Pure index naming: `<prefix>-YYYY.MM.DD` from the event time in UTC, the prefix chosen by the
 * first rule whose glob (`*` any run of characters, `?` one character) matches the whole log
 * group name, else the default prefix. Prefixes per group and dates per day are cached: a
 * batch holds few groups and days but many events.
 */
export interface IndexRule {
  logGroupPattern: string;
  indexPrefix: string;
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.+()|{}[\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

const DAY_MS = 86_400_000;

export function utcDay(timestamp: number): string {
  const d = new Date(timestamp);
  const mm = d.getUTCMonth() + 1;
  const dd = d.getUTCDate();
  return `${d.getUTCFullYear()}.${mm < 10 ? '0' : ''}${mm}.${dd < 10 ? '0' : ''}${dd}`;
}

export interface IndexNamer {
  prefixFor(logGroup: string): string;
  /** `<prefix>-YYYY.MM.DD`. */
  indexFor(prefix: string, timestamp: number): string;
}

export function createIndexNamer(defaultPrefix: string, rules: readonly IndexRule[]): IndexNamer {
  const compiled = rules.map((r) => ({ re: globToRegExp(r.logGroupPattern), prefix: r.indexPrefix }));
  const prefixes = new Map<string, string>();
  const names = new Map<string, string>();
  return {
    prefixFor(logGroup) {
      let p = prefixes.get(logGroup);
      if (p === undefined) {
        p = compiled.find((r) => r.re.test(logGroup))?.prefix ?? defaultPrefix;
        if (prefixes.size > 10_000) prefixes.clear();
        prefixes.set(logGroup, p);
      }
      return p;
    },
    indexFor(prefix, timestamp) {
      const key = `${prefix}\u0000${Math.floor(timestamp / DAY_MS)}`;
      let name = names.get(key);
      if (name === undefined) {
        name = `${prefix}-${utcDay(timestamp)}`;
        if (names.size > 10_000) names.clear();
        names.set(key, name);
      }
      return name;
    },
  };
}

/** Validates INDEX_RULES content; returns the rules or a text naming what is wrong. */
export function checkIndexRules(value: unknown): IndexRule[] | string {
  if (!Array.isArray(value)) return 'must be a JSON array of {"logGroupPattern","indexPrefix"}';
  const out: IndexRule[] = [];
  for (let i = 0; i < value.length; i++) {
    const r = value[i] as Record<string, unknown> | null;
    if (!r || typeof r.logGroupPattern !== 'string' || r.logGroupPattern === '') return `[${i}].logGroupPattern must be a non-empty string`;
    if (typeof r.indexPrefix !== 'string' || !INDEX_PREFIX_RULE.pattern.test(r.indexPrefix)) return `[${i}].indexPrefix must be ${INDEX_PREFIX_RULE.describe}, got ${JSON.stringify(r.indexPrefix)}`;
    out.push({ logGroupPattern: r.logGroupPattern, indexPrefix: r.indexPrefix });
  }
  return out;
}
