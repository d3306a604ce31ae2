import { expect } from 'chai';
import { validateDesiredState, type DesiredState } from '../../../functions/opensearch-bootstrap/contract';
import { buildElb5xxMonitor, buildSnsChannel } from '../../../functions/opensearch-bootstrap/core/alerting';
import { containsDesired } from '../../../functions/opensearch-bootstrap/core/compare';
import { buildSavedObjects, importRequest, importResults } from '../../../functions/opensearch-bootstrap/core/dashboards';
import { buildIsmPolicy, buildLifecyclePolicy, ismPolicyHash } from '../../../functions/opensearch-bootstrap/core/retention';
import { buildShipperRole, roleMappingChange, roleShape } from '../../../functions/opensearch-bootstrap/core/security';
import { resolveState } from '../../../functions/opensearch-bootstrap/core/state';
import { buildIndexTemplate } from '../../../functions/opensearch-bootstrap/core/templates';

const ALERT = { threshold: 10, snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts', snsRoleArn: 'arn:aws:iam::123456789012:role/sns' };
const STATE: DesiredState = {
  sources: { cwl: { indexPrefix: 'cwl', retentionDays: 30 }, elb: { indexPrefix: 'elb', retentionDays: 90, warmAfterDays: 7 }, pexip: { indexPrefix: 'pexip', retentionDays: 365 } },
  shipperRoleArns: ['arn:aws:iam::123456789012:role/b', 'arn:aws:iam::123456789012:role/a'],
  alert: ALERT,
};
const S = resolveState(STATE);

describe('opensearch-bootstrap desired-state builders', () => {
  it('validates the event, naming every problem', () => {
    // Given an event with a bad prefix, a warm phase after deletion, a bad ARN and a bad topic
    const problems = validateDesiredState({ sources: { cwl: { indexPrefix: 'CWL', retentionDays: 5, warmAfterDays: 9 }, nope: { indexPrefix: 'x', retentionDays: 1 } }, shipperRoleArns: ['role'], alert: { ...ALERT, snsTopicArn: 'x' } });
    // Then each one is named
    expect(problems).to.have.length(5);
    expect(problems.join('\n')).to.match(/sources\.cwl\.indexPrefix/).and.match(/warmAfterDays/).and.match(/unknown source/).and.match(/not an IAM role ARN: "role"/).and.match(/snsTopicArn/);
    expect(validateDesiredState(STATE)).to.deep.equal([]);
  });

  it('gives a template a content hash that changes with the state, so a removed field is a change', () => {
    // Given the cwl template for two states differing only in the field limit
    const a = buildIndexTemplate('cwl', S.sources[0][1], S);
    const b = buildIndexTemplate('cwl', S.sources[0][1], { ...S, totalFieldsLimit: 3000 });
    // Then the patterns and the hash follow the state
    expect(a.index_patterns).to.deep.equal(['cwl-*']);
    expect((a._meta as { desired_hash: string }).desired_hash).to.match(/^[0-9a-f]{16}$/);
    expect((a._meta as { desired_hash: string }).desired_hash).not.to.equal((b._meta as { desired_hash: string }).desired_hash);
    expect(buildIndexTemplate('cwl', S.sources[0][1], S)).to.deep.equal(a);
  });

  it('builds ISM policies in the documented shape: states, transitions by index age, ism_template per pattern', () => {
    // Given a source with a warm phase and one without
    const elb = buildIsmPolicy('elb', S.sources[1][1]).policy as { default_state: string; states: { name: string; actions: unknown[]; transitions: { state_name: string; conditions: unknown }[] }[]; ism_template: unknown; description: string };
    const cwl = buildIsmPolicy('cwl', S.sources[0][1]).policy as typeof elb;
    // Then every transition names an existing state and the ages are the configured days
    expect(elb.default_state).to.equal('hot');
    expect(elb.states.map((s) => [s.name, s.actions, s.transitions])).to.deep.equal([
      ['hot', [], [{ state_name: 'warm', conditions: { min_index_age: '7d' } }]],
      ['warm', [{ warm_migration: {} }], [{ state_name: 'delete', conditions: { min_index_age: '90d' } }]],
      ['delete', [{ delete: {} }], []],
    ]);
    expect(cwl.states.map((s) => s.name)).to.deep.equal(['hot', 'delete']);
    expect(elb.ism_template).to.deep.equal([{ index_patterns: ['elb-*'], priority: 100 }]);
    expect(ismPolicyHash(elb.description)).to.match(/^[0-9a-f]{16}$/);
    expect(ismPolicyHash('written by hand')).to.equal(undefined);
  });

  it('builds the Serverless lifecycle policy the collection construct creates', () => {
    expect(buildLifecyclePolicy('logs', S.sources.slice(0, 2))).to.deep.equal({
      Rules: [
        { ResourceType: 'index', Resource: ['index/logs/cwl-*'], MinIndexRetention: '30d' },
        { ResourceType: 'index', Resource: ['index/logs/elb-*'], MinIndexRetention: '90d' },
      ],
    });
  });

  it('grants the shipper role writes on its patterns only', () => {
    const role = buildShipperRole(S);
    expect(role).to.deep.include({
      cluster_permissions: ['indices:data/write/bulk'],
      index_permissions: [{ index_patterns: ['cwl-*', 'elb-*', 'pexip-*'], allowed_actions: ['indices:admin/create', 'indices:admin/mapping/put', 'indices:data/write/bulk*', 'indices:data/write/index'] }],
    });
    // The comparison ignores order and what the plugin adds
    expect(roleShape({ ...role, reserved: false, static: false, cluster_permissions: ['indices:data/write/bulk'] })).to.equal(roleShape(role));
  });

  it('merges role mappings: PUT when absent, nothing when mapped, a patch keeping others when one is missing', () => {
    const arns = S.shipperRoleArns;
    expect(roleMappingChange('r', undefined, arns)).to.deep.equal({ method: 'PUT', body: { backend_roles: arns } });
    expect(roleMappingChange('r', { backend_roles: ['other', ...arns] }, arns)).to.equal(undefined);
    // Given a mapping that already holds the master user's role and one shipper ARN
    const change = roleMappingChange('r', { backend_roles: ['arn:aws:iam::123456789012:role/master', arns[0]] }, arns);
    // Then the patch keeps both and adds the missing ARN
    expect(change).to.deep.equal({ method: 'PATCH', body: [{ op: 'replace', path: '/r/backend_roles', value: ['arn:aws:iam::123456789012:role/master', arns[0], arns[1]] }] });
  });

  it('builds saved objects that reference existing index patterns, and an import form Dashboards reads', () => {
    const objects = buildSavedObjects(S);
    const ids = new Set(objects.map((o) => o.id));
    expect(objects.map((o) => `${o.type}/${o.id}`)).to.deep.equal([
      'index-pattern/logs-to-opensearch-cwl', 'index-pattern/logs-to-opensearch-elb', 'index-pattern/logs-to-opensearch-pexip',
      'search/logs-to-opensearch-cwl-recent', 'visualization/logs-to-opensearch-cwl-events-per-log-group',
      'visualization/logs-to-opensearch-elb-status-over-time', 'visualization/logs-to-opensearch-elb-top-urls', 'visualization/logs-to-opensearch-pexip-errors-per-day',
    ]);
    for (const o of objects) for (const r of o.references) expect(ids.has(r.id), `${o.id} → ${r.id}`).to.equal(true);
    for (const o of objects.filter((x) => x.type === 'visualization')) {
      const vis = JSON.parse(o.attributes.visState as string) as { aggs: { schema: string }[] };
      expect(vis.aggs.map((a) => a.schema)[0]).to.equal('metric');
    }
    const { body, contentType } = importRequest(objects.slice(0, 1), 'B');
    expect(contentType).to.equal('multipart/form-data; boundary=B');
    expect(body.toString()).to.equal(`--B\r\nContent-Disposition: form-data; name="file"; filename="logs-to-opensearch.ndjson"\r\nContent-Type: application/ndjson\r\n\r\n${JSON.stringify(objects[0])}\n\r\n--B--\r\n`);
  });

  it('reads an _import answer item by item', () => {
    const objects = buildSavedObjects(S).slice(0, 3);
    const answer = { success: false, successCount: 1, successResults: [{ type: 'index-pattern', id: objects[0].id }], errors: [{ type: 'index-pattern', id: objects[1].id, error: { type: 'conflict' } }] };
    expect([...importResults(objects, answer).values()]).to.deep.equal([undefined, 'conflict', 'not in the import answer']);
  });

  it('builds the 5xx monitor and its SNS channel as the alerting and notifications APIs document them', () => {
    const m = buildElb5xxMonitor(S.sources[1][1], ALERT) as { monitor_type: string; schedule: unknown; inputs: { search: { indices: string[] } }[]; triggers: { query_level_trigger: { condition: { script: { source: string } }; actions: { destination_id: string }[] } }[] };
    expect(m.monitor_type).to.equal('query_level_monitor');
    expect(m.schedule).to.deep.equal({ period: { interval: 5, unit: 'MINUTES' } });
    expect(m.inputs[0].search.indices).to.deep.equal(['elb-*']);
    expect(m.triggers[0].query_level_trigger.condition.script.source).to.equal('ctx.results[0].hits.total.value > 10');
    const channel = buildSnsChannel(ALERT) as { config_id: string; config: { config_type: string; sns: unknown } };
    expect(m.triggers[0].query_level_trigger.actions[0].destination_id).to.equal(channel.config_id);
    expect(channel.config).to.deep.include({ config_type: 'sns', sns: { topic_arn: ALERT.snsTopicArn, role_arn: ALERT.snsRoleArn } });
  });

  it('compares a stored copy with the desired one: extra keys allowed, arrays exact, leaves as text', () => {
    expect(containsDesired({ a: { b: '2000', c: 1 }, d: [1, 2] }, { a: { b: 2000 }, d: [1, 2] })).to.equal(true);
    expect(containsDesired({ d: [1, 2, 3] }, { d: [1, 2] })).to.equal(false);
    expect(containsDesired({ a: {} }, { a: { b: 1 } })).to.equal(false);
  });
});
