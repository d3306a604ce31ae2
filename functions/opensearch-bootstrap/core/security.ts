import { indexPattern } from '../contract';
import type { ResolvedState } from './state';

/**
 * Fine-grained access control role of the shippers (`PUT _plugins/_security/api/roles/<name>`):
 * bulk writes, document create/index, creating the daily index and adding fields to its mapping,
 * on the sources' patterns only. No read, delete, or cluster settings.
 */
export function buildShipperRole(s: ResolvedState): Record<string, unknown> {
  return {
    description: 'logs-to-opensearch shippers: write documents into their daily indices',
    cluster_permissions: ['indices:data/write/bulk'],
    index_permissions: [
      {
        index_patterns: s.sources.map(([, src]) => indexPattern(src)),
        allowed_actions: ['indices:admin/create', 'indices:admin/mapping/put', 'indices:data/write/bulk*', 'indices:data/write/index'],
      },
    ],
  };
}

/** The role as compared: permission lists sorted, everything the plugin adds (reserved, static...) ignored. */
export function roleShape(role: unknown): string {
  const r = (role ?? {}) as { cluster_permissions?: string[]; index_permissions?: { index_patterns?: string[]; allowed_actions?: string[] }[] };
  return JSON.stringify({
    cluster: [...(r.cluster_permissions ?? [])].sort(),
    index: (r.index_permissions ?? []).map((p) => ({ patterns: [...(p.index_patterns ?? [])].sort(), actions: [...(p.allowed_actions ?? [])].sort() })),
  });
}

/**
 * What to send for the role mapping, given the current one (undefined when there is none):
 * nothing when every shipper ARN is mapped already; a PUT when there is no mapping; otherwise a
 * JSON patch that replaces `backend_roles` with the union, so ARNs, users and hosts someone
 * else mapped stay.
 */
export function roleMappingChange(
  roleName: string,
  current: { backend_roles?: string[] } | undefined,
  arns: readonly string[],
): { method: 'PUT'; body: Record<string, unknown> } | { method: 'PATCH'; body: Record<string, unknown>[] } | undefined {
  if (!current) return { method: 'PUT', body: { backend_roles: [...arns] } };
  const have = current.backend_roles ?? [];
  const missing = arns.filter((a) => !have.includes(a));
  if (missing.length === 0) return undefined;
  const op = current.backend_roles ? 'replace' : 'add';
  return { method: 'PATCH', body: [{ op, path: `/${roleName}/backend_roles`, value: [...have, ...missing] }] };
}
