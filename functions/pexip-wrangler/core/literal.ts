import { ReasonError } from '../../shared/reason-error';

/**
 * Python literals (what `repr()` of a dict prints: `{'a': u'x', "it's": True, 'n': None}`) and
 * JSON, by one hand-written linear tokenizer and an explicit stack: no recursion on the input's
 * depth and no regex on its text. Accepts `u`/`b`/`r` string prefixes, '…' and "…" (apostrophes
 * inside "…"), triple quotes, Python escapes, True/False/None and true/false/null, ints, floats
 * (`L` suffix tolerated), lists, tuples (as arrays), trailing commas. Keys become strings.
 */
export type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

export type LiteralResult = { ok: true; value: Literal } | { ok: false; error: string };

/** Deeper nesting is refused (OpenSearch refuses objects deeper than 20 levels by default anyway). */
export const MAX_LITERAL_DEPTH = 64;

interface Frame {
  closer: number;
  obj?: Record<string, Literal>;
  arr?: Literal[];
  key?: string;
}

const SINGLE = 39;
const DOUBLE = 34;

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 43 || c === 45;
}

class Reader {
  i = 0;
  /** Position of the next backslash at or after the last search (s.length when none). */
  backslash = -1;
  constructor(readonly s: string) {}

  skipWs(): void {
    const s = this.s;
    while (this.i < s.length && isWs(s.charCodeAt(this.i))) this.i++;
  }

  /** At a string start (with optional prefix letters)? Returns the quote position or -1. */
  stringStart(): number {
    const s = this.s;
    let j = this.i;
    for (let k = 0; k < 2 && j < s.length; k++) {
      const c = s.charCodeAt(j) | 0x20;
      if (c === 117 /* u */ || c === 98 /* b */ || c === 114 /* r */ || c === 102 /* f */) j++;
      else break;
    }
    const q = s.charCodeAt(j);
    return q === SINGLE || q === DOUBLE ? j : -1;
  }

  readString(quoteAt: number): string {
    const s = this.s;
    let raw = false;
    for (let j = this.i; j < quoteAt; j++) if ((s.charCodeAt(j) | 0x20) === 114) raw = true;
    const q = s[quoteAt]!;
    const triple = s.startsWith(q + q + q, quoteAt);
    const closing = triple ? q + q + q : q;
    let i = quoteAt + closing.length;
    let out = '';
    // The next closing quote and the next backslash are searched again only once passed, and the
    // backslash position is kept across strings: linear in the whole text, not per string.
    let close = -1;
    for (;;) {
      if (close < i) close = s.indexOf(closing, i);
      if (close < 0) throw new ReasonError('unterminated string');
      if (this.backslash < i) {
        this.backslash = s.indexOf('\\', i);
        if (this.backslash < 0) this.backslash = s.length; // none left: never search again
      }
      const bs = this.backslash;
      if (bs >= close) {
        out += s.slice(i, close);
        this.i = close + closing.length;
        return out;
      }
      out += s.slice(i, bs);
      if (raw) {
        // A raw string keeps the backslash, which still stops the next character from closing it.
        out += s.slice(bs, bs + 2);
        i = bs + 2;
      } else {
        const [text, next] = escapeAt(s, bs);
        out += text;
        i = next;
      }
    }
  }

