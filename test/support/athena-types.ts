/**
 * A type check of data against Glue table definitions, in a real SQL engine that reads JSON and
 * regex-split text with declared types: DuckDB (npm `@duckdb/node-api`). It catches what Athena
 * would read as nulls or refuse: a value that does not convert to its column's type, a record
 * field no column holds, a line the table's regex does not match.
 *
 * What is emulated, not run: the OpenX JSON SerDe's `case.insensitive` (keys lower-cased before
 * matching) and its `mapping.<column>` renames are applied to each record here, as the SerDe
 * does; Hive's RegexSerDe (Java regex, whole-line match) is run as RE2 anchored with ^…$ (the
 * table regexes use only syntax both engines read the same way). This checks types, not Athena.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseHiveType, type HiveType } from '../../functions/glue-partitions/core/hive-types';
import type { TableSpec } from '../../functions/glue-partitions/core/table-spec';

const PRIMITIVES: Record<string, string> = {
  string: 'VARCHAR', varchar: 'VARCHAR', char: 'VARCHAR', boolean: 'BOOLEAN', tinyint: 'TINYINT', smallint: 'SMALLINT',
  int: 'INTEGER', bigint: 'BIGINT', float: 'FLOAT', double: 'DOUBLE', date: 'DATE', timestamp: 'TIMESTAMP', binary: 'BLOB',
};

/** The DuckDB type of a Hive type (same widths: int is 32-bit in both). */
export function duckDbType(t: HiveType): string {
  if (t.kind === 'primitive') {
    const base = t.name.replace(/\(.*$/, '');
    if (base === 'decimal') return t.name.toUpperCase();
    const d = PRIMITIVES[base];
    if (!d) throw new Error(`no DuckDB type for ${t.name}`);
    return d;
  }
  if (t.kind === 'array') return `${duckDbType(t.of)}[]`;
  if (t.kind === 'map') return `MAP(${duckDbType(t.key)}, ${duckDbType(t.value)})`;
  return `STRUCT(${t.fields.map((f) => `"${f.name.toLowerCase()}" ${duckDbType(f.type)}`).join(', ')})`;
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * What the OpenX SerDe gives each column: keys lower-cased (case.insensitive), a mapped column
 * reads its JSON key (a key that is also a column keeps feeding that column too).
 */
export function asOpenxSees(record: unknown, mappings: Record<string, string>, columns: readonly string[] = []): unknown {
  const lower = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(lower);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), lower(x)]));
    return v;
  };
  const out = lower(record) as Record<string, unknown>;
  for (const [column, key] of Object.entries(mappings)) {
    if (columns.length > 0 && !columns.includes(column)) continue;
    if (key.toLowerCase() in out) {
      out[column] = out[key.toLowerCase()];
      if (!columns.includes(key.toLowerCase())) delete out[key.toLowerCase()];
    }
  }
  return out;
}

/** Objects whose keys differ only by case: OpenX with case.insensitive throws on them, and ignore.malformed.json turns the row into nulls. */
export function caseCollisions(record: unknown, path = ''): string[] {
  const out: string[] = [];
  if (Array.isArray(record)) record.forEach((x, i) => out.push(...caseCollisions(x, `${path}[${i}]`)));
  else if (record && typeof record === 'object') {
    const seen = new Map<string, string>();
    for (const [k, v] of Object.entries(record)) {
      const l = k.toLowerCase();
      if (seen.has(l)) out.push(`${path ? `${path}.` : ''}${seen.get(l)} and ${k} differ only in case (the SerDe refuses the row: all nulls)`);
      seen.set(l, k);
      out.push(...caseCollisions(v, path ? `${path}.${k}` : k));
    }
  }
  return out;
}

/** Paths of non-null values that no column or struct field holds (Athena would never show them). */
export function uncoveredPaths(record: Record<string, unknown>, columns: readonly { name: string; type: string }[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown, t: HiveType, path: string): void => {
    if (v === null || v === undefined) return;
    if (t.kind === 'struct' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) {
        const f = t.fields.find((ff) => ff.name.toLowerCase() === k);
        if (!f) {
          if (x !== null) out.push(`${path}.${k}`);
        } else walk(x, f.type, `${path}.${k}`);
      }
    } else if (t.kind === 'array' && Array.isArray(v)) v.forEach((x, i) => walk(x, t.of, `${path}[${i}]`));
  };
  const top = parseHiveType(`struct<${columns.map((c) => `${c.name}:${c.type}`).join(',')}>`);
  walk(record, top, '');
  return out.map((p) => p.replace(/^\./, ''));
}

