import { createHash } from 'node:crypto';
import type { LineResult, LogType } from './types';

/** Where a line came from: the S3 object and the metadata every document carries. */
export interface FileContext {
  bucket: string;
  key: string;
  /** Object version id when the bucket is versioned, else the ETag: a new upload gets new ids. */
  revision: string;
  indexPrefix: string;
  /** Type from the key, used for failed lines whose own type is unknown. */
  keyType: LogType;
  metadata: { environment?: string; component?: string; application?: string };
}

/** A bulk item as the shared OpenSearch client takes it (functions/shared/opensearch). */
export interface ElbBulkItem {
  index: string;
  id: string;
  action: 'create';
  source: string;
  ref: number;
}

/** Longest raw line kept in a failed-line document (OpenSearch keyword/text limits; AWS's own fields cap at 8 KB). */
export const MAX_RAW_CHARS = 16_384;

/**
 * Turns parsed lines of one file into bulk items. Everything constant for the file (id
 * prefix, S3/metadata JSON) is computed once here, so per line the work is one
 * `JSON.stringify` of the typed document and a few string concatenations.
 *
 * Index names: `<prefix>-<type>-YYYY.MM.DD` from the line's request time (UTC), e.g.
 * `elb-alb-2024.05.28`; failed lines go to `<prefix>-failed`.
 * Document id: `<base64url(sha256(bucket, key, revision))[0..22]>.<line number>`, so
 * reprocessing the same object version yields the same ids and `create` answers 409.
 */
export class DocumentBuilder {
  /** Document ids are this + the line number. */
  readonly idPrefix: string;
  /** What follows a document's fields: `,"s3":{"bucket":…,"key":…,"line":` (then the line number and `}`). */
  readonly tail: string;
  /** The metadata fields (`,"environment":…`), or empty; after the `s3` object. */
  readonly metaJson: string;
  private lastDay = '';
  private lastType: LogType | '' = '';
  private lastIndex = '';

  constructor(private readonly ctx: FileContext) {
    this.idPrefix = `${fileId(ctx.bucket, ctx.key, ctx.revision)}.`;
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.metadata)) if (v) meta[k] = v;
    this.metaJson = Object.keys(meta).length ? `,${JSON.stringify(meta).slice(1, -1)}` : '';
    this.tail = `,"s3":{"bucket":${JSON.stringify(ctx.bucket)},"key":${JSON.stringify(ctx.key)},"line":`;
  }

  /** The item for a parsed document line. */
  document(result: Extract<LineResult, { kind: 'doc' }>, lineNumber: number): ElbBulkItem {
    const ts = result.timestamp; // validated by the parser: digits, '-', 'T', ':', '.', 'Z' only
    const body = JSON.stringify(result.doc);
    const source = `{"@timestamp":"${ts}","log_type":"${result.type}",${body.slice(1, -1)}${this.tail}${lineNumber}}${this.metaJson}}`;
    return { index: this.indexFor(result.type, ts), id: this.idPrefix + lineNumber, action: 'create', source, ref: lineNumber };
  }

  /** The item for a line that did not parse: raw text, reason and where it was. */
  failed(raw: string, reason: string, type: LogType | undefined, lineNumber: number, now: string): ElbBulkItem {
    const doc = {
      '@timestamp': now,
      log_type: type ?? this.ctx.keyType,
      reason,
      raw: raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw,
      raw_truncated: raw.length > MAX_RAW_CHARS ? true : undefined,
    };
    const body = JSON.stringify(doc);
    return {
      index: `${this.ctx.indexPrefix}-failed`,
      id: this.idPrefix + lineNumber,
      action: 'create',
      source: `${body.slice(0, -1)}${this.tail}${lineNumber}}${this.metaJson}}`,
      ref: lineNumber,
    };
  }

  /** The index for a document of `type` at `ts` (only its first 10 characters, the date, are read). */
  indexFor(type: LogType, ts: string): string {
    const day = ts.slice(0, 10);
    if (day !== this.lastDay || type !== this.lastType) {
      this.lastDay = day;
      this.lastType = type;
      this.lastIndex = `${this.ctx.indexPrefix}-${type}-${day.slice(0, 4)}.${day.slice(5, 7)}.${day.slice(8, 10)}`;
    }
    return this.lastIndex;
  }
}

export function fileId(bucket: string, key: string, revision: string): string {
  return createHash('sha256').update(`${bucket}\n${key}\n${revision}`).digest('base64url').slice(0, 22);
}
