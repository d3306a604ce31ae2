/**
 * Pure secret masking, applied to each message before indexing. Built-in rules:
 * - AWS access key ids (AKIA…, ASIA… and the other IAM unique-id prefixes, 20 characters);
 * - values after sensitive keys (`password`, `passwd`, `pwd`, `secret`, `token`, `authorization`,
 *   `api_key`/`apikey`, `access_key`, `private_key`, `credential(s)`, as a whole key or part of
 *   one, e.g. `db_password`, `x-api-key`) in `key=value`, `key: value` and JSON `"key": "value"`;
 * - bearer credentials (`Bearer eyJ…`; `Basic …` after a sensitive key);
 * - JSON Web Tokens (`eyJ….eyJ….sig`);
 * plus extra regular expressions from configuration. Each match becomes `[MASKED]` (quoted
 * when it sat in a JSON string, so JSON messages stay parseable).
 *
 * Cost: one case-insensitive prefilter scan per message; the rules run only on messages that
 * contain a trigger word, so ordinary messages pay one scan (extra patterns always run).
 */
export const MASK = '[MASKED]';

const PREFILTER = /A[KS]IA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA|eyJ|bearer|passw|pwd|secret|token|authoriz|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential/i;
const ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g;
const JWT = /\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g;
const KEYWORD = 'password|passwd|pwd|secret|token|authorization|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?';
// key (optionally quoted) + separator + value (credential scheme + token, quoted string, or bare run).
const KEY_VALUE = new RegExp(
  `(?<![\\w.-])(["']?)([\\w.-]*(?:${KEYWORD})[\\w.-]*)\\1(\\s*[:=]\\s*)` +
    `((?:bearer|basic|token)\\s+[^\\s,;"'&]+|"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'|[^\\s,;&"'{\\[}\\]][^\\s,;&"'}\\]]*)`,
  'gi',
);
// Standalone bearer tokens; "Basic" only counts after a sensitive key ("basic understanding" is prose).
const BEARER = /\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi;

/** Masks one text; `count` accumulates the values masked so far (no object per call). */
export interface Masker {
  mask(text: string): string;
  count: number;
}

/** Compiles extra patterns (`"source"` or `"/source/flags"`); throws naming the bad one. */
export function compileExtraPatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((p, i) => {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(p);
    try {
      const re = m ? new RegExp(m[1]!, m[2]!.includes('g') ? m[2]! : `${m[2]!}g`) : new RegExp(p, 'g');
      if (re.test('')) throw new Error('matches the empty string');
      return re;
    } catch (err) {
      throw new Error(`pattern [${i}] ${JSON.stringify(p)}: ${(err as Error).message}`);
    }
  });
}

export function createMasker(extra: readonly RegExp[] = [], builtIn = true): Masker {
  const masker: Masker = { mask, count: 0 };
  return masker;
  function mask(text: string): string {
    let count = 0;
    let out = text;
    if (builtIn && PREFILTER.test(text)) {
      out = out.replace(JWT, () => (count++, MASK));
      out = out.replace(ACCESS_KEY_ID, () => (count++, MASK));
      out = out.replace(KEY_VALUE, (_m, q: string, key: string, sep: string, value: string) => {
        if (value === MASK || value === `"${MASK}"`) return `${q}${key}${q}${sep}${value}`;
        count++;
        const c = value[0];
        const masked = c === '"' || c === "'" ? `${c}${MASK}${c}` : q === '"' ? `"${MASK}"` : MASK;
        return `${q}${key}${q}${sep}${masked}`;
      });
      out = out.replace(BEARER, (_m, scheme: string) => (count++, `${scheme} ${MASK}`));
    }
    for (const re of extra) {
      re.lastIndex = 0;
      out = out.replace(re, () => (count++, MASK));
    }
    masker.count += count;
    return out;
  }
}
