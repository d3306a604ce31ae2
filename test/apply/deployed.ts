/**
 * The pipeline as terraform deployed it: functions, mappings and buckets read back from moto, log
 * events put into the subscribed log groups, and the accounting of where each event ended up.
 */
import { CloudWatchLogsClient, CreateLogStreamCommand, DescribeLogGroupsCommand, DescribeSubscriptionFiltersCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteBucketPolicyCommand, DeleteObjectsCommand, GetBucketPolicyCommand, GetObjectCommand, ListBucketsCommand, ListObjectVersionsCommand, ListObjectsV2Command, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RAW_LOG_GROUPS, type PexipKind } from '../../functions/pexip-wrangler/contract';
import type { KnownGap } from './known-gaps';
import type { MotoIam, PolicyStatement } from './moto-iam';

/** Every .zip under the synthesized stack folder (cdktf copies assets there): the candidates for CodeSha256. */
export function zipsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.terraform') out.push(...zipsUnder(path));
    } else if (entry.name.endsWith('.zip')) out.push(path);
  }
  return out;
}

/**
 * Every log group in moto whose subscription filter sends to `streamArn`: the groups a deployment found
 * (created by the test before apply) and the groups the stack created itself (the Pexip RAW groups).
 */
export async function groupsSubscribedTo(logs: CloudWatchLogsClient, streamArn: string): Promise<string[]> {
  const out: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new DescribeLogGroupsCommand({ nextToken }));
    for (const { logGroupName } of page.logGroups ?? []) {
      const filters = await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName }));
      if ((filters.subscriptionFilters ?? []).some((f) => f.destinationArn === streamArn)) out.push(logGroupName!);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out.sort();
}

/** Tokens are unique across the stack's mappings too: `tok=apply-<mapping>-<group>-<event>`. */
export const TOKEN = /tok=apply-\d+-\d+-\d+/g;

/** The Pexip kind whose RAW group this is (by the name's ending, so a deployment's name prefix does not matter). */
function pexipKindOf(logGroupName: string): PexipKind | undefined {
  return (Object.keys(RAW_LOG_GROUPS) as PexipKind[]).find((kind) => logGroupName.endsWith(RAW_LOG_GROUPS[kind]));
}

/**
 * A message as the group's writer would send it, carrying `token`: Pexip syslog lines (support,
 * audit, web, shaped as in fixtures/pexip/) into the Pexip RAW groups; JSON and plain lines, as
 * applications write both, anywhere else (not under a key named like a secret: the shipper masks those).
 */
export function messageFor(logGroupName: string, i: number, token: string, at: Date): string {
  const syslogTime = at.toISOString().replace('Z', '+00:00');
  const epoch = (at.getTime() / 1000).toFixed(3);
  switch (pexipKindOf(logGroupName)) {
    case 'support':
      return `${syslogTime} pxpconf01 ${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 23).replace('.', ',')} Level="INFO" Name="administrator.conference" Message="Participant has joined." Conference="meet.${token}" Participant="sip:p${i}@example.com"`;
    case 'audit':
      return `${syslogTime} pxpmgmt audispd: node=pxpmgmt.example.com type=USER_ACCT msg=audit(${epoch}:${1000 + i}): pid=2345 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:accounting acct="${token}" exe="/usr/sbin/sshd" res=success'`;
    case 'web':
      // The event's own time (CloudWatch Logs refuses JSON-copy events older than 14 days)
      return `${syslogTime} pxpmgmt apache2: 10.0.0.1 - admin [${apacheTime(at)}] "GET /admin/?ref=${token} HTTP/1.1" 200 5120 "-" "Mozilla/5.0"`;
    default:
      return i % 2 ? JSON.stringify({ level: 'info', msg: `event ${i}`, ref: token }) : `INFO request ${i} done ${token}`;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Apache's `%t` in UTC: `01/Dec/2026:10:03:05 +0000`. */
function apacheTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
}

/** `perGroup` events into each group, each message carrying a unique token; returns the tokens. */
export async function putEvents(logs: CloudWatchLogsClient, groups: string[], perGroup: number, mapping: number): Promise<string[]> {
  const tokens: string[] = [];
  const now = Date.now();
  for (const [g, logGroupName] of groups.entries()) {
    const logStreamName = 'apply-e2e';
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    const logEvents = Array.from({ length: perGroup }, (_, i) => {
      const token = `tok=apply-${mapping}-${g}-${i}`;
      tokens.push(token);
      return { timestamp: now + i, message: messageFor(logGroupName, i, token, new Date(now + i)) };
    });
    await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }));
  }
  return tokens;
}

/** A record that is not CloudWatch Logs data: the shipper must dead-letter it with a reason. */
export async function putPoisonRecord(kinesis: KinesisClient, streamArn: string): Promise<void> {
  await kinesis.send(new PutRecordCommand({ StreamName: streamArn.slice(streamArn.lastIndexOf('/') + 1), Data: Buffer.from('not gzip, not CloudWatch Logs'), PartitionKey: 'poison' }));
}

