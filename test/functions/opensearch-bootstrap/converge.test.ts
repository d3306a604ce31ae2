import { expect } from 'chai';
import type { DesiredState } from '../../../functions/opensearch-bootstrap/contract';
import { converge } from '../../../functions/opensearch-bootstrap/converge';
import type { RestClient, RestResponse } from '../../../functions/shared/opensearch';

/**
 * A model of the plugin APIs the local node lacks (ISM, security, notifications, alerting,
 * Dashboards saved objects), storing what is written and answering reads in the documented shapes,
 * decorated the way the plugins decorate them (ids, timestamps, retry blocks). It lets the
 * convergence logic be tested; the request bodies themselves are checked in core.test.ts.
 */
function pluginCluster(opts: { importErrors?: boolean } = {}) {
  const store = new Map<string, any>();
  const calls: string[] = [];
  let seq = 0;
  const ok = (json: unknown, status = 200): RestResponse => ({ status, json, text: JSON.stringify(json) });
  const missing = (): RestResponse => ({ status: 404, json: { error: 'not found' }, text: 'not found' });
  const client: RestClient = {
    async call(method, path, body) {
      calls.push(`${method} ${path.replace(/\?.*/, '')}`);
      const b = Buffer.isBuffer(body) ? body.toString() : body;
      if (path === '/_cat/plugins?format=json') return ok(['opensearch-index-management', 'opensearch-security', 'opensearch-alerting', 'opensearch-notifications'].map((component) => ({ component })));
      if (path.startsWith('/_index_template/')) {
        if (method === 'GET') return store.has(path) ? ok({ index_templates: [{ name: path, index_template: store.get(path) }] }) : missing();
        store.set(path, b);
        return ok({ acknowledged: true });
      }
      if (path.startsWith('/_plugins/_ism/policies/')) {
        const key = path.replace(/\?.*/, '');
        if (method === 'GET') return store.has(key) ? ok(store.get(key)) : missing();
        if (store.has(key) && !path.includes(`if_seq_no=${store.get(key)._seq_no}`)) return { status: 409, json: {}, text: 'version conflict' };
        const p = (b as { policy: any }).policy;
        store.set(key, { _id: key, _seq_no: ++seq, _primary_term: 1, policy: { ...p, policy_id: key, last_updated_time: Date.now(), states: p.states.map((s: any) => ({ ...s, actions: s.actions.map((a: any) => ({ retry: { count: 3 }, ...a })) })) } });
        return ok({}, 201);
      }
      if (path.startsWith('/_plugins/_security/api/roles/')) {
        const name = path.split('/').pop()!;
        if (method === 'GET') return store.has(path) ? ok({ [name]: { ...store.get(path), reserved: false, static: false } }) : missing();
        store.set(path, b);
        return ok({ status: 'OK' });
      }
      if (path.startsWith('/_plugins/_security/api/rolesmapping')) {
        if (method === 'PATCH') {
          for (const op of b as { path: string; value: string[] }[]) {
            const name = op.path.split('/')[1]!;
            store.get(`/_plugins/_security/api/rolesmapping/${name}`).backend_roles = op.value;
          }
          return ok({ status: 'OK' });
        }
        const name = path.split('/').pop()!;
        if (method === 'GET') return store.has(path) ? ok({ [name]: { hosts: [], users: [], ...store.get(path) } }) : missing();
        store.set(path, b);
        return ok({ status: 'CREATED' }, 201);
      }
      if (path === '/_dashboards/api/status') return ok({ status: { overall: { state: 'green' } } });
      if (path === '/_dashboards/api/saved_objects/_bulk_get') {
        return ok({ saved_objects: (b as { type: string; id: string }[]).map((r) => store.get(`so/${r.type}/${r.id}`) ?? { ...r, error: { statusCode: 404 } }) });
      }
      if (path.startsWith('/_dashboards/api/saved_objects/_import')) {
        const text = b as string;
        const objects = text.split('\r\n').find((l) => l.startsWith('{'))!.split('\n').filter(Boolean).map((l) => JSON.parse(l));
        if (opts.importErrors) return ok({ success: false, successCount: 0, errors: objects.map((o) => ({ id: o.id, type: o.type, error: { type: 'missing_references' } })) });
        for (const o of objects) store.set(`so/${o.type}/${o.id}`, { ...o, updated_at: 'now', version: 'WzEsMV0=' });
        return ok({ success: true, successCount: objects.length, successResults: objects.map((o) => ({ id: o.id, type: o.type })) });
      }
      if (path.startsWith('/_plugins/_notifications/configs')) {
        if (method === 'GET') return store.has('channel') ? ok({ config_list: [{ config_id: 'x', config: { ...store.get('channel'), last_updated_time_ms: 1 } }] }) : missing();
        store.set('channel', method === 'POST' ? (b as { config: unknown }).config : (b as { config: unknown }).config);
        return ok({ config_id: 'x' });
      }
      if (path === '/_plugins/_alerting/monitors/_search') {
        const m = store.get('monitor');
        return ok({ hits: { hits: m ? [{ _id: 'm1', _seq_no: m.seq, _primary_term: 1, _source: { ...m.body, last_update_time: 1, schema_version: 5 } }] : [] } });
      }
      if (path.startsWith('/_plugins/_alerting/monitors')) {
        store.set('monitor', { body: b, seq: ++seq });
        return ok({ _id: 'm1' }, 201);
      }
      throw new Error(`unexpected ${method} ${path}`);
    },
    close() {},
  };
  return { client, calls, store };
}

