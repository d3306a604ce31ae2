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
 * Log text is attacker-influenced, so the built-in rules are hand-written scanners, not regular
 * expressions: every one runs in time linear in the message (no backtracking; a failed attempt
 * never rescans text an earlier attempt already read, up to a constant). Ordinary messages pay
 * one native search for any trigger word (GATE: literal alternatives, so linear; faster than a
 * JS loop, measured); a message holding one gets a trigger scan that finds which rules can apply
 * (a table lookup per character, a few comparisons at rare anchor letters). The rules run in the order the
 * former regular expressions did (JWT, access key id, key/value, bearer), each on the previous
 * one's output, so every result is what those expressions produced (a differential test holds
 * the scanners to them). Extra patterns from configuration are the operator's; they run as given.
 */
export const MASK = '[MASKED]';
const QUOTED_MASK = `"${MASK}"`;

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
    let out = text;
    if (builtIn && GATE.test(text)) {
      const found = scanTriggers(text);
      if (found !== 0) {
        if (found & JWT) out = maskJwts(out, masker);
        if (found & ACCESS_KEY) out = maskAccessKeyIds(out, masker);
        // A keyword followed by no separator cannot start a key/value match, so the rule is skipped
        // when none has one; unless an earlier rule edited the text (then the scan saw other text).
        if (found & KEYWORD || (found & KEYWORD_SEEN && out !== text)) out = maskKeyValues(out, masker);
        if (found & BEARER) out = maskBearers(out, masker);
      }
    }
    for (const re of extra) {
      re.lastIndex = 0;
      out = out.replace(re, () => (masker.count++, MASK));
    }
    return out;
  }
}

// ---- character classes (JavaScript's \w, \s and line terminators, as the former expressions used) ----

const C_WORD = 1; // [A-Za-z0-9_]
const C_KEY = 2; // [\w.-]: the characters of a key
const C_SPACE = 4; // \s (ASCII part)
const C_UPPER_DIGIT = 8; // [A-Z0-9]
const C_BEARER_TOKEN = 16; // [A-Za-z0-9\-._~+/]
const C_STOP_FIRST = 32; // [\s,;&"'{[}\]]: cannot start a bare value
const C_STOP = 64; // [\s,;&"'}\]]: ends a bare value
const C_STOP_SCHEME = 128; // [\s,;"'&]: ends the credential after `bearer|basic|token `

const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  let f = 0;
  if (/\w/.test(ch)) f |= C_WORD | C_KEY;
  if (ch === '.' || ch === '-') f |= C_KEY;
  if (/\s/.test(ch)) f |= C_SPACE | C_STOP_FIRST | C_STOP | C_STOP_SCHEME;
  if (/[A-Z0-9]/.test(ch)) f |= C_UPPER_DIGIT;
  if (/[A-Za-z0-9\-._~+/]/.test(ch)) f |= C_BEARER_TOKEN;
  if (',;&"\'{[}]'.includes(ch)) f |= C_STOP_FIRST;
  if (',;&"\'}]'.includes(ch)) f |= C_STOP;
  if (',;"\'&'.includes(ch)) f |= C_STOP_SCHEME;
  CLASS[c] = f;
}

/** `charCodeAt` past either end gives NaN: every test below is false for it. */
const has = (c: number, f: number): boolean => c < 128 && (CLASS[c]! & f) !== 0;

function isSpace(c: number): boolean {
  if (c < 128) return (CLASS[c]! & C_SPACE) !== 0;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const isLineTerminator = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** Non-ASCII characters are in every negated class ([^\s,;…]) unless they are Unicode spaces. */
const stops = (c: number, f: number): boolean => (c < 128 ? (CLASS[c]! & f) !== 0 : isSpace(c));

/** ASCII-case-insensitive comparison of `t` at `i` with `lower` (lowercase letters and punctuation). */
function at(t: string, i: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    const want = lower.charCodeAt(k);
    let c = t.charCodeAt(i + k);
    if (want >= 97 && want <= 122) c |= 32;
    if (c !== want) return false;
  }
  return true;
}

// ---- trigger scan ----

// Literal alternatives (the only quantifiers: `?` on one character): linear, and
// irregexp's native search is faster than a JS loop on the many messages without a trigger.
const GATE = /A[KS]IA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA|eyJ|bearer|passw|pwd|secret|token|authorization|api[_-]?key|access[_-]?key|private[_-]?key|credential/i;

