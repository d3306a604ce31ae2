import { indexPattern, type Source } from '../contract';
import type { ResolvedState } from './state';

/** One saved object as `_import` reads it (one NDJSON line) and `_bulk_get` returns it. */
export interface SavedObject {
  type: 'index-pattern' | 'search' | 'visualization';
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

const REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';
export const SAVED_OBJECT_ID_PREFIX = 'logs-to-opensearch';

const patternId = (source: Source): string => `${SAVED_OBJECT_ID_PREFIX}-${source}`;

function searchSource(query = ''): Record<string, unknown> {
  return { searchSourceJSON: JSON.stringify({ query: { query, language: 'kuery' }, filter: [], indexRefName: REF }) };
}

function visualization(id: string, source: Source, title: string, type: string, aggs: Record<string, unknown>[], query = ''): SavedObject {
  const visState = { title, type, params: { type, addLegend: true, addTooltip: true, legendPosition: 'right' }, aggs };
  return {
    type: 'visualization',
    id,
    attributes: { title, visState: JSON.stringify(visState), uiStateJSON: '{}', description: '', version: 1, kibanaSavedObjectMeta: searchSource(query) },
    references: [{ name: REF, type: 'index-pattern', id: patternId(source) }],
  };
}

const count = { id: '1', enabled: true, type: 'count', schema: 'metric', params: {} };
const terms = (id: string, schema: string, field: string, size: number) => ({ id, enabled: true, type: 'terms', schema, params: { field, size, order: 'desc', orderBy: '1' } });
const perInterval = (id: string, interval: string) => ({ id, enabled: true, type: 'date_histogram', schema: 'segment', params: { field: '@timestamp', interval, min_doc_count: 0 } });

/**
 * Saved objects for OpenSearch Dashboards: an index pattern per source (time field
 * `@timestamp`), a saved search of recent CloudWatch events, and the four visualizations the
 * seeds' notes asked for. Ids are fixed, so `_import` with overwrite replaces our objects and
 * never duplicates them.
 */
export function buildSavedObjects(s: ResolvedState): SavedObject[] {
  const out: SavedObject[] = [];
  const has = new Map(s.sources);
  for (const [source, src] of s.sources) {
    out.push({ type: 'index-pattern', id: patternId(source), attributes: { title: indexPattern(src), timeFieldName: '@timestamp' }, references: [] });
  }
  if (has.has('cwl')) {
    out.push({
      type: 'search',
      id: `${SAVED_OBJECT_ID_PREFIX}-cwl-recent`,
      attributes: { title: 'CloudWatch Logs: recent events', description: '', columns: ['@log_group', '@message'], sort: [['@timestamp', 'desc']], version: 1, kibanaSavedObjectMeta: searchSource() },
      references: [{ name: REF, type: 'index-pattern', id: patternId('cwl') }],
    });
    out.push(visualization(`${SAVED_OBJECT_ID_PREFIX}-cwl-events-per-log-group`, 'cwl', 'Events per log group', 'horizontal_bar', [count, terms('2', 'segment', '@log_group', 20)]));
  }
  if (has.has('elb')) {
    out.push(visualization(`${SAVED_OBJECT_ID_PREFIX}-elb-status-over-time`, 'elb', 'ELB status codes over time', 'line', [count, perInterval('2', 'auto'), terms('3', 'group', 'elb_status_code', 10)]));
    out.push(visualization(`${SAVED_OBJECT_ID_PREFIX}-elb-top-urls`, 'elb', 'ELB top URLs', 'table', [count, terms('2', 'bucket', 'request_url', 25)]));
  }
  if (has.has('pexip')) {
    out.push(visualization(`${SAVED_OBJECT_ID_PREFIX}-pexip-errors-per-day`, 'pexip', 'Pexip errors per day', 'histogram', [count, perInterval('2', 'd')], 'level:ERROR or level:CRITICAL'));
  }
  return out;
}

/** The `_import` request body: one NDJSON file in a multipart form (Dashboards reads the `file` part). */
export function importRequest(objects: SavedObject[], boundary: string): { body: Buffer; contentType: string } {
  const ndjson = objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="logs-to-opensearch.ndjson"\r\nContent-Type: application/ndjson\r\n\r\n${ndjson}\r\n--${boundary}--\r\n`,
  );
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Per object of an `_import` answer: imported, or the error Dashboards gave. */
export function importResults(objects: SavedObject[], answer: unknown): Map<string, string | undefined> {
  const a = (answer ?? {}) as { successResults?: { id: string; type: string }[]; errors?: { id: string; type: string; error?: { type?: string; message?: string } }[] };
  const ok = new Set((a.successResults ?? []).map((r) => `${r.type}/${r.id}`));
  const failed = new Map<string, string>((a.errors ?? []).map((e) => [`${e.type}/${e.id}`, e.error?.message ?? e.error?.type ?? 'failed']));
  const out = new Map<string, string | undefined>();
  for (const o of objects) {
    const key = `${o.type}/${o.id}`;
    out.set(key, ok.has(key) ? undefined : failed.get(key) ?? 'not in the import answer');
  }
  return out;
}
