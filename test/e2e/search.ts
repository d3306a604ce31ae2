/**
 * Direct (unsigned, unproxied) reads of the local OpenSearch node for assertions: what a user would
 * see when searching, independent of the shipper and of the fault proxy.
 */
export interface StoredDoc {
  index: string;
  id: string;
  source: Record<string, unknown>;
}

async function call(endpoint: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${endpoint}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * The index template functions/shipper/README.md tells users to install (typed `@` fields, extracted
 * `fields` as one `flat_object`, so a field that is a number in one message and a string in another
 * cannot make a mapping conflict), plus one primary shard and no replica (single node: green; the
 * visibility sampler relies on one shard).
 */
export async function installIndexTemplate(endpoint: string, prefix: string): Promise<void> {
  await call(endpoint, 'PUT', `/_index_template/e2e-${prefix}`, {
    index_patterns: [`${prefix}-*`],
    template: {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          '@message': { type: 'text' },
          '@id': { type: 'keyword' },
          '@owner': { type: 'keyword' },
          '@log_group': { type: 'keyword' },
          '@log_stream': { type: 'keyword' },
          fields: { type: 'flat_object' },
        },
      },
    },
  });
}

/**
 * Records when each document first became searchable: every `intervalMs` it asks each `<prefix>-*`
 * index for documents with a higher `_seq_no` than already seen (one shard per index, so `_seq_no`
 * only grows). Latency = first seen - put time; it includes the 1 s refresh interval, as a user would.
 */
export function startVisibilitySampler(endpoint: string, prefix: string, intervalMs = 200) {
  const firstSeen = new Map<string, number>();
  const lastSeq = new Map<string, number>();
  let stopped = false;
  const tick = async () => {
    const rows = (await call(endpoint, 'GET', `/_cat/indices/${prefix}-*?format=json&h=index`)) as { index: string }[];
    for (const { index } of rows) {
      for (;;) {
        const page = await call(endpoint, 'POST', `/${index}/_search`, {
          size: 5000,
          _source: false,
          seq_no_primary_term: true,
          sort: [{ _seq_no: 'asc' }],
          query: { range: { _seq_no: { gt: lastSeq.get(index) ?? -1 } } },
        });
        const hits = page.hits.hits as { _id: string; _seq_no: number }[];
        const now = Date.now();
        for (const h of hits) if (!firstSeen.has(h._id)) firstSeen.set(h._id, now);
        if (hits.length) lastSeq.set(index, hits[hits.length - 1]!._seq_no);
        if (hits.length < 5000) break;
      }
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await tick().catch(() => undefined); // the node may be down (outage run) or an index just being created
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    firstSeen,
    async stop() {
      stopped = true;
      await loop;
      await tick().catch(() => undefined);
    },
  };
}

export async function refresh(endpoint: string, prefix: string): Promise<void> {
  await call(endpoint, 'POST', `/${prefix}-*/_refresh`);
}

export async function countDocs(endpoint: string, prefix: string, query?: unknown): Promise<number> {
  const res = await call(endpoint, 'POST', `/${prefix}-*/_count`, query ? { query } : undefined);
  return res.count as number;
}

/** Every document under `<prefix>-*` (a scroll in _doc order), with its index and _id. */
export async function allDocs(endpoint: string, prefix: string): Promise<StoredDoc[]> {
  await refresh(endpoint, prefix);
  const out: StoredDoc[] = [];
  let page = await call(endpoint, 'POST', `/${prefix}-*/_search?scroll=2m`, { size: 5000, sort: ['_doc'] });
  try {
    for (;;) {
      const hits = page.hits.hits as { _index: string; _id: string; _source: Record<string, unknown> }[];
      for (const h of hits) out.push({ index: h._index, id: h._id, source: h._source });
      if (hits.length === 0) break;
      page = await call(endpoint, 'POST', '/_search/scroll', { scroll: '2m', scroll_id: page._scroll_id });
    }
  } finally {
    await call(endpoint, 'DELETE', '/_search/scroll', { scroll_id: page._scroll_id }).catch(() => undefined);
  }
  return out;
}

export async function listIndices(endpoint: string, prefix: string): Promise<string[]> {
  const rows = (await call(endpoint, 'GET', `/_cat/indices/${prefix}-*?format=json&h=index`)) as { index: string }[];
  return rows.map((r) => r.index).sort();
}

/** The mapping type of `field` (a dotted path of top-level properties) in `index`, or undefined. */
export async function fieldType(endpoint: string, index: string, field: string): Promise<string | undefined> {
  const res = await call(endpoint, 'GET', `/${index}/_mapping`);
  let node: any = res[index]?.mappings;
  for (const part of field.split('.')) node = node?.properties?.[part];
  return node?.type ?? (node?.properties ? 'object' : undefined);
}

export async function search(endpoint: string, prefix: string, body: unknown): Promise<any> {
  return call(endpoint, 'POST', `/${prefix}-*/_search`, body);
}
