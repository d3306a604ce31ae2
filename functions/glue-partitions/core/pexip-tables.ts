/**
 * The Pexip part of the catalog, from the metadata file: one database per kind, one table per
 * log class (named as the original: lower case, `.` → `_`), a table for lines that matched no
 * shape (`unparsed`), and a catch-all per kind for classes the metadata does not list.
 * Locations follow the wrangler's export layout (functions/pexip-wrangler/contract.ts):
 * `<prefix><kind>/<table>/year=YYYY/month=MM/day=DD/`.
 */
import {
  EXPORT_PARTITION_TEMPLATE,
  FIELDS,
  GLUE_DATABASES,
  LOG_MESSAGE_FIELDS,
  PEXIP_KINDS,
  UNPARSED_CLASS,
  WEB_CLASS,
  classTableName,
  type PexipKind,
} from '../../pexip-wrangler/contract';
import { formatHiveType, parseHiveType } from './hive-types';
import { LOG_MESSAGE_COLUMN, classesOf, type PexipMetadata } from './metadata';
import { TEXT_INPUT_FORMAT, TEXT_OUTPUT_FORMAT, checkLocationTemplate, openxSerde, s3Location, type ColumnSpec, type TableSpec } from './table-spec';

/** Partition keys of every Pexip table, as the wrangler writes them (`year=2026/month=01/day=09`). */
export const PEXIP_PARTITION_KEYS = ['year', 'month', 'day'] as const;

/** Catch-all table of a kind: classes not in the metadata, `log_message` as one JSON string. */
export const CATCH_ALL_TABLE = 'unknown_classes';
/** The catch-all's extra partition key: the class's folder (its table name), given in each query. */
export const CATCH_ALL_CLASS_KEY = 'class_table';

/** Column of the record's `@timestamp` (not a valid column name, so mapped). */
export const TIMESTAMP_COLUMN = 'event_time';

/** Years partition projection covers (integer projection needs a fixed range). */
export interface ProjectionYears {
  readonly first: number;
  readonly last: number;
}
export const DEFAULT_PROJECTION_YEARS: ProjectionYears = { first: 2015, last: 2099 };

/**
 * The fields every wrangled record has, with their types, in the order Athena shows them.
 * Every name comes from the wrangler's contract (FIELDS).
 */
const col = (name: string, type: string, comment: string): ColumnSpec => ({ name, type, comment });
export const COMMON_COLUMNS: readonly ColumnSpec[] = [
  col(TIMESTAMP_COLUMN, 'string', `The record's ${FIELDS.timestamp} (UTC, ISO 8601): from_iso8601_timestamp(${TIMESTAMP_COLUMN})`),
  col(FIELDS.kind, 'string', 'support, audit or web'),
  col(FIELDS.class, 'string', 'The log class (support: the Name, split by direction for sip/rest; audit: the type; web)'),
  col(FIELDS.syslogTime, 'string', 'Time stamp of the syslog daemon, full precision and offset'),
  col(FIELDS.system, 'string', 'Host name or IP of the sending node'),
  col(FIELDS.parseError, 'string', 'Why the line did not parse fully (the raw text is kept)'),
  col(FIELDS.raw, 'string', 'The line as received'),
];

/** Fields a kind's records have beyond the metadata's columns (the wrangler's additions). */
const KIND_COLUMNS: Record<PexipKind, readonly ColumnSpec[]> = {
  support: [
    col(FIELDS.sip, 'string', 'support.sip.*: the SIP message parsed (start line, headers, SDP), as JSON'),
    col(FIELDS.detailObject, 'string', 'A JSON or Python-dict Detail of a class whose Detail is an array of lines, as JSON'),
    col(FIELDS.detailError, 'string', 'Why a Detail body did not parse as its shape promised'),
  ],
  audit: [col(FIELDS.auditSerial, 'bigint', 'The serial of audit(<epoch>.<ms>:<serial>)')],
  web: [col(FIELDS.program, 'string', 'The syslog program (apache2, ...)')],
};

/** Metadata-style columns of a kind the metadata file does not describe (web: the original never exported it). */
const BUILT_IN_COLUMNS: Record<PexipKind, readonly ColumnSpec[]> = {
  support: [col(FIELDS.originatingDate, 'date', ''), col(FIELDS.originatingTime, 'string', ''), col(FIELDS.level, 'string', ''), col(FIELDS.name, 'string', '')],
  audit: [col(FIELDS.audit, 'string', ''), col(FIELDS.systemFqdn, 'string', ''), col(FIELDS.type, 'string', '')],
  web: [],
};

