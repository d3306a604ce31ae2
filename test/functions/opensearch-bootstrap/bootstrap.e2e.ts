import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { DocumentBuilder } from '../../../functions/elb-processor/core/documents';
import { parseLine } from '../../../functions/elb-processor/core/parse';
import type { BootstrapConfig } from '../../../functions/opensearch-bootstrap/config';
import type { BootstrapReport, DesiredState } from '../../../functions/opensearch-bootstrap/contract';
import { createBootstrapHandler } from '../../../functions/opensearch-bootstrap/handler';
import { searchSource } from '../../../functions/pexip-wrangler/core/search';
import { wrangleLine } from '../../../functions/pexip-wrangler/core/wrangle';
import { createRestClient, type RestClient } from '../../../functions/shared/opensearch';
import * as ELB from '../../../fixtures/elb/lines';
import { startOpenSearch, type OpenSearchNode } from '../../support/opensearch';
import { PROJECT_ROOT } from '../../support/shared';

const STATE: DesiredState = {
  sources: { cwl: { indexPrefix: 'cwl', retentionDays: 30 }, elb: { indexPrefix: 'elb', retentionDays: 90, warmAfterDays: 7 }, pexip: { indexPrefix: 'pexip', retentionDays: 365 } },
  shipperRoleArns: ['arn:aws:iam::123456789012:role/shipper'],
  alert: { threshold: 10, snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', snsRoleArn: 'arn:aws:iam::123456789012:role/opensearch-sns' },
};

describe('opensearch-bootstrap against a real OpenSearch node', function () {
  let node: OpenSearchNode;
  let client: RestClient;
  let lines: string[];
  let run: (state: DesiredState) => Promise<BootstrapReport>;

  before(async function () {
    node = await startOpenSearch();
    client = createRestClient({ endpoint: node.endpoint, service: 'es', region: 'eu-west-1', sign: false });
    const config: BootstrapConfig = { functionName: 'bootstrap-test', endpoint: node.endpoint, service: 'es', region: 'eu-west-1', requestTimeoutMs: 30_000 };
    lines = [];
    const handler = createBootstrapHandler({ config, client, write: (l) => lines.push(l) });
    run = (state) => handler(state);
  });
  after(async () => {
    client?.close();
    await node?.stop();
  });

  const results = (r: BootstrapReport) => Object.fromEntries(r.items.map((i) => [`${i.kind}:${i.name}`, i.result]));

  it('creates the templates on the first run and changes nothing on the second, saying so', async () => {
    // Given an empty node (no ISM, security, alerting plugins, no Dashboards)
    // When the bootstrap runs twice with the same desired state
    const first = await run(STATE);
    const second = await run(STATE);
    // Then the first run created the three templates and skipped what the node lacks, with the reason
    expect(results(first)).to.deep.include({ 'index-template:cwl': 'created', 'index-template:elb': 'created', 'index-template:pexip': 'created' });
    expect(first.items.find((i) => i.kind === 'ism-policy')).to.deep.equal({ kind: 'ism-policy', name: 'cwl-retention', result: 'skipped', reason: 'ISM plugin not installed' });
    expect(first.items.filter((i) => i.result === 'skipped').map((i) => i.kind)).to.include.members(['ism-policy', 'role', 'role-mapping', 'saved-object', 'monitor', 'notification-channel']);
    expect(first.changed).to.equal(3);
    // And the second run found every template unchanged and says "no changes"
    expect(second.items.filter((i) => i.kind === 'index-template').map((i) => i.result)).to.deep.equal(['unchanged', 'unchanged', 'unchanged']);
    expect(second.changed).to.equal(0);
    expect(second.summary).to.match(/^no changes/);
    const summary = JSON.parse(lines[1]);
    expect([summary.Created, summary.Updated, summary.Unchanged]).to.deep.equal([0, 0, 3]);
  });

  it('updates a template whose desired state changed, or that someone else overwrote, then converges', async () => {
    // Given a changed field limit, and the pexip template replaced by hand
    await client.call('PUT', '/_index_template/pexip', { index_patterns: ['pexip-*'], template: { mappings: { properties: { raw: { type: 'text' } } } } });
    const changed = { ...STATE, totalFieldsLimit: 3000 };
    // When the bootstrap runs (twice)
    const first = await run(changed);
    const second = await run(changed);
    // Then every template is updated once, and the cluster holds the new limit
    expect(first.items.filter((i) => i.kind === 'index-template').map((i) => i.result)).to.deep.equal(['updated', 'updated', 'updated']);
    expect(second.changed).to.equal(0);
    const got = (await client.call('GET', '/_index_template/cwl')).json as { index_templates: { index_template: { template: { settings: unknown } } }[] };
    expect(got.index_templates[0].index_template.template.settings).to.deep.equal({ index: { mapping: { total_fields: { limit: '3000' } } } });
    await run(STATE);
  });

  it('maps a CloudWatch document with a thousand JSON keys without adding a field per key', async () => {
    // Given a shipper document whose parsed JSON has 1,500 distinct keys (more than the 1,000 default limit)
    const fields = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, { v: i, when: '2024-05-28T10:00:00Z' }]));
    const doc = { '@id': '1', '@timestamp': '2024-05-28T10:00:00.000Z', '@message': 'x'.repeat(2000), '@owner': '123456789012', '@log_group': '/aws/lambda/a', '@log_stream': 's', fields };
    // When it is indexed into a daily index
    const res = await client.call('PUT', '/cwl-2024.05.28/_doc/1?refresh=true', doc);
    // Then it is accepted, searchable by a nested path, and the mapping is the template's
    expect(res.status).to.equal(201);
    const hit = (await client.call('POST', '/cwl-*/_search', { query: { term: { 'fields.k1499.v': '1499' } } })).json as { hits: { total: { value: number } } };
    expect(hit.hits.total.value).to.equal(1);
    const mapping = ((await client.call('GET', '/cwl-2024.05.28/_mapping')).json as Record<string, { mappings: { date_detection: boolean; properties: Record<string, { type: string }> } }>)['cwl-2024.05.28'].mappings;
    expect(mapping.date_detection).to.equal(false);
    expect(Object.keys(mapping.properties).sort()).to.deep.equal(['@id', '@log_group', '@log_stream', '@message', '@original_bytes', '@owner', '@timestamp', '@truncated', 'fields']);
    expect(mapping.properties.fields.type).to.equal('flat_object');
  });

  it('indexes every ELB fixture layout with typed fields and no mapping error', async () => {
    // Given documents the elb-processor builds from each layout's fixture line
    const builder = new DocumentBuilder({ bucket: 'b', key: 'k', revision: 'r', indexPrefix: 'elb', keyType: 'alb', metadata: { environment: 'test' } });
    const samples = Object.entries(ELB).filter(([, v]) => typeof v === 'string') as [string, string][];
    samples.push(['ALB_FULL_FIELDS', ELB.ALB_FULL_FIELDS.join(' ')]);
    const items = samples.flatMap(([, line], n) => {
      const r = parseLine(line);
      return r.kind === 'doc' ? [builder.document(r, n + 1)] : r.kind === 'failed' ? [builder.failed(line, r.reason, r.type, n + 1, '2024-05-28T00:00:00.000Z')] : [];
    });
    expect(items.length).to.be.greaterThan(8);
    // When they are bulk-indexed
    const body = items.map((i) => `${JSON.stringify({ create: { _index: i.index, _id: i.id } })}\n${i.source}\n`).join('');
    const res = await client.call('POST', '/_bulk?refresh=true', Buffer.from(body), { 'content-type': 'application/x-ndjson' });
    // Then no item fails, and status codes, IPs and times have their types
    const answer = res.json as { errors: boolean; items: { create: { status: number; error?: unknown } }[] };
    expect(answer.items.filter((i) => i.create.status !== 201).map((i) => i.create.error)).to.deep.equal([]);
    const mappings = (await client.call('GET', '/elb-alb-*/_mapping/field/elb_status_code,client_ip,request_creation_time')).json as Record<string, { mappings: Record<string, { mapping: Record<string, { type: string }> }> }>;
    const fields = Object.values(mappings)[0].mappings;
    expect([fields.elb_status_code.mapping.elb_status_code.type, fields.client_ip.mapping.client_ip.type, fields.request_creation_time.mapping.request_creation_time.type]).to.deep.equal(['integer', 'ip', 'date']);
    const errors = (await client.call('POST', '/elb-*/_search', { size: 0, query: { range: { elb_status_code: { gte: 500, lte: 599 } } } })).json as { hits: { total: { value: number } } };
    expect(errors.hits.total.value).to.be.greaterThan(0);
  });

  it('indexes every Pexip fixture line as the wrangler sends it, with no mapping error', async () => {
    // Given the wrangler's documents for the support, audit, web and garbage fixtures
    const docs: string[] = [];
    for (const [file, kind] of [['support.log', 'support'], ['audit.log', 'audit'], ['web.log', 'web'], ['garbage.log', 'support']] as const) {
      for (const line of readFileSync(join(PROJECT_ROOT, 'fixtures', 'pexip', file), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const wrangled = wrangleLine(line, { kind, fallbackEpochMs: Date.UTC(2024, 4, 28), fallbackNode: 'node1' });
        docs.push(searchSource(wrangled.record) ?? JSON.stringify(wrangled.record));
      }
    }
    // When they are bulk-indexed into one daily index
    const body = docs.map((d, i) => `{"create":{"_index":"pexip-support-2024.05.28","_id":"${i}"}}\n${d}\n`).join('');
    const res = await client.call('POST', '/_bulk?refresh=true', Buffer.from(body), { 'content-type': 'application/x-ndjson' });
    // Then every line is accepted, and the pairs are searchable by path inside log_message
    const answer = res.json as { items: { create: { status: number; error?: unknown } }[] };
    expect(answer.items.length).to.equal(docs.length);
    expect(answer.items.filter((i) => i.create.status !== 201).map((i) => i.create.error)).to.deep.equal([]);
    const mapping = ((await client.call('GET', '/pexip-support-2024.05.28/_mapping')).json as Record<string, { mappings: { properties: Record<string, { type?: string }> } }>)['pexip-support-2024.05.28'].mappings.properties;
    expect(mapping.log_message.type).to.equal('flat_object');
    expect(mapping.level.type).to.equal('keyword');
  });
});