const JWT = 1;
const ACCESS_KEY = 2;
const KEYWORD = 4;
const BEARER = 8;
/** A sensitive keyword, not followed by `[:=]` after its key: only matters if earlier rules edited the text. */
const KEYWORD_SEEN = 16;

// Anchors: a rare letter of each trigger, checked around; everything else costs one table lookup.
const A_J = 1; // eyJ
const A_UPPER_A = 2; // AKIA, ASIA, … (all start with 'A')
const A_W = 3; // passw(ord|d), pwd
const A_Z = 4; // authorization
const A_K = 5; // token, api[_-]?key, apikey, access[_-]?key, private[_-]?key
const A_C = 6; // secret, credential
const A_B = 7; // bearer
const ANCHOR = new Uint8Array(128);
ANCHOR[74] = A_J;
ANCHOR[65] = A_UPPER_A;
for (const [ch, a] of [['w', A_W], ['z', A_Z], ['k', A_K], ['c', A_C], ['b', A_B]] as const) {
  ANCHOR[ch.charCodeAt(0)] = a;
  ANCHOR[ch.toUpperCase().charCodeAt(0)] = a;
}

const ACCESS_KEY_PREFIXES = new Set(['AKIA', 'ASIA', 'AIDA', 'AROA', 'AGPA', 'ANPA', 'ANVA', 'AIPA', 'ABIA', 'ACCA']);

function accessKeyPrefixAt(t: string, i: number): boolean {
  return t.charCodeAt(i + 3) === 65 && ACCESS_KEY_PREFIXES.has(t.slice(i, i + 4));
}

/** Start of a sensitive keyword whose anchor letter is at `i`, or -1. */
function keywordAt(t: string, i: number, anchor: number): number {
  switch (anchor) {
    case A_W:
      if (at(t, i - 4, 'passw') && (at(t, i + 1, 'ord') || at(t, i + 1, 'd'))) return i - 4;
      if (at(t, i - 1, 'pwd')) return i - 1;
      return -1;
    case A_Z:
      return at(t, i - 7, 'authorization') ? i - 7 : -1;
    case A_K: {
      if (!at(t, i + 1, 'e')) return -1;
      if (at(t, i - 2, 'token')) return i - 2;
      if (!at(t, i + 1, 'ey')) return -1;
      // api|access|private, optionally followed by _ or -, then "key".
      const sep = t.charCodeAt(i - 1);
      const end = sep === 95 || sep === 45 ? i - 1 : i;
      if (at(t, end - 3, 'api')) return end - 3;
      if (at(t, end - 6, 'access')) return end - 6;
      if (at(t, end - 7, 'private')) return end - 7;
      return -1;
    }
    case A_C:
      if (at(t, i - 2, 'secret')) return i - 2;
      if (at(t, i, 'credential')) return i;
      return -1;
    default:
      return -1;
  }
}

// The key run last examined by keywordFound (reset per scan): keywords inside one run share its
// answer, so a run is read once however many keywords it holds (linear, "tokentoken…" included).
let runStop = -1;
let runVerdict = 0;

/**
 * KEYWORD when the key run holding the keyword at `k` is followed by what maskKeyValues needs
 * before a value (an optional quote, spaces, then `:` or `=`: a necessary condition of its
 * match), KEYWORD_SEEN when not, 0 when there is no keyword (`k` = -1).
 */
function keywordFound(t: string, k: number): number {
  if (k < 0) return 0;
  // A keyword starting before the end of the last run reaches into that run: same run.
  if (k < runStop) return runVerdict;
  let j = runEnd(t, k, C_KEY);
  runStop = j;
  const q = t.charCodeAt(j);
  if (q === 34 || q === 39) j++;
  while (isSpace(t.charCodeAt(j))) j++;
  const sep = t.charCodeAt(j);
  runVerdict = sep === 58 || sep === 61 ? KEYWORD : KEYWORD_SEEN;
  return runVerdict;
}

