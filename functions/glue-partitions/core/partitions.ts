/**
 * Which table and partition an exported object belongs to, from its key alone (pure). The layout
 * is the wrangler's (functions/pexip-wrangler/contract.ts `exportFolder`):
 * `<prefix><kind>/<table>/year=YYYY/month=MM/day=DD/<file>`. A class the metadata does not list
 * goes to its kind's catch-all table, with its folder as the first partition value.
 */
import { PEXIP_KINDS } from '../../pexip-wrangler/contract';
import { CATCH_ALL_TABLE } from './pexip-tables';
import type { TableSpec } from './table-spec';

export interface PartitionTarget {
  readonly table: TableSpec;
  readonly values: string[];
  readonly location: string;
}

export type KeyOutcome = { readonly target: PartitionTarget } | { readonly ignored: string };

const TABLE_FOLDER = /^[a-z0-9_]{1,255}$/;

export interface ExportCatalog {
  readonly bucket: string;
  readonly prefix: string;
  /** The tables without projection (pexipTables with projection: false). */
  readonly tables: readonly TableSpec[];
  /** kind → database name. */
  readonly databases: Readonly<Record<string, string>>;
}

export function partitionOfKey(key: string, c: ExportCatalog): KeyOutcome {
  const { prefix, tables, databases } = c;
  if (!key.startsWith(prefix)) return { ignored: `not under the export prefix "${prefix}"` };
  const parts = key.slice(prefix.length).split('/');
  if (parts.length !== 6) return { ignored: 'not <kind>/<table>/year=YYYY/month=MM/day=DD/<file>' };
  const [kind, folder, y, m, d, file] = parts;
  if (!(PEXIP_KINDS as readonly string[]).includes(kind)) return { ignored: `unknown kind "${kind}"` };
  if (!TABLE_FOLDER.test(folder)) return { ignored: `bad table folder "${folder}"` };
  const ym = /^year=(\d{4})$/.exec(y);
  const mm = /^month=(0[1-9]|1[0-2])$/.exec(m);
  const dm = /^day=(0[1-9]|[12]\d|3[01])$/.exec(d);
  if (!ym || !mm || !dm) return { ignored: 'date folders are not year=YYYY/month=MM/day=DD' };
  if (file === '') return { ignored: 'a folder marker, not an object' };
  const database = databases[kind];
  const location = `s3://${c.bucket}/${prefix}${kind}/${folder}/${y}/${m}/${d}/`;
  const own = tables.find((t) => t.database === database && t.name === folder && folder !== CATCH_ALL_TABLE);
  if (own) return { target: { table: own, values: [ym[1], mm[1], dm[1]], location } };
  const catchAll = tables.find((t) => t.database === database && t.name === CATCH_ALL_TABLE);
  if (!catchAll) return { ignored: `no table for ${kind}/${folder}` };
  return { target: { table: catchAll, values: [folder, ym[1], mm[1], dm[1]], location } };
}

/** The distinct targets of a set of keys (one partition is added once however many objects it got). */
export function distinctTargets(outcomes: readonly KeyOutcome[]): PartitionTarget[] {
  const seen = new Map<string, PartitionTarget>();
  for (const o of outcomes) {
    if (!('target' in o)) continue;
    const t = o.target;
    seen.set(`${t.table.database}.${t.table.name}/${t.values.join('/')}`, t);
  }
  return [...seen.values()];
}
