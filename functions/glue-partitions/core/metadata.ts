/**
 * The Pexip log metadata file in the original project's format (`pexip_logs_metadata.json`,
 * mlnrt/pexip-logs-in-aws, MIT 2019; copy and source in ../metadata/): per kind, the Glue
 * database, the log classes, the top-level columns and one Hive struct per class for the
 * `log_message` column. `validatePexipMetadata` checks a user's own file and says what is wrong.
 */
import { PEXIP_KINDS, type PexipKind } from '../../pexip-wrangler/contract';
import { parseHiveType } from './hive-types';

export interface MetadataColumn {
  readonly Name: string;
  /** Hive type; `""` for `log_message`, whose type is the class's `log_struct`. */
  readonly Type: string;
}

export interface KindMetadata {
  readonly glue_database_name: string;
  readonly log_names: readonly string[];
  readonly columns: readonly MetadataColumn[];
  /** The agent's filter-pattern field list (kept for reference; the wrangler parses the raw line). */
  readonly paths?: string;
  readonly log_struct: Readonly<Record<string, string>>;
}

export type PexipMetadata = Partial<Record<PexipKind, KindMetadata>>;

/** Glue's rules: database and table names lower case, 1..255 of [a-z0-9_]. */
export const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The column whose type comes from `log_struct`. */
export const LOG_MESSAGE_COLUMN = 'log_message';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates parsed JSON as metadata; throws one error listing every problem, each with its path. */
export function validatePexipMetadata(json: unknown, source = 'Pexip metadata'): PexipMetadata {
  const problems: string[] = [];
  const bad = (path: string, problem: string): void => {
    problems.push(`${path}: ${problem}`);
  };
  if (!isObject(json)) throw new Error(`${source}: expected a JSON object with the keys ${PEXIP_KINDS.join(', ')}`);
  const kinds = Object.keys(json);
  if (kinds.length === 0) bad('(root)', `no kinds; expected some of ${PEXIP_KINDS.join(', ')}`);
  const databases = new Map<string, string>();
  for (const kind of kinds) {
    if (!(PEXIP_KINDS as readonly string[]).includes(kind)) {
      bad(kind, `unknown kind (expected one of ${PEXIP_KINDS.join(', ')})`);
      continue;
    }
    const k = json[kind];
    if (!isObject(k)) {
      bad(kind, 'must be an object');
      continue;
    }
    const db = k.glue_database_name;
    if (typeof db !== 'string' || !GLUE_NAME.test(db)) bad(`${kind}.glue_database_name`, `must be 1..255 of a-z, 0-9, "_", got ${JSON.stringify(db)}`);
    else if (databases.has(db)) bad(`${kind}.glue_database_name`, `"${db}" is also the database of ${databases.get(db)}`);
    else databases.set(db, kind);
    const names = k.log_names;
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n.trim() === '')) bad(`${kind}.log_names`, 'must be an array of non-empty strings');
    const structs = k.log_struct;
    if (!isObject(structs)) bad(`${kind}.log_struct`, 'must be an object of class name → Hive struct type');
    else {
      for (const [cls, t] of Object.entries(structs)) {
        if (typeof t !== 'string') {
          bad(`${kind}.log_struct["${cls}"]`, 'must be a string');
          continue;
        }
        try {
          const parsed = parseHiveType(t, `${kind}.log_struct["${cls}"]`);
          if (parsed.kind !== 'struct') bad(`${kind}.log_struct["${cls}"]`, `must be a struct<...>, got "${t}"`);
        } catch (e) {
          problems.push((e as Error).message);
        }
      }
      if (Array.isArray(names)) {
        for (const n of names) if (typeof n === 'string' && !(n in structs)) bad(`${kind}.log_names`, `"${n}" has no log_struct entry`);
      }
    }
    const cols = k.columns;
    if (!Array.isArray(cols) || cols.length === 0) bad(`${kind}.columns`, 'must be a non-empty array of {"Name","Type"}');
    else {
      const seen = new Set<string>();
      cols.forEach((c, n) => {
        const path = `${kind}.columns[${n}]`;
        if (!isObject(c) || typeof c.Name !== 'string' || typeof c.Type !== 'string') return bad(path, 'must be {"Name": string, "Type": string}');
        if (!COLUMN_NAME.test(c.Name)) bad(`${path}.Name`, `"${c.Name}" is not a column name (letters, digits, "_")`);
        if (seen.has(c.Name.toLowerCase())) bad(`${path}.Name`, `duplicate column "${c.Name}"`);
        seen.add(c.Name.toLowerCase());
        if (c.Name === LOG_MESSAGE_COLUMN) return;
        try {
          parseHiveType(c.Type, `${path}.Type`);
        } catch (e) {
          problems.push((e as Error).message);
        }
      });
    }
  }
  if (problems.length > 0) throw new Error(`${source} is not valid:\n  - ${problems.join('\n  - ')}`);
  return json as PexipMetadata;
}

/** Reads `text` as JSON and validates it (the error names `source`). */
export function parsePexipMetadata(text: string, source = 'Pexip metadata'): PexipMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  return validatePexipMetadata(json, source);
}

/** The classes of a kind: `log_names` plus any class that has a struct but is not listed (the original's USER_ACCT), sorted. */
export function classesOf(k: KindMetadata): string[] {
  return [...new Set([...k.log_names, ...Object.keys(k.log_struct)])].sort();
}
