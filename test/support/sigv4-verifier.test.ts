import { expect } from 'chai';
import aws4 from 'aws4';
import { verifySigV4 } from './sigv4-verifier';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const known = { [credentials.accessKeyId]: credentials.secretAccessKey };

function signed(service: string, body: string, extraHeaders: Record<string, string> = {}) {
  const opts = aws4.sign(
    { host: 'search.example.com', method: 'POST', path: '/_bulk?refresh=false', service, region: 'eu-west-1', body, headers: { 'content-type': 'application/x-ndjson', ...extraHeaders } },
    credentials,
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = String(v);
  return { method: 'POST', url: opts.path!, headers, body: Buffer.from(body) };
}

describe('SigV4 verifier (test support)', () => {
  it('accepts a request signed by aws4 for es', () => {
    // Given a request signed by aws4 When it is verified Then it is accepted with its scope
    const result = verifySigV4(signed('es', '{"create":{}}\n{"a":1}\n'), { credentials: known, service: 'es', region: 'eu-west-1' });
    expect(result).to.deep.equal({ ok: true, accessKeyId: 'AKIDEXAMPLE', service: 'es', region: 'eu-west-1' });
  });

  it('rejects a body changed after signing', () => {
    const req = signed('es', '{"create":{}}\n{"a":1}\n');
    req.body = Buffer.from('{"create":{}}\n{"a":2}\n');
    expect(verifySigV4(req, { credentials: known })).to.deep.equal({ ok: false, reason: 'signature does not match' });
  });

  it('rejects a wrong secret and an unknown key', () => {
    const req = signed('es', 'x');
    expect(verifySigV4(req, { credentials: { AKIDEXAMPLE: 'other' } })).to.deep.equal({ ok: false, reason: 'signature does not match' });
    expect(verifySigV4(req, { credentials: { OTHER: 'x' } })).to.deep.equal({ ok: false, reason: 'unknown access key AKIDEXAMPLE' });
  });

  it('requires x-amz-content-sha256 for aoss and checks it against the body', () => {
    const without = signed('aoss', 'x');
    expect(verifySigV4(without, { credentials: known })).to.deep.equal({ ok: false, reason: 'OpenSearch Serverless requires x-amz-content-sha256' });
    const withHash = signed('aoss', 'x', { 'X-Amz-Content-Sha256': '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881' });
    expect(verifySigV4(withHash, { credentials: known }).ok).to.equal(true);
    withHash.body = Buffer.from('y');
    expect(verifySigV4(withHash, { credentials: known })).to.deep.equal({ ok: false, reason: 'x-amz-content-sha256 does not match the body' });
  });

  it('rejects a missing or non-SigV4 Authorization header', () => {
    const req = signed('es', 'x');
    delete req.headers.authorization;
    expect(verifySigV4(req, { credentials: known })).to.deep.equal({ ok: false, reason: 'missing Authorization header' });
    req.headers.authorization = 'Basic abc';
    expect(verifySigV4(req, { credentials: known })).to.deep.equal({ ok: false, reason: 'Authorization is not AWS4-HMAC-SHA256' });
  });
});