/** Every document of every non-system index (small test volumes: one page). */
export async function allIndexedSources(endpoint: string): Promise<{ index: string; source: unknown }[]> {
  await fetch(`${endpoint}/_refresh`, { method: 'POST' });
  const res = await fetch(`${endpoint}/*,-.*/_search?size=10000`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: { match_all: {} } }),
  });
  if (!res.ok) throw new Error(`search: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { hits: { hits: { _index: string; _source: unknown }[] } };
  return body.hits.hits.map((h) => ({ index: h._index, source: h._source }));
}

export interface DeadLetterLine {
  key: string;
  entry: { kind?: string; reason?: string; [k: string]: unknown };
}

export async function deadLetterLines(s3: S3Client, bucket: string): Promise<DeadLetterLine[]> {
  const out: DeadLetterLine[] = [];
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const o of page.Contents ?? []) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
    let bytes = Buffer.from(await got.Body!.transformToByteArray());
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    for (const line of bytes.toString('utf8').split('\n').filter(Boolean)) out.push({ key: o.Key!, entry: JSON.parse(line) });
  }
  return out;
}

/** What destroy needs that a user would do first: empty every bucket (objects and versions). */
export async function emptyAllBuckets(s3: S3Client): Promise<number> {
  let deleted = 0;
  for (const b of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
    for (;;) {
      const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: b.Name! }));
      const objects = [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
      if (objects.length === 0) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: b.Name!, Delete: { Objects: objects } }));
      deleted += objects.length;
    }
  }
  return deleted;
}

/**
 * Applies the `runtime` known gaps to what terraform deployed: takes the Deny statements conditioned on a
 * key moto cannot evaluate out of every bucket policy. Returns what it changed, for the report.
 */
export async function workAroundRuntimeGaps(s3: S3Client, gaps: readonly KnownGap[]): Promise<string[]> {
  const changed: string[] = [];
  const keys = gaps.filter((g) => g.kind === 'runtime' && g.resourceType === 'aws_s3_bucket_policy' && g.denyCondition).map((g) => g.denyCondition!);
  if (keys.length === 0) return changed;
  for (const b of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
    let policy: { Statement: { Sid?: string; Effect: string; Condition?: Record<string, Record<string, unknown>> }[] };
    try {
      policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: b.Name! }))).Policy ?? '{"Statement":[]}');
    } catch {
      continue; // no policy
    }
    const conditioned = (st: (typeof policy.Statement)[number]) =>
      st.Effect === 'Deny' && Object.values(st.Condition ?? {}).some((byKey) => keys.some((k) => k in byKey));
    const kept = policy.Statement.filter((st) => !conditioned(st));
    if (kept.length === policy.Statement.length) continue;
    const removed = policy.Statement.filter(conditioned).map((st) => st.Sid ?? '(no sid)');
    if (kept.length === 0) await s3.send(new DeleteBucketPolicyCommand({ Bucket: b.Name! }));
    else await s3.send(new PutBucketPolicyCommand({ Bucket: b.Name!, Policy: JSON.stringify({ ...policy, Statement: kept }) }));
    changed.push(`bucket ${b.Name} policy without ${removed.join(', ')} (conditions moto cannot evaluate)`);
  }
  return changed;
}

/**
 * Applies the `authorizedAgainstStar` runtime gaps to one function role as moto holds it: each Allow
 * statement whose actions all carry the gap's prefix gets a copy on Resource `*`, so moto's check of
 * those actions (against `*`) can pass while the action names are still checked. Returns what it changed.
 */
export async function widenForMotoAuthorization(iam: MotoIam, roleName: string, gaps: readonly KnownGap[]): Promise<string[]> {
  const prefixes = gaps.filter((g) => g.kind === 'runtime' && g.resourceType === 'aws_iam_role_policy' && g.authorizedAgainstStar).map((g) => g.authorizedAgainstStar!);
  const changed: string[] = [];
  if (prefixes.length === 0) return changed;
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  for (const { name, document } of await iam.inlinePolicies(roleName)) {
    const copies: PolicyStatement[] = [];
    for (const st of document.Statement) {
      const actions = list(st.Action);
      const prefix = prefixes.find((p) => actions.length > 0 && actions.every((a) => a.startsWith(p)));
      if (st.Effect !== 'Allow' || !prefix || list(st.Resource).includes('*')) continue;
      copies.push({ ...st, Sid: `${st.Sid ?? 'Statement'}AnyResourceForMoto`, Resource: '*' });
      changed.push(`role ${roleName} policy ${name}: ${actions.join(', ')} also on Resource * (moto authorizes ${prefix}* against *)`);
    }
    if (copies.length) await iam.putInlinePolicy(roleName, name, { ...document, Statement: [...document.Statement, ...copies] });
  }
  return changed;
}
