import { createHash } from 'node:crypto';
import { BOOTSTRAP_DEFAULTS, SOURCES, type DesiredState, type Source, type SourceState } from '../contract';

/** The desired state with every default filled in. */
export interface ResolvedState {
  sources: [Source, SourceState][];
  parsedField: string;
  totalFieldsLimit: number;
  messageIgnoreAbove: number;
  shipperRoleArns: string[];
  adminRoleArns: string[];
  dashboards: boolean;
  alert: DesiredState['alert'];
}

export function resolveState(s: DesiredState): ResolvedState {
  return {
    sources: SOURCES.filter((name) => s.sources[name]).map((name) => [name, s.sources[name]!]),
    parsedField: s.parsedField ?? BOOTSTRAP_DEFAULTS.parsedField,
    totalFieldsLimit: s.totalFieldsLimit ?? BOOTSTRAP_DEFAULTS.totalFieldsLimit,
    messageIgnoreAbove: s.messageIgnoreAbove ?? BOOTSTRAP_DEFAULTS.messageIgnoreAbove,
    shipperRoleArns: [...new Set(s.shipperRoleArns ?? [])].sort(),
    adminRoleArns: [...new Set(s.adminRoleArns ?? [])].sort(),
    dashboards: s.dashboards ?? true,
    alert: s.alert,
  };
}

/** JSON with object keys sorted: the same value always gives the same text (and hash). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Short content hash stored with an object (template `_meta`, policy description), so a removed field is a change too. */
export function contentHash(v: unknown): string {
  return createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, 16);
}
