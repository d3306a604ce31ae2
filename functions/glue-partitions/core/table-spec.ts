/**
 * A Glue table as plain data: what the GlueCatalog construct synthesizes into
 * `aws_glue_catalog_table` and what the glue-partitions function sends as a Glue `TableInput`.
 * One model, two writers, so the two ways of cataloguing cannot drift.
 */
export interface ColumnSpec {
  readonly name: string;
  /** Hive type text (canonical, see hive-types.ts). */
  readonly type: string;
  readonly comment?: string;
}

export interface TableSpec {
  readonly database: string;
  readonly name: string;
  readonly description: string;
  /** `s3://bucket/prefix/`: where the table's objects are. */
  readonly location: string;
  readonly columns: readonly ColumnSpec[];
  readonly partitionKeys: readonly ColumnSpec[];
  readonly serde: { readonly library: string; readonly parameters: Readonly<Record<string, string>> };
  readonly inputFormat: string;
  readonly outputFormat: string;
  /** Table parameters: classification, compression and (when on) the partition projection settings. */
  readonly parameters: Readonly<Record<string, string>>;
}

export const OPENX_JSON_SERDE = 'org.openx.data.jsonserde.JsonSerDe';
export const REGEX_SERDE = 'org.apache.hadoop.hive.serde2.RegexSerDe';
export const TEXT_INPUT_FORMAT = 'org.apache.hadoop.mapred.TextInputFormat';
export const TEXT_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/**
 * OpenX JSON SerDe settings of every JSON table: a malformed line is a row of nulls instead of a
 * failed query, keys match columns case-insensitively (the wrangler keeps Pexip's key casing,
 * `Conference_ID`; the original's structs are lower case), and `mapping.<column>` names a
 * JSON key that is not a valid column name (`@timestamp`).
 */
export function openxSerde(mappings: Record<string, string> = {}): TableSpec['serde'] {
  const parameters: Record<string, string> = { 'ignore.malformed.json': 'TRUE', 'case.insensitive': 'TRUE' };
  for (const [column, key] of Object.entries(mappings)) parameters[`mapping.${column}`] = key;
  return { library: OPENX_JSON_SERDE, parameters };
}

/** The `s3://bucket/prefix` of a bucket and a key prefix (`''` or ending with `/`). */
export function s3Location(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}

/** The location template of partition projection, checked: every partition key appears as `${key}` exactly once, nothing else does. */
export function checkLocationTemplate(template: string, keys: readonly string[]): void {
  const used = [...template.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
  const want = [...keys].sort().join(',');
  if ([...used].sort().join(',') !== want) throw new Error(`storage.location.template "${template}" must use each of ${keys.map((k) => `\${${k}}`).join(', ')} once`);
}
