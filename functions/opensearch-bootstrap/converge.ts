import type { RestClient, RestResponse } from '../shared/opensearch';
import { BOOTSTRAP_DEFAULTS, type BootstrapReport, type DesiredState, type ItemReport } from './contract';
import { buildElb5xxMonitor, buildSnsChannel } from './core/alerting';
import { containsDesired } from './core/compare';
import { buildSavedObjects, importRequest, importResults } from './core/dashboards';
import { buildIsmPolicy, ismPolicyHash, ismPolicyId } from './core/retention';
import { buildShipperRole, roleMappingChange, roleShape } from './core/security';
import { resolveState, type ResolvedState } from './core/state';
import { buildIndexTemplate, templateName } from './core/templates';

/** The plugins whose APIs the bootstrap uses (`_cat/plugins` component names). */
export const PLUGINS = { ism: 'opensearch-index-management', security: 'opensearch-security', alerting: 'opensearch-alerting', notifications: 'opensearch-notifications' } as const;

/** A refusal the bootstrap cannot converge past: the item, the status and OpenSearch's answer. */
export class BootstrapError extends Error {
  constructor(what: string, res: RestResponse) {
    super(`${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
    this.name = 'BootstrapError';
  }
}

async function expectOk(client: RestClient, what: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RestResponse> {
  const res = await client.call(method, path, body, headers);
  if (res.status < 200 || res.status > 299) throw new BootstrapError(what, res);
  return res;
}

/** GET that answers undefined on 404. */
async function read(client: RestClient, what: string, path: string): Promise<unknown> {
  const res = await client.call('GET', path);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new BootstrapError(what, res);
  return res.json;
}

async function installedPlugins(client: RestClient): Promise<Set<string>> {
  const rows = (await read(client, '_cat/plugins', '/_cat/plugins?format=json')) as { component?: string }[] | undefined;
  return new Set((rows ?? []).map((r) => r.component ?? ''));
}

/**
 * Reads what the cluster holds, writes only what differs from the desired state, and reports
 * every item. A second run with the same state writes nothing and reports every item unchanged.
 */
export async function converge(client: RestClient, desired: DesiredState, service: 'es' | 'aoss'): Promise<BootstrapReport> {
  const s = resolveState(desired);
  const items: ItemReport[] = [];
  const plugins = service === 'aoss' ? new Set<string>() : await installedPlugins(client);
  await templates(client, s, items);
  await ism(client, s, items, service, plugins);
  await security(client, s, items, service, plugins);
  await dashboards(client, s, items, service);
  await alerting(client, s, items, service, plugins);
  const changed = items.filter((i) => i.result === 'created' || i.result === 'updated').length;
  return { items, changed, summary: changed === 0 ? `no changes: every item unchanged or skipped (${items.length} items)` : `converged: ${changed} of ${items.length} items created or updated` };
}

async function templates(client: RestClient, s: ResolvedState, items: ItemReport[]): Promise<void> {
  for (const [source, src] of s.sources) {
    const name = templateName(source);
    const body = buildIndexTemplate(source, src, s);
    const current = (await read(client, `index template ${name}`, `/_index_template/${name}`)) as { index_templates?: { index_template?: { _meta?: { desired_hash?: string } } }[] } | undefined;
    const hash = current?.index_templates?.[0]?.index_template?._meta?.desired_hash;
    if (current && hash === (body._meta as { desired_hash: string }).desired_hash) {
      items.push({ kind: 'index-template', name, result: 'unchanged' });
      continue;
    }
    await expectOk(client, `index template ${name}`, 'PUT', `/_index_template/${name}`, body);
    items.push({ kind: 'index-template', name, result: current ? 'updated' : 'created' });
  }
}

async function ism(client: RestClient, s: ResolvedState, items: ItemReport[], service: string, plugins: Set<string>): Promise<void> {
  for (const [source, src] of s.sources) {
    const id = ismPolicyId(source);
    if (!plugins.has(PLUGINS.ism)) {
      const reason = service === 'aoss' ? 'Serverless: retention is the collection lifecycle policy' : 'ISM plugin not installed';
      items.push({ kind: 'ism-policy', name: id, result: 'skipped', reason });
      continue;
    }
    const body = buildIsmPolicy(source, src);
    const current = (await read(client, `ISM policy ${id}`, `/_plugins/_ism/policies/${id}`)) as { _seq_no?: number; _primary_term?: number; policy?: { description?: string } } | undefined;
    if (current && ismPolicyHash(current.policy?.description) === ismPolicyHash(body.policy.description)) {
      items.push({ kind: 'ism-policy', name: id, result: 'unchanged' });
      continue;
    }
    const query = current ? `?if_seq_no=${current._seq_no}&if_primary_term=${current._primary_term}` : '';
    await expectOk(client, `ISM policy ${id}`, 'PUT', `/_plugins/_ism/policies/${id}${query}`, body);
    items.push({ kind: 'ism-policy', name: id, result: current ? 'updated' : 'created' });
  }
}

async function security(client: RestClient, s: ResolvedState, items: ItemReport[], service: string, plugins: Set<string>): Promise<void> {
  const name = BOOTSTRAP_DEFAULTS.shipperRoleName;
  const admin = BOOTSTRAP_DEFAULTS.adminRoleName;
  if (s.shipperRoleArns.length === 0 && s.adminRoleArns.length === 0) return;
  if (!plugins.has(PLUGINS.security)) {
    const reason = service === 'aoss' ? 'Serverless: access is the collection data access policy' : 'security plugin not installed (no fine-grained access control)';
    if (s.shipperRoleArns.length) items.push({ kind: 'role', name, result: 'skipped', reason }, { kind: 'role-mapping', name, result: 'skipped', reason });
    if (s.adminRoleArns.length) items.push({ kind: 'role-mapping', name: admin, result: 'skipped', reason });
    return;
  }
  if (s.shipperRoleArns.length) {
    const role = buildShipperRole(s);
    const currentRole = (await read(client, `role ${name}`, `/_plugins/_security/api/roles/${name}`)) as Record<string, unknown> | undefined;
    if (currentRole && roleShape(currentRole[name]) === roleShape(role)) items.push({ kind: 'role', name, result: 'unchanged' });
    else {
      await expectOk(client, `role ${name}`, 'PUT', `/_plugins/_security/api/roles/${name}`, role);
      items.push({ kind: 'role', name, result: currentRole ? 'updated' : 'created' });
    }
    await mapRole(client, name, s.shipperRoleArns, items);
  }
  // all_access exists on every domain with FGAC: only ever merged into, never replaced.
  if (s.adminRoleArns.length) await mapRole(client, admin, s.adminRoleArns, items);
}

/** Adds `arns` to the role's mapping (PUT when there is none, else a PATCH of the union), reporting the result. */
async function mapRole(client: RestClient, name: string, arns: string[], items: ItemReport[]): Promise<void> {
  const currentMapping = (await read(client, `role mapping ${name}`, `/_plugins/_security/api/rolesmapping/${name}`)) as Record<string, { backend_roles?: string[] }> | undefined;
  const change = roleMappingChange(name, currentMapping?.[name], arns);
  if (!change) items.push({ kind: 'role-mapping', name, result: 'unchanged' });
  else if (change.method === 'PUT') {
    await expectOk(client, `role mapping ${name}`, 'PUT', `/_plugins/_security/api/rolesmapping/${name}`, change.body);
    items.push({ kind: 'role-mapping', name, result: 'created' });
  } else {
    await expectOk(client, `role mapping ${name}`, 'PATCH', '/_plugins/_security/api/rolesmapping', change.body);
    items.push({ kind: 'role-mapping', name, result: 'updated' });
  }
}

const XSRF = { 'osd-xsrf': 'true' };

async function dashboards(client: RestClient, s: ResolvedState, items: ItemReport[], service: string): Promise<void> {
  if (!s.dashboards) return;
  const objects = buildSavedObjects(s);
  const skip = (reason: string) => objects.forEach((o) => items.push({ kind: 'saved-object', name: `${o.type}/${o.id}`, result: 'skipped', reason }));
  if (service === 'aoss') return skip('Serverless: import the saved objects through the collection dashboards');
  const status = await client.call('GET', '/_dashboards/api/status', undefined, XSRF);
  if (status.status !== 200) return skip(`no OpenSearch Dashboards at /_dashboards (HTTP ${status.status})`);
  const got = await expectOk(client, 'saved objects', 'POST', '/_dashboards/api/saved_objects/_bulk_get', objects.map((o) => ({ type: o.type, id: o.id })), XSRF);
  const current = new Map(((got.json as { saved_objects?: { type: string; id: string; error?: unknown; attributes?: unknown; references?: unknown }[] })?.saved_objects ?? []).filter((o) => !o.error).map((o) => [`${o.type}/${o.id}`, o]));
  const stale = objects.filter((o) => {
    const c = current.get(`${o.type}/${o.id}`);
    return !c || !containsDesired(c, { attributes: o.attributes, references: o.references });
  });
  for (const o of objects) if (!stale.includes(o)) items.push({ kind: 'saved-object', name: `${o.type}/${o.id}`, result: 'unchanged' });
  if (stale.length === 0) return;
  const { body, contentType } = importRequest(stale, `logs-to-opensearch-${Date.now().toString(36)}`);
  const res = await expectOk(client, 'saved objects import', 'POST', '/_dashboards/api/saved_objects/_import?overwrite=true', body, { ...XSRF, 'content-type': contentType });
  const failures: string[] = [];
  for (const [key, error] of importResults(stale, res.json)) {
    if (error) failures.push(`${key}: ${error}`);
    else items.push({ kind: 'saved-object', name: key, result: current.has(key) ? 'updated' : 'created' });
  }
  if (failures.length) throw new Error(`saved objects import refused ${failures.length} of ${stale.length}: ${failures.join('; ')}`);
}

async function alerting(client: RestClient, s: ResolvedState, items: ItemReport[], service: string, plugins: Set<string>): Promise<void> {
  const elb = s.sources.find(([n]) => n === 'elb')?.[1];
  if (!s.alert || !elb) return;
  const channelId = BOOTSTRAP_DEFAULTS.channelId;
  const monitorName = BOOTSTRAP_DEFAULTS.monitorName;
  if (!plugins.has(PLUGINS.alerting) || !plugins.has(PLUGINS.notifications)) {
    const reason = service === 'aoss' ? 'Serverless has no alerting plugin' : 'alerting or notifications plugin not installed';
    items.push({ kind: 'notification-channel', name: channelId, result: 'skipped', reason }, { kind: 'monitor', name: monitorName, result: 'skipped', reason });
    return;
  }
  const channel = buildSnsChannel(s.alert);
  const currentChannel = (await read(client, `channel ${channelId}`, `/_plugins/_notifications/configs/${channelId}`)) as { config_list?: { config?: unknown }[] } | undefined;
  const storedChannel = currentChannel?.config_list?.[0]?.config;
  if (storedChannel && containsDesired(storedChannel, channel.config)) items.push({ kind: 'notification-channel', name: channelId, result: 'unchanged' });
  else if (storedChannel) {
    await expectOk(client, `channel ${channelId}`, 'PUT', `/_plugins/_notifications/configs/${channelId}`, { config: channel.config });
    items.push({ kind: 'notification-channel', name: channelId, result: 'updated' });
  } else {
    await expectOk(client, `channel ${channelId}`, 'POST', '/_plugins/_notifications/configs', channel);
    items.push({ kind: 'notification-channel', name: channelId, result: 'created' });
  }
  const monitor = buildElb5xxMonitor(elb, s.alert);
  const found = await expectOk(client, `monitor ${monitorName}`, 'POST', '/_plugins/_alerting/monitors/_search', { query: { match_phrase: { 'monitor.name': monitorName } } });
  const hit = ((found.json as { hits?: { hits?: { _id: string; _seq_no: number; _primary_term: number; _source?: { name?: string } }[] } })?.hits?.hits ?? []).find(
    (h) => h._source?.name === monitorName,
  );
  if (hit && containsDesired(hit._source, monitor)) items.push({ kind: 'monitor', name: monitorName, result: 'unchanged' });
  else if (hit) {
    await expectOk(client, `monitor ${monitorName}`, 'PUT', `/_plugins/_alerting/monitors/${hit._id}?if_seq_no=${hit._seq_no}&if_primary_term=${hit._primary_term}`, monitor);
    items.push({ kind: 'monitor', name: monitorName, result: 'updated' });
  } else {
    await expectOk(client, `monitor ${monitorName}`, 'POST', '/_plugins/_alerting/monitors', monitor);
    items.push({ kind: 'monitor', name: monitorName, result: 'created' });
  }
}