/** `log_message` of web access lines (Apache combined format, FORMAT.md). */
export const WEB_LOG_STRUCT =
  'struct<client:string,ident:string,user:string,time:string,request:string,method:string,path:string,protocol:string,status:int,bytes:bigint,referrer:string,user_agent:string,extra:array<string>>';

/** The whole `log_message` as JSON text, beside the typed struct: pairs the original's structs do not list stay queryable (json_extract_scalar). */
export const LOG_MESSAGE_JSON_COLUMN = 'log_message_json';

/**
 * Where the original's structs are wrong for what the logs hold (kept otherwise as they are, for
 * users' existing queries): audit `mode` is octal text (`0100644`: an int column would read
 * 100644), inode numbers pass 2^31; every support class has the Detail pair (lines, as the
 * wrangler writes it) even where the original's struct lacks it.
 */
const STRUCT_CORRECTIONS: Record<PexipKind, { retype: Record<string, string>; ensure: Record<string, string> }> = {
  audit: { retype: { mode: 'string', ino: 'bigint', inode: 'bigint' }, ensure: {} },
  support: { retype: {}, ensure: { [LOG_MESSAGE_FIELDS.detail.toLowerCase()]: 'array<string>' } },
  web: { retype: {}, ensure: {} },
};

/** The class struct with the corrections applied (top-level fields only). */
export function correctedStruct(kind: PexipKind, struct: string): string {
  const t = parseHiveType(struct);
  if (t.kind !== 'struct') return formatHiveType(t);
  const c = STRUCT_CORRECTIONS[kind];
  const fields = t.fields.map((f) => (c.retype[f.name.toLowerCase()] ? { name: f.name, type: parseHiveType(c.retype[f.name.toLowerCase()]) } : f));
  for (const [name, type] of Object.entries(c.ensure)) if (!fields.some((f) => f.name.toLowerCase() === name)) fields.push({ name, type: parseHiveType(type) });
  return formatHiveType({ kind: 'struct', fields });
}

export interface PexipTablesInput {
  readonly metadata: PexipMetadata;
  /** Bucket of the wrangler's export (a name or a Terraform reference). */
  readonly bucket: string;
  /** The wrangler's export prefix (`pexip/`: `''` or ending with `/`). */
  readonly prefix: string;
  /** Partition projection on, over these years; `false` for tables whose partitions a function adds. */
  readonly projection: ProjectionYears | false;
}

export interface PexipDatabase {
  readonly kind: PexipKind;
  readonly name: string;
}

/** One database per kind: the metadata's names, the contract's for kinds the metadata lacks (web). */
export function pexipDatabases(metadata: PexipMetadata): PexipDatabase[] {
  return PEXIP_KINDS.map((kind) => ({ kind, name: metadata[kind]?.glue_database_name ?? GLUE_DATABASES[kind] }));
}

/** The class → `log_message` type of a kind (web gets the built-in struct unless the metadata has one). */
function classStructs(metadata: PexipMetadata, kind: PexipKind): [string, string][] {
  const k = metadata[kind];
  if (k) return classesOf(k).map((c) => [c, k.log_struct[c]]);
  return kind === 'web' ? [[WEB_CLASS, WEB_LOG_STRUCT]] : [];
}

function kindColumns(metadata: PexipMetadata, kind: PexipKind): ColumnSpec[] {
  const k = metadata[kind];
  const fromMetadata = k
    ? k.columns.filter((c) => c.Name !== LOG_MESSAGE_COLUMN).map((c) => col(c.Name.toLowerCase(), formatHiveType(parseHiveType(c.Type)), ''))
    : [...BUILT_IN_COLUMNS[kind]];
  // A column is declared once: the metadata's own (syslog_time, system) keep their place after the common ones.
  const common = new Set(COMMON_COLUMNS.map((c) => c.name));
  const own = fromMetadata.filter((c) => !common.has(c.name));
  const names = new Set([...common, ...own.map((c) => c.name)]);
  return [...COMMON_COLUMNS, ...own, ...KIND_COLUMNS[kind].filter((c) => !names.has(c.name))];
}

