import { ENDPOINT_RULE, type TextRule } from './contract';

/**
 * Environment configuration helpers: read every variable, collect every problem, and throw one
 * error naming each bad variable (so a misconfigured function fails its first invocation with
 * the whole list, not one problem per deploy).
 */
export class ConfigError extends Error {
  constructor(
    component: string,
    readonly problems: string[],
  ) {
    super(`${component} configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export interface EnvReader {
  /** A string; `undefined` when unset or empty and no default. */
  str(name: string, opts?: { default?: string; required?: boolean; rule?: TextRule }): string | undefined;
  /** An integer within bounds. */
  int(name: string, opts: { default: number; min: number; max: number }): number;
  /** One of the listed values. */
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T;
  /** A boolean: true/false/1/0/yes/no. */
  bool(name: string, fallback: boolean): boolean;
  /** An OpenSearch endpoint (contract ENDPOINT_RULE: https, or http to loopback only). Trailing slashes removed. */
  endpoint(name: string): string;
  /** JSON parsed then checked by `check`, which returns an error text or the value. */
  json<T>(name: string, check: (value: unknown) => T | string, fallback: T): T;
  /** Records a problem found by the caller (cross-variable checks). */
  problem(text: string): void;
  /** Throws a ConfigError when any problem was recorded. */
  done(): void;
}

export function envReader(env: NodeJS.ProcessEnv, component: string): EnvReader {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  return {
    str(name, opts = {}) {
      const v = raw(name) ?? opts.default;
      if (v === undefined) {
        if (opts.required) problems.push(`${name} is required${opts.rule ? ` (${opts.rule.describe})` : ''}`);
        return undefined;
      }
      if (opts.rule && !opts.rule.pattern.test(v)) problems.push(`${name} must be ${opts.rule.describe}, got "${v}"`);
      return v;
    },
    int(name, { default: d, min, max }) {
      const r = raw(name);
      if (r === undefined) return d;
      const v = Number(r);
      if (!Number.isInteger(v) || v < min || v > max) {
        problems.push(`${name} must be an integer in ${min}..${max}, got "${r}"`);
        return d;
      }
      return v;
    },
    oneOf(name, values, fallback) {
      const r = raw(name);
      if (r === undefined) return fallback;
      if (!(values as readonly string[]).includes(r)) {
        problems.push(`${name} must be one of ${values.join(', ')}, got "${r}"`);
        return fallback;
      }
      return r as (typeof values)[number];
    },
    bool(name, fallback) {
      const r = raw(name)?.toLowerCase();
      if (r === undefined) return fallback;
      if (['true', '1', 'yes'].includes(r)) return true;
      if (['false', '0', 'no'].includes(r)) return false;
      problems.push(`${name} must be true or false, got "${r}"`);
      return fallback;
    },
    endpoint(name) {
      const r = raw(name);
      if (r === undefined) {
        problems.push(`${name} is required (${ENDPOINT_RULE.describe})`);
        return '';
      }
      if (!ENDPOINT_RULE.pattern.test(r)) problems.push(`${name} must be ${ENDPOINT_RULE.describe}, got "${r}"`);
      return r.replace(/\/+$/, '');
    },
    json(name, check, fallback) {
      const r = raw(name);
      if (r === undefined) return fallback;
      let parsed: unknown;
      try {
        parsed = JSON.parse(r);
      } catch (err) {
        problems.push(`${name} is not valid JSON (${(err as Error).message})`);
        return fallback;
      }
      const out = check(parsed);
      if (typeof out === 'string') {
        problems.push(`${name}: ${out}`);
        return fallback;
      }
      return out;
    },
    problem(text) {
      problems.push(text);
    },
    done() {
      if (problems.length > 0) throw new ConfigError(component, problems);
    },
  };
}