/** Which rules can apply to `t` (a superset: each rule's scanner decides exactly). */
function scanTriggers(t: string): number {
  let found = 0;
  runStop = -1;
  const n = t.length;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    const a = c < 128 ? ANCHOR[c]! : 0;
    if (a === 0) continue;
    // Cheap look at a neighbour first: most anchor letters in prose are not part of a trigger.
    switch (a) {
      case A_J:
        if (t.charCodeAt(i - 1) === 121 && t.charCodeAt(i - 2) === 101) found |= JWT;
        break;
      case A_UPPER_A:
        if (t.charCodeAt(i + 3) === 65 && accessKeyPrefixAt(t, i)) found |= ACCESS_KEY;
        break;
      case A_B:
        if ((t.charCodeAt(i + 1) | 32) === 101 && at(t, i, 'bearer')) found |= BEARER;
        break;
      case A_W: {
        const p = t.charCodeAt(i - 1) | 32;
        if (p === 115 || p === 112) found |= keywordFound(t, keywordAt(t, i, a));
        break;
      }
      case A_K:
        if ((t.charCodeAt(i + 1) | 32) === 101) found |= keywordFound(t, keywordAt(t, i, a));
        break;
      case A_C:
        if ((t.charCodeAt(i + 1) | 32) === 114) found |= keywordFound(t, keywordAt(t, i, a));
        break;
      default:
        found |= keywordFound(t, keywordAt(t, i, a));
    }
  }
  return found;
}

/** First keyword anchor at or after `from` that starts a keyword; returns the keyword's start, or -1. */
function nextKeyword(t: string, from: number): number {
  for (let i = from; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 128) continue;
    const a = ANCHOR[c]!;
    if (a < A_W || a > A_C) continue;
    const k = keywordAt(t, i, a);
    if (k >= 0) return k;
  }
  return -1;
}

// ---- rules ----

/** Output of one rule: the input with some ranges replaced, built only when something is. */
class Edits {
  private out = '';
  private last = 0;
  constructor(private readonly t: string, private readonly m: Masker) {}
  /** Replaces [start, end) with `text` and counts one masked value. */
  put(start: number, end: number, text: string): void {
    this.out += this.t.slice(this.last, start) + text;
    this.last = end;
    this.m.count++;
  }
  result(): string {
    return this.last === 0 ? this.t : this.out + this.t.slice(this.last);
  }
}

function runEnd(t: string, i: number, f: number): number {
  while (has(t.charCodeAt(i), f)) i++;
  return i;
}

/** End of a [\w-] run. */
function jwtRunEnd(t: string, i: number): number {
  for (;;) {
    const c = t.charCodeAt(i);
    if (c === 45 || has(c, C_WORD)) i++;
    else return i;
  }
}

/** `\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*` → MASK. */
function maskJwts(t: string, m: Masker): string {
  const edits = new Edits(t, m);
  let from = 0;
  for (;;) {
    const q = t.indexOf('eyJ', from);
    if (q < 0) break;
    if (has(t.charCodeAt(q - 1), C_WORD)) {
      from = q + 1;
      continue;
    }
    const e1 = jwtRunEnd(t, q + 3);
    let end = -1;
    if (e1 - (q + 3) >= 4 && t.charCodeAt(e1) === 46 && t.startsWith('eyJ', e1 + 1)) {
      const e2 = jwtRunEnd(t, e1 + 4);
      if (e2 - (e1 + 4) >= 4 && t.charCodeAt(e2) === 46) end = jwtRunEnd(t, e2 + 1);
    }
    if (end < 0) {
      // Every later start inside this run shares its end, so fails the same way: skip the run.
      from = e1;
      continue;
    }
    edits.put(q, end, MASK);
    from = end;
  }
  return edits.result();
}

/** `(?<![A-Z0-9])(?:AKIA|ASIA|…)[A-Z0-9]{16}(?![A-Z0-9])` → MASK. */
function maskAccessKeyIds(t: string, m: Masker): string {
  const edits = new Edits(t, m);
  let from = 0;
  for (;;) {
    const q = t.indexOf('A', from);
    if (q < 0) break;
    from = q + 1;
    if (has(t.charCodeAt(q - 1), C_UPPER_DIGIT) || !accessKeyPrefixAt(t, q)) continue;
    let k = q + 4;
    while (k < q + 20 && has(t.charCodeAt(k), C_UPPER_DIGIT)) k++;
    if (k < q + 20 || has(t.charCodeAt(k), C_UPPER_DIGIT)) continue;
    edits.put(q, q + 20, MASK);
    from = q + 20;
  }
  return edits.result();
}

