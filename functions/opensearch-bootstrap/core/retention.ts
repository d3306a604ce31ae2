import { BOOTSTRAP_DEFAULTS, indexPattern, type Source, type SourceState } from '../contract';
import { contentHash } from './state';

/**
 * ISM policy of one source (`PUT _plugins/_ism/policies/<id>`): hot, optionally warm
 * (UltraWarm migration) after `warmAfterDays`, deleted after `retentionDays`, attached to new
 * indices of the pattern by `ism_template`. The description carries the content hash, so the
 * bootstrap can tell an unchanged policy from the stored copy OpenSearch decorates (retry
 * blocks, timestamps).
 */
export function buildIsmPolicy(source: Source, src: SourceState): { policy: Record<string, unknown> } {
  const del = { name: 'delete', actions: [{ delete: {} }], transitions: [] };
  const toDelete = { state_name: 'delete', conditions: { min_index_age: `${src.retentionDays}d` } };
  const states =
    src.warmAfterDays === undefined
      ? [{ name: 'hot', actions: [], transitions: [toDelete] }, del]
      : [
          { name: 'hot', actions: [], transitions: [{ state_name: 'warm', conditions: { min_index_age: `${src.warmAfterDays}d` } }] },
          { name: 'warm', actions: [{ warm_migration: {} }], transitions: [toDelete] },
          del,
        ];
  const body = { default_state: 'hot', states, ism_template: [{ index_patterns: [indexPattern(src)], priority: 100 }] };
  return { policy: { description: `${source} retention, ${BOOTSTRAP_DEFAULTS.managedBy} ${contentHash(body)}`, ...body } };
}

export function ismPolicyId(source: Source): string {
  return `${source}-retention`;
}

/** The hash an ISM policy's description carries (undefined for policies someone else wrote). */
export function ismPolicyHash(description: unknown): string | undefined {
  if (typeof description !== 'string') return undefined;
  const at = description.lastIndexOf(`${BOOTSTRAP_DEFAULTS.managedBy} `);
  return at < 0 ? undefined : description.slice(at + BOOTSTRAP_DEFAULTS.managedBy.length + 1);
}

/**
 * Serverless has no ISM: retention is a lifecycle policy (`aws_opensearchserverless_lifecycle_policy`,
 * TIMESERIES and SEARCH collections alike), one rule per source pattern. The collection construct
 * creates it from this body, with `days` rendering a retention it only knows as a Terraform
 * reference (a number token would print as digits).
 */
export function buildLifecyclePolicy(collectionName: string, sources: [Source, SourceState][], days: (n: number) => string = String): { Rules: Record<string, unknown>[] } {
  return {
    Rules: sources.map(([, src]) => ({ ResourceType: 'index', Resource: [`index/${collectionName}/${indexPattern(src)}`], MinIndexRetention: `${days(src.retentionDays)}d` })),
  };
}