/** Table parameters with projection over the wrangler's Hive-style date folders. */
export function pexipProjection(template: string, years: ProjectionYears, extra: Record<string, string> = {}): Record<string, string> {
  checkLocationTemplate(template, [...PEXIP_PARTITION_KEYS, ...Object.keys(extra).filter((k) => k.endsWith('.type')).map((k) => k.split('.')[1])]);
  return {
    'projection.enabled': 'true',
    'projection.year.type': 'integer',
    'projection.year.range': `${years.first},${years.last}`,
    'projection.month.type': 'integer',
    'projection.month.range': '1,12',
    'projection.month.digits': '2',
    'projection.day.type': 'integer',
    'projection.day.range': '1,31',
    'projection.day.digits': '2',
    ...extra,
    'storage.location.template': template,
  };
}

const partitionColumns = (): ColumnSpec[] => PEXIP_PARTITION_KEYS.map((k) => col(k, 'string', `Event-time ${k} (UTC, zero-padded)`));

/** Every Pexip table, sorted by database and name. */
export function pexipTables(input: PexipTablesInput): TableSpec[] {
  const { metadata, bucket, prefix, projection } = input;
  const out: TableSpec[] = [];
  const base = {
    inputFormat: TEXT_INPUT_FORMAT,
    outputFormat: TEXT_OUTPUT_FORMAT,
    serde: openxSerde({ [TIMESTAMP_COLUMN]: FIELDS.timestamp, [LOG_MESSAGE_JSON_COLUMN]: LOG_MESSAGE_COLUMN }),
  };
  const tableParams = (template: string, extra: Record<string, string> = {}): Record<string, string> => ({
    classification: 'json',
    compressionType: 'gzip',
    ...(projection ? pexipProjection(template, projection, extra) : {}),
  });
  for (const db of pexipDatabases(metadata)) {
    const kind = db.kind;
    const columns = kindColumns(metadata, kind);
    const folder = `${prefix}${kind}/`;
    const tables = new Map<string, string>();
    const add = (cls: string, logMessageType: string, description: string): void => {
      const name = classTableName(cls);
      if (tables.has(name)) throw new Error(`Pexip catalog: classes "${tables.get(name)}" and "${cls}" both make table ${db.name}.${name}`);
      tables.set(name, cls);
      const location = s3Location(bucket, `${folder}${name}/`);
      out.push({
        ...base,
        database: db.name,
        name,
        description,
        location,
        columns: [
          ...columns,
          col(LOG_MESSAGE_COLUMN, logMessageType, 'The parsed pairs / audit fields / access-log fields'),
          col(LOG_MESSAGE_JSON_COLUMN, 'string', 'log_message as JSON text: every pair, also those the struct does not list'),
        ],
        partitionKeys: partitionColumns(),
        parameters: tableParams(`${location}${EXPORT_PARTITION_TEMPLATE}`),
      });
    };
    for (const [cls, struct] of classStructs(metadata, kind)) add(cls, correctedStruct(kind, struct), `Pexip ${kind} log class ${cls}`);
    add(UNPARSED_CLASS, 'string', `Pexip ${kind} lines that matched no known shape (raw kept, parse_error says why)`);
    if (tables.has(CATCH_ALL_TABLE)) throw new Error(`Pexip catalog: a class makes table ${db.name}.${CATCH_ALL_TABLE}, the catch-all's name`);
    const location = s3Location(bucket, folder);
    const template = `${location}\${${CATCH_ALL_CLASS_KEY}}/${EXPORT_PARTITION_TEMPLATE}`;
    out.push({
      ...base,
      database: db.name,
      name: CATCH_ALL_TABLE,
      description: `Pexip ${kind} classes the metadata does not list: query with ${CATCH_ALL_CLASS_KEY} = '<class table name>'`,
      serde: openxSerde({ [TIMESTAMP_COLUMN]: FIELDS.timestamp }),
      location,
      columns: [...columns, col(LOG_MESSAGE_COLUMN, 'string', 'The parsed fields, as one JSON string (json_extract_scalar)')],
      partitionKeys: [col(CATCH_ALL_CLASS_KEY, 'string', 'Folder (table name) of the class, e.g. support_teams'), ...partitionColumns()],
      parameters: tableParams(template, { [`projection.${CATCH_ALL_CLASS_KEY}.type`]: 'injected' }),
    });
  }
  return out.sort((a, b) => (a.database === b.database ? a.name.localeCompare(b.name) : a.database.localeCompare(b.database)));
}