  /** A bare word or number: True, None, 12, -3.5e2, 10L. */
  readWord(): Literal {
    const s = this.s;
    const start = this.i;
    while (this.i < s.length && isWordChar(s.charCodeAt(this.i))) this.i++;
    const w = s.slice(start, this.i);
    switch (w) {
      case 'True': case 'true': return true;
      case 'False': case 'false': return false;
      case 'None': case 'null': return null;
      case '': throw new ReasonError(`unexpected character ${JSON.stringify(s[start] ?? '')} at ${start}`);
    }
    const text = w.endsWith('L') || w.endsWith('l') ? w.slice(0, -1) : w;
    const c = text.charCodeAt(text[0] === '-' || text[0] === '+' ? 1 : 0);
    if (c >= 48 && c <= 57) {
      const n = Number(text.replace(/_/g, ''));
      if (Number.isFinite(n)) return n;
    }
    throw new ReasonError(`unexpected word ${JSON.stringify(w.slice(0, 40))} at ${start}`);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '/': '/', b: '\b', f: '\f', v: '\v', a: '\x07', '0': '\0', '\n': '' };

function hexAt(s: string, at: number, n: number): number {
  if (at + n > s.length) return -1;
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** One escape sequence at `bs` (a backslash): its text and the position after it. */
function escapeAt(s: string, bs: number): [string, number] {
  const e = s[bs + 1] ?? '';
  const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (width > 0) {
    const code = hexAt(s, bs + 2, width);
    if (code >= 0 && code <= 0x10ffff) return [String.fromCodePoint(code), bs + 2 + width];
    return [`\\${e}`, bs + 2];
  }
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined && !(e === '0' && s.charCodeAt(bs + 2) >= 48 && s.charCodeAt(bs + 2) <= 55)) return [simple, bs + 2];
  // Unknown escapes keep their backslash, as Python does.
  return [`\\${e}`, bs + 2];
}

export function parseLiteral(text: string): LiteralResult {
  const r = new Reader(text);
  const s = text;
  const stack: Frame[] = [];
  let root: Literal | undefined;
  let mode: 'value' | 'after' | 'key' = 'value';

  const emit = (v: Literal): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) root = v;
    else if (top.arr) top.arr.push(v);
    else top.obj![top.key!] = v;
    mode = 'after';
  };
  const open = (closer: number, isObject: boolean): void => {
    if (stack.length >= MAX_LITERAL_DEPTH) throw new ReasonError(`nested deeper than ${MAX_LITERAL_DEPTH}`);
    const frame: Frame = isObject ? { closer, obj: {} } : { closer, arr: [] };
    emit((frame.obj ?? frame.arr)!);
    stack.push(frame);
    mode = isObject ? 'key' : 'value';
  };

  try {
    for (;;) {
      r.skipWs();
      const top = stack[stack.length - 1];
      if (r.i >= s.length) {
        if (mode === 'after' && top === undefined) break;
        throw new ReasonError('unexpected end');
      }
      const c = s.charCodeAt(r.i);
      if (mode === 'after') {
        if (top === undefined) throw new ReasonError(`text after the value at ${r.i}`);
        if (c === 44 /* , */) {
          r.i++;
          mode = top.obj ? 'key' : 'value';
        } else if (c === top.closer) {
          r.i++;
          stack.pop();
          mode = 'after';
        } else throw new ReasonError(`expected "," or "${String.fromCharCode(top.closer)}" at ${r.i}`);
        continue;
      }
      if (mode === 'key') {
        if (c === 125 /* } */) {
          r.i++;
          stack.pop();
          mode = 'after';
          continue;
        }
        const q = r.stringStart();
        const key = q >= 0 ? r.readString(q) : String(r.readWord());
        r.skipWs();
        if (s.charCodeAt(r.i) !== 58 /* : */) throw new ReasonError(`expected ":" at ${r.i}`);
        r.i++;
        top!.key = key;
        mode = 'value';
        continue;
      }
      // mode === 'value'
      if (c === 123 /* { */) {
        r.i++;
        open(125, true);
      } else if (c === 91 /* [ */ || c === 40 /* ( */) {
        r.i++;
        open(c === 91 ? 93 : 41, false);
      } else if (top?.arr && c === top.closer) {
        // empty list/tuple or a trailing comma
        r.i++;
        stack.pop();
        mode = 'after';
      } else {
        const q = r.stringStart();
        emit(q >= 0 ? r.readString(q) : r.readWord());
      }
    }
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  return { ok: true, value: root as Literal };
}
