/**
 * A table over the dead-letter objects every function writes (functions/shared/dead-letter.ts):
 * JSON lines `{"kind","reason","status"?,"function","requestId","writtenAt","source",…}` under
 * `<prefix>yyyy/mm/dd/<function>/<request id>-<kind>-<n>.jsonl`, so a user can query what was
 * refused and why. Projection on the date folders; the function is a column.
 */
import { TEXT_INPUT_FORMAT, TEXT_OUTPUT_FORMAT, checkLocationTemplate, openxSerde, s3Location, type TableSpec } from '../../functions/glue-partitions/core/table-spec';
import { datePartitionProjection } from './elb-tables';

/** Column → JSON key of entries whose keys are not good column names (reserved words, camelCase). */
export const DEAD_LETTER_MAPPINGS = {
  function_name: 'function',
  request_id: 'requestid',
  written_at: 'writtenat',
  target_index: 'index',
  document_id: 'id',
} as const;

export const DEAD_LETTER_COLUMNS = [
  { name: 'kind', type: 'string', comment: 'Failure kind (also in the object key): poison-record, rejected-document, ...' },
  { name: 'reason', type: 'string', comment: 'Why it was refused' },
  { name: 'status', type: 'int', comment: 'HTTP status of the refusal, when there was one' },
  { name: 'function_name', type: 'string', comment: 'The function that wrote the entry' },
  { name: 'request_id', type: 'string', comment: 'Lambda request id of the invocation' },
  { name: 'written_at', type: 'string', comment: 'ISO 8601 UTC' },
  {
    name: 'source',
    type: 'struct<type:string,eventsourcearn:string,sequencenumber:string,partitionkey:string,approximatearrivaltimestamp:bigint,bucket:string,key:string,line:bigint>',
    comment: 'Where the data came from: a Kinesis record or an S3 object line',
  },
  { name: 'target_index', type: 'string', comment: 'A rejected document: its target index' },
  { name: 'document_id', type: 'string', comment: 'A rejected document: its id' },
  { name: 'document', type: 'string', comment: 'A rejected document: its source text' },
  { name: 'data', type: 'string', comment: 'A poison record: its data as received (base64)' },
] as const;

export interface DeadLetterTableInput {
  readonly database: string;
  readonly name: string;
  readonly bucket: string;
  /** The functions' dead-letter prefix (`dead-letter/`). */
  readonly prefix: string;
  readonly firstDay: string;
  readonly projection: boolean;
}

export function deadLetterTable(i: DeadLetterTableInput): TableSpec {
  const location = s3Location(i.bucket, i.prefix);
  const template = `${location}\${day}/`;
  checkLocationTemplate(template, ['day']);
  return {
    database: i.database,
    name: i.name,
    description: `Dead letters under s3://…/${i.prefix}: what the functions refused and why`,
    location,
    columns: DEAD_LETTER_COLUMNS.map((c) => ({ ...c })),
    partitionKeys: [{ name: 'day', type: 'string', comment: 'Write date folder, yyyy/MM/dd (UTC)' }],
    serde: openxSerde(DEAD_LETTER_MAPPINGS),
    inputFormat: TEXT_INPUT_FORMAT,
    outputFormat: TEXT_OUTPUT_FORMAT,
    parameters: {
      classification: 'json',
      ...(i.projection ? { 'projection.enabled': 'true', ...datePartitionProjection(i.firstDay), 'storage.location.template': template } : {}),
    },
  };
}
