/**
 * Hive/Glue column types as Athena reads them (`string`, `int`, `array<string>`,
 * `struct<a:int,b:struct<c:string>>`, `map<string,int>`, `decimal(10,2)`): a parser with clear
 * errors (a user's own metadata file is validated with it) and the canonical text Glue stores.
 * Iterative, with a depth bound: no recursion on input depth.
 */
export type HiveType =
  | { readonly kind: 'primitive'; readonly name: string }
  | { readonly kind: 'array'; readonly of: HiveType }
  | { readonly kind: 'map'; readonly key: HiveType; readonly value: HiveType }
  | { readonly kind: 'struct'; readonly fields: readonly { readonly name: string; readonly type: HiveType }[] };

export const HIVE_PRIMITIVES = [
  'string', 'varchar', 'char', 'boolean', 'tinyint', 'smallint', 'int', 'integer', 'bigint',
  'float', 'double', 'decimal', 'date', 'timestamp', 'binary',
] as const;

/** Nesting deeper than this is refused (Glue itself stops far earlier in practice). */
export const MAX_TYPE_DEPTH = 32;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Frame =
  | { kind: 'array'; of?: HiveType }
  | { kind: 'map'; key?: HiveType; value?: HiveType }
  | { kind: 'struct'; fields: { name: string; type: HiveType }[]; pending?: string };

/** Parses a type; throws `Error("<what>: <problem> at <offset> in "<text>"")`. */
export function parseHiveType(text: string, what = 'type'): HiveType {
  // Spaces carry no meaning in a type (`decimal(10, 2)`, `a: int`).
  const s = text.replace(/\s+/g, "");
  const fail = (problem: string, at: number): never => {
    throw new Error(`${what}: ${problem} at ${at} in "${s}"`);
  };
  const stack: Frame[] = [];
  let result: HiveType | undefined;
  let i = 0;
  const word = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (!m) fail('expected a name', i);
    i += m![0].length;
    return m![0];
  };
  const place = (t: HiveType): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (result) fail('unexpected text after the type', i);
      result = t;
    } else if (top.kind === 'array') {
      if (top.of) fail('array takes one type', i);
      top.of = t;
    } else if (top.kind === 'map') {
      if (!top.key) top.key = t;
      else if (!top.value) top.value = t;
      else fail('map takes two types', i);
    } else {
      if (top.pending === undefined) fail('struct field without a name', i);
      top.fields.push({ name: top.pending!, type: t });
      top.pending = undefined;
    }
  };
  const expectTypeStart = (): void => {
    const top = stack[stack.length - 1];
    if (top?.kind === 'struct') {
      const name = word();
      if (!FIELD_NAME.test(name)) fail(`bad field name "${name}"`, i);
      if (top.fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) fail(`duplicate field "${name}"`, i);
      if (s[i] !== ':') fail('expected ":" after a struct field name', i);
      i++;
      top.pending = name;
    }
  };
  expectTypeStart();
  while (i < s.length) {
    const name = word().toLowerCase();
    if (name === 'array' || name === 'map' || name === 'struct') {
      if (s[i] !== '<') fail(`expected "<" after ${name}`, i);
      i++;
      if (stack.length >= MAX_TYPE_DEPTH) fail(`nesting deeper than ${MAX_TYPE_DEPTH}`, i);
      stack.push(name === 'struct' ? { kind: 'struct', fields: [] } : name === 'array' ? { kind: 'array' } : { kind: 'map' });
      expectTypeStart();
      continue;
    }
    if (!(HIVE_PRIMITIVES as readonly string[]).includes(name)) fail(`unknown type "${name}"`, i - name.length);
    let prim = name === 'integer' ? 'int' : name;
    if (s[i] === '(') {
      const close = s.indexOf(')', i);
      if (close < 0 || !/^\(\d+(,\s*\d+)?\)$/.test(s.slice(i, close + 1))) fail('bad type parameters', i);
      prim += s.slice(i, close + 1).replace(/\s/g, '');
      i = close + 1;
    }
    place({ kind: 'primitive', name: prim });
    // Close every container that ends here, then move to the next element.
    for (;;) {
      if (s[i] === '>') {
        const top = stack.pop();
        if (!top) fail('unbalanced ">"', i);
        i++;
        if (top!.kind === 'array') {
          if (!top!.of) fail('array needs an element type', i);
          place({ kind: 'array', of: top!.of! });
        } else if (top!.kind === 'map') {
          if (!top!.key || !top!.value) fail('map needs a key and a value type', i);
          place({ kind: 'map', key: top!.key!, value: top!.value! });
        } else {
          if (top!.fields.length === 0) fail('struct needs at least one field', i);
          place({ kind: 'struct', fields: top!.fields });
        }
        continue;
      }
      if (s[i] === ',') {
        const top = stack[stack.length - 1];
        if (!top || top.kind === 'array') fail('unexpected ","', i);
        i++;
        expectTypeStart();
      }
      break;
    }
    if (stack.length === 0 && i < s.length) fail('unexpected text after the type', i);
  }
  if (stack.length > 0 || !result) fail('unexpected end of type', i);
  return result!;
}

/** The canonical text (lower-case keywords, no spaces), as Glue stores and Athena shows it. Iterative. */
export function formatHiveType(t: HiveType): string {
  let out = '';
  const todo: (HiveType | string)[] = [t];
  while (todo.length > 0) {
    const x = todo.pop()!;
    if (typeof x === 'string') {
      out += x;
      continue;
    }
    if (x.kind === 'primitive') out += x.name;
    else if (x.kind === 'array') todo.push('>', x.of, 'array<');
    else if (x.kind === 'map') todo.push('>', x.value, ',', x.key, 'map<');
    else {
      const parts: (HiveType | string)[] = ['struct<'];
      x.fields.forEach((f, n) => parts.push(`${n ? ',' : ''}${f.name}:`, f.type));
      parts.push('>');
      todo.push(...parts.reverse());
    }
  }
  return out;
}