/** End of a quoted string starting at `i` (`"(?:[^"\\]|\\.)*"`, same for '), or -1 when unterminated. */
function quotedEnd(t: string, i: number): number {
  const quote = t.charCodeAt(i);
  for (let j = i + 1; j < t.length; ) {
    const c = t.charCodeAt(j);
    if (c === quote) return j + 1;
    if (c === 92) {
      if (j + 1 >= t.length || isLineTerminator(t.charCodeAt(j + 1))) return -1;
      j += 2;
    } else {
      j++;
    }
  }
  return -1;
}

/** End of the value starting at `v` (credential scheme + token, quoted string or bare run), or -1. */
function valueEnd(t: string, v: number): number {
  const schemeLength = at(t, v, 'bearer') ? 6 : at(t, v, 'basic') || at(t, v, 'token') ? 5 : 0;
  if (schemeLength > 0) {
    let j = v + schemeLength;
    if (isSpace(t.charCodeAt(j))) {
      while (isSpace(t.charCodeAt(j))) j++;
      const start = j;
      while (j < t.length && !stops(t.charCodeAt(j), C_STOP_SCHEME)) j++;
      if (j > start) return j;
    }
  }
  const c = t.charCodeAt(v);
  if (c === 34 || c === 39) return quotedEnd(t, v);
  if (v >= t.length || stops(c, C_STOP_FIRST)) return -1;
  let j = v + 1;
  while (j < t.length && !stops(t.charCodeAt(j), C_STOP)) j++;
  return j;
}

/**
 * Key/value rule: a key is a whole run of [\w.-] containing a sensitive keyword, optionally in
 * matching quotes, then `\s*[:=]\s*` and a value. Only runs holding a keyword are looked at.
 */
function maskKeyValues(t: string, m: Masker): string {
  const edits = new Edits(t, m);
  let pos = 0; // text before pos is consumed (a match ended there)
  let from = 0;
  for (;;) {
    const k = nextKeyword(t, from);
    if (k < 0) break;
    // The key is the whole [\w.-] run around the keyword; a run is examined once.
    let s = k;
    while (s > pos && has(t.charCodeAt(s - 1), C_KEY)) s--;
    const e = runEnd(t, k, C_KEY);
    from = e;
    if (s > 0 && has(t.charCodeAt(s - 1), C_KEY)) continue; // starts inside consumed text: not a key start
    const open = t.charCodeAt(s - 1);
    let quote = 0;
    if ((open === 34 || open === 39) && t.charCodeAt(e) === open && s - 1 >= pos && !has(t.charCodeAt(s - 2), C_KEY)) quote = open;
    let j = quote ? e + 1 : e;
    while (isSpace(t.charCodeAt(j))) j++;
    const sep = t.charCodeAt(j);
    if (sep !== 58 && sep !== 61) continue;
    j++;
    while (isSpace(t.charCodeAt(j))) j++;
    const end = valueEnd(t, j);
    if (end < 0) continue;
    pos = from = end;
    const value = t.slice(j, end);
    if (value === MASK || value === QUOTED_MASK) continue;
    const c = value.charCodeAt(0);
    edits.put(j, end, c === 34 || c === 39 ? `${value[0]}${MASK}${value[0]}` : quote === 34 ? QUOTED_MASK : MASK);
  }
  return edits.result();
}

/** `\b(bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*` (any case) → `<scheme as written> MASK`. */
function maskBearers(t: string, m: Masker): string {
  const edits = new Edits(t, m);
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if ((c | 32) !== 98 || !at(t, i, 'bearer') || has(t.charCodeAt(i - 1), C_WORD)) continue;
    let j = i + 6;
    if (!isSpace(t.charCodeAt(j))) continue;
    while (isSpace(t.charCodeAt(j))) j++;
    const start = j;
    j = runEnd(t, j, C_BEARER_TOKEN);
    if (j - start < 8) continue;
    while (t.charCodeAt(j) === 61) j++;
    edits.put(i + 6, j, ` ${MASK}`); // the scheme stays as written
    i = j - 1;
  }
  return edits.result();
}