export interface Problem {
  readonly table: string;
  readonly what: string;
}

export class TypeChecker {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly dir: string,
  ) {}

  static async open(): Promise<TypeChecker> {
    const db = await DuckDBInstance.create(':memory:');
    return new TypeChecker(db, await db.connect(), mkdtempSync(join(tmpdir(), 'athena-types-')));
  }

  /** Every JSON record against a JSON table: fields without a column, values that do not convert (one record at a time, so each is named). */
  async checkJson(table: TableSpec, records: readonly Record<string, unknown>[]): Promise<Problem[]> {
    const id = `${table.database}.${table.name}`;
    const mappings = Object.fromEntries(
      Object.entries(table.serde.parameters).filter(([k]) => k.startsWith('mapping.')).map(([k, v]) => [k.slice('mapping.'.length), v]),
    );
    const columns = `{${table.columns.map((c) => `${sqlString(c.name)}: ${sqlString(duckDbType(parseHiveType(c.type)))}`).join(', ')}}`;
    const problems: Problem[] = [];
    for (const [n, r] of records.entries()) {
      for (const c of caseCollisions(r)) problems.push({ table: id, what: `record ${n}: ${c}` });
      const seen = asOpenxSees(r, mappings, table.columns.map((c) => c.name)) as Record<string, unknown>;
      // A struct's fields beyond its declared ones stay readable when a string column holds the whole value as JSON (mapping).
      const asJson = Object.entries(mappings).filter(([col]) => table.columns.some((c) => c.name === col && c.type === 'string')).map(([, key]) => key.toLowerCase());
      for (const p of uncoveredPaths(seen, table.columns)) {
        if (!asJson.some((k) => p.startsWith(`${k}.`))) problems.push({ table: id, what: `record ${n}: field ${p} has no column` });
      }
      const file = join(this.dir, `${n}.json`);
      writeFileSync(file, `${JSON.stringify(seen)}\n`);
      try {
        await this.conn.run(`SELECT * FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${columns})`);
      } catch (e) {
        problems.push({ table: id, what: `record ${n}: ${(e as Error).message.split('\n')[0].replace(/ in file "[^"]*"/, '')}` });
      }
    }
    return problems;
  }

  /** The captured values of one line as a struct named by the columns (DuckDB's name-list form has no 9-group limit). */
  private extractSql(table: TableSpec, re: string): string {
    return `regexp_extract(line, ${sqlString(re)}, [${table.columns.map((c) => sqlString(c.name)).join(', ')}])`;
  }

  /** Every line against a regex table: it matches (anchored), and each captured value converts to its column type (`-` and empty are nulls). */
  async checkRegex(table: TableSpec, lines: readonly string[]): Promise<Problem[]> {
    const id = `${table.database}.${table.name}`;
    const re = `^(?:${table.serde.parameters['input.regex']})$`;
    const problems: Problem[] = [];
    const selects = table.columns.map((c, i) => {
      const v = `v."${c.name}"`;
      const type = duckDbType(parseHiveType(c.type));
      return `CASE WHEN ${v} IN ('', '-') OR TRY_CAST(${v} AS ${type}) IS NOT NULL THEN NULL ELSE ${sqlString(`${c.name} (${c.type}) `)} || ${v} END AS c${i}`;
    });
    for (const [n, line] of lines.entries()) {
      const r = await this.conn.runAndReadAll(
        `SELECT regexp_full_match(line, ${sqlString(re)}) AS matched, ${selects.join(', ')} FROM (SELECT line, ${this.extractSql(table, re)} AS v FROM (SELECT ${sqlString(line)} AS line))`,
      );
      const row = r.getRowObjectsJson()[0] as Record<string, unknown>;
      if (row.matched !== true) {
        problems.push({ table: id, what: `line ${n + 1} does not match: ${line.slice(0, 160)}` });
        continue;
      }
      for (const [k, v] of Object.entries(row)) if (k !== 'matched' && v !== null) problems.push({ table: id, what: `line ${n + 1}: ${v} is not that type` });
    }
    return problems;
  }

  /** The values the table reads from one line (tests assert them). */
  async regexValues(table: TableSpec, line: string): Promise<Record<string, string | null>> {
    const re = `^(?:${table.serde.parameters['input.regex']})$`;
    const r = await this.conn.runAndReadAll(`SELECT ${this.extractSql(table, re)} AS v FROM (SELECT ${sqlString(line)} AS line)`);
    return (r.getRowObjectsJson()[0] as { v: Record<string, string | null> }).v;
  }

  close(): void {
    this.conn.closeSync();
    this.db.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
