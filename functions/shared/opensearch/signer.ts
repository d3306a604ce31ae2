import { createHash } from 'node:crypto';
import aws4 from 'aws4';
import type { AwsCredentials } from './types';

/** Credentials from the standard Lambda/SDK environment variables, read on each call (they can rotate). */
export async function envCredentials(env: NodeJS.ProcessEnv = process.env): Promise<AwsCredentials> {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new Error('AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set');
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

export interface RequestToSign {
  host: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Adds SigV4 headers (Authorization, X-Amz-Date, X-Amz-Security-Token) in place. The body hash
 * is computed once here and sent as `x-amz-content-sha256`, which OpenSearch Serverless
 * requires and managed domains accept; aws4 then signs with it instead of hashing again.
 */
export function signRequest(req: RequestToSign, service: string, region: string, creds: AwsCredentials): void {
  req.headers['x-amz-content-sha256'] = createHash('sha256').update(req.body).digest('hex');
  // aws4 signs a copy of the headers; take the signed set back.
  const signed = aws4.sign(
    { host: req.host, path: req.path, method: req.method, headers: req.headers, body: req.body, service, region },
    creds,
  );
  Object.assign(req.headers, signed.headers as Record<string, string>);
}