const STATE: DesiredState = {
  sources: { cwl: { indexPrefix: 'cwl', retentionDays: 30 }, elb: { indexPrefix: 'elb', retentionDays: 90 } },
  shipperRoleArns: ['arn:aws:iam::123456789012:role/shipper'],
  alert: { threshold: 10, snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', snsRoleArn: 'arn:aws:iam::123456789012:role/sns' },
};

describe('opensearch-bootstrap convergence over the plugin APIs (modelled cluster)', () => {
  it('creates every item, then a second run writes nothing and reports every item unchanged', async () => {
    // Given a cluster with every plugin and nothing configured
    const { client, calls } = pluginCluster();
    // When the bootstrap runs twice
    const first = await converge(client, STATE, 'es');
    const writesBefore = calls.filter((c) => !c.startsWith('GET') && !c.includes('_search') && !c.includes('_bulk_get')).length;
    const second = await converge(client, STATE, 'es');
    const writesAfter = calls.filter((c) => !c.startsWith('GET') && !c.includes('_search') && !c.includes('_bulk_get')).length;
    // Then the first created 2 templates, 2 policies, the role, its mapping, 6 saved objects, the channel and the monitor
    expect(first.items.map((i) => i.result)).to.deep.equal(Array(14).fill('created'));
    // And the second wrote nothing
    expect(second.items.map((i) => i.result)).to.deep.equal(Array(14).fill('unchanged'));
    expect(writesAfter).to.equal(writesBefore);
    expect(second.summary).to.equal('no changes: every item unchanged or skipped (14 items)');
  });

  it('updates an ISM policy with its sequence number, and merges a role mapping someone else extended', async () => {
    // Given a converged cluster where an operator mapped another role to the shipper role
    const { client, calls, store } = pluginCluster();
    await converge(client, STATE, 'es');
    store.get('/_plugins/_security/api/rolesmapping/logs_to_opensearch_shipper').backend_roles = ['arn:aws:iam::123456789012:role/operator'];
    // When the retention of cwl changes
    const report = await converge(client, { ...STATE, sources: { ...STATE.sources, cwl: { indexPrefix: 'cwl', retentionDays: 7 } } }, 'es');
    // Then only the cwl policy and the mapping are written, the mapping keeping the operator's role
    expect(report.items.filter((i) => i.result === 'updated').map((i) => i.name)).to.deep.equal(['cwl-retention', 'logs_to_opensearch_shipper']);
    expect(store.get('/_plugins/_security/api/rolesmapping/logs_to_opensearch_shipper').backend_roles).to.deep.equal(['arn:aws:iam::123456789012:role/operator', 'arn:aws:iam::123456789012:role/shipper']);
    expect(calls).to.include('PATCH /_plugins/_security/api/rolesmapping');
    expect(store.get('/_plugins/_ism/policies/cwl-retention').policy.states[0].transitions[0].conditions).to.deep.equal({ min_index_age: '7d' });
  });

  it('adds the admin roles to all_access without dropping what is mapped there, once', async () => {
    // Given a domain whose all_access mapping already holds a user and a role (the master's, an operator's)
    const { client, store } = pluginCluster();
    store.set('/_plugins/_security/api/rolesmapping/all_access', { backend_roles: ['arn:aws:iam::123456789012:role/ops'], users: ['admin'] });
    const admins = ['arn:aws:iam::123456789012:role/oncall', 'arn:aws:iam::123456789012:role/ops'];
    // When the bootstrap runs twice with admin roles
    const first = await converge(client, { ...STATE, adminRoleArns: admins }, 'es');
    const second = await converge(client, { ...STATE, adminRoleArns: admins }, 'es');
    // Then all_access holds the union (the user kept), and the second run left it unchanged
    expect(store.get('/_plugins/_security/api/rolesmapping/all_access')).to.deep.equal({ backend_roles: ['arn:aws:iam::123456789012:role/ops', 'arn:aws:iam::123456789012:role/oncall'], users: ['admin'] });
    expect(first.items.find((i) => i.name === 'all_access')).to.deep.equal({ kind: 'role-mapping', name: 'all_access', result: 'updated' });
    expect(second.items.find((i) => i.name === 'all_access')).to.deep.equal({ kind: 'role-mapping', name: 'all_access', result: 'unchanged' });
  });

  it('fails naming each saved object Dashboards refused', async () => {
    const { client } = pluginCluster({ importErrors: true });
    let error: Error | undefined;
    await converge(client, STATE, 'es').catch((e: Error) => (error = e));
    expect(error?.message).to.match(/^saved objects import refused 6 of 6: index-pattern\/logs-to-opensearch-cwl: missing_references;/);
  });

  it('on Serverless applies templates only and says why the rest is skipped', async () => {
    const { client, calls } = pluginCluster();
    const report = await converge(client, STATE, 'aoss');
    expect(report.items.filter((i) => i.result !== 'skipped').map((i) => i.name)).to.deep.equal(['cwl', 'elb']);
    expect(new Set(report.items.filter((i) => i.result === 'skipped').map((i) => i.reason))).to.deep.equal(
      new Set(['Serverless: retention is the collection lifecycle policy', 'Serverless: access is the collection data access policy', 'Serverless: import the saved objects through the collection dashboards', 'Serverless has no alerting plugin']),
    );
    expect(calls.some((c) => c.includes('_cat/plugins'))).to.equal(false);
  });
});
