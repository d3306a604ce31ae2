/**
 * The regular-expression masker the shipper used before the linear scanner (functions/shipper/core/mask.ts),
 * kept as an oracle: the differential test runs both on short random inputs and expects the same
 * output and count. Its KEY_VALUE rule backtracks quadratically, so it only ever sees short text.
 */
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

export function oracleMask(text: string): [string, number] {
  const MASK = '[MASKED]';
  let count = 0;
  let out = text;
  if (PREFILTER.test(text)) {
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
  return [out, count];
}
