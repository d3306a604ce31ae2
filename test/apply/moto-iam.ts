/**
 * moto's IAM and STS through signed query requests (the project has no IAM or STS SDK client, and needs
 * none at run time), and moto's authorization switch. With authorization on, moto checks each request's
 * signature against the caller's keys and its action against the caller's policies; the as-deployed step
 * runs each function with credentials of the role terraform created for it, so a missing or misspelt
 * action in a construct's policy fails the run.
 */
import aws4 from 'aws4';
import type { Credentials } from '../../tools/local-runner';

const IAM_VERSION = '2010-05-08';
const STS_VERSION = '2011-06-15';

/** Authorization on (every request from now on) or off (moto's default). */
export async function setMotoAuthorization(endpoint: string, on: boolean): Promise<void> {
  // moto skips authorization for the first N requests after a reset: 0 = from now on.
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: on ? '0' : '1e18' });
  if (!res.ok) throw new Error(`moto reset-auth: ${res.status} ${await res.text()}`);
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, unknown>;
}
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

export interface MotoIam {
  /** A user allowed everything, for the test's own clients while authorization is on. */
  createAdmin(userName: string): Promise<Credentials>;
  /** A role trusting Lambda, with no policy (terraform creates the real ones; tests use this). Returns its ARN. */
  createRole(roleName: string): Promise<string>;
  assumeRole(roleArn: string, sessionName: string): Promise<Credentials>;
  inlinePolicies(roleName: string): Promise<{ name: string; document: PolicyDocument }[]>;
  putInlinePolicy(roleName: string, name: string, document: PolicyDocument): Promise<void>;
}

export function motoIam(endpoint: string, credentials: Credentials): MotoIam {
  const url = new URL(endpoint);
  async function call(service: 'iam' | 'sts', params: Record<string, string>, as: Credentials = credentials): Promise<string> {
    const body = new URLSearchParams({ ...params, Version: service === 'iam' ? IAM_VERSION : STS_VERSION }).toString();
    const signed = aws4.sign(
      { host: url.host, path: '/', method: 'POST', service, region: 'us-east-1', body, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } },
      as,
    );
    const res = await fetch(`${url.origin}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    const text = await res.text();
    if (!res.ok) throw new Error(`${service} ${params.Action}: ${res.status} ${text.slice(0, 500)}`);
    return text;
  }
  return {
    async createAdmin(userName) {
      await call('iam', { Action: 'CreateUser', UserName: userName });
      const admin: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
      await call('iam', { Action: 'PutUserPolicy', UserName: userName, PolicyName: 'everything', PolicyDocument: JSON.stringify(admin) });
      const key = await call('iam', { Action: 'CreateAccessKey', UserName: userName });
      return { accessKeyId: xmlText(key, 'AccessKeyId'), secretAccessKey: xmlText(key, 'SecretAccessKey') };
    },
    async createRole(roleName) {
      const trust: object = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
      return xmlText(await call('iam', { Action: 'CreateRole', RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }), 'Arn');
    },
    async assumeRole(roleArn, sessionName) {
      const got = await call('sts', { Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: sessionName });
      return { accessKeyId: xmlText(got, 'AccessKeyId'), secretAccessKey: xmlText(got, 'SecretAccessKey'), sessionToken: xmlText(got, 'SessionToken') };
    },
    async inlinePolicies(roleName) {
      const names = xmlTexts(await call('iam', { Action: 'ListRolePolicies', RoleName: roleName }), 'member');
      const out: { name: string; document: PolicyDocument }[] = [];
      for (const name of names) {
        const raw = xmlText(await call('iam', { Action: 'GetRolePolicy', RoleName: roleName, PolicyName: name }), 'PolicyDocument');
        // AWS returns the document URL-encoded; accept it either way.
        out.push({ name, document: JSON.parse(raw.startsWith('%') ? decodeURIComponent(raw) : raw) as PolicyDocument });
      }
      return out;
    },
    async putInlinePolicy(roleName, name, document) {
      await call('iam', { Action: 'PutRolePolicy', RoleName: roleName, PolicyName: name, PolicyDocument: JSON.stringify(document) });
    },
  };
}

const ENTITIES: Record<string, string> = { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&apos;': "'", '&#39;': "'" };
const decodeXml = (s: string): string => s.replace(/&(?:quot|amp|lt|gt|apos|#39);/g, (e) => ENTITIES[e]);

/** Every `<tag>text</tag>` of moto's (trusted, flat) XML answer. */
function xmlTexts(xml: string, tag: string): string[] {
  const out: string[] = [];
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  for (let at = xml.indexOf(open); at >= 0; at = xml.indexOf(open, at + 1)) {
    const end = xml.indexOf(close, at);
    if (end < 0) break;
    out.push(decodeXml(xml.slice(at + open.length, end).trim()));
  }
  return out;
}

function xmlText(xml: string, tag: string): string {
  const [first] = xmlTexts(xml, tag);
  if (first === undefined) throw new Error(`no <${tag}> in moto's answer: ${xml.slice(0, 300)}`);
  return first;
}
