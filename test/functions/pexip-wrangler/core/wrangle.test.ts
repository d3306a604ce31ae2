import { expect } from 'chai';
import { NO_EVENT_TIME, wrangleLine } from '../../../../functions/pexip-wrangler/core/wrangle';
import { fixtureLine, fixtureLines } from '../fixtures';

const support = (n: number) => wrangleLine(fixtureLine('support.log', n), { kind: 'support' });
const audit = (n: number) => wrangleLine(fixtureLine('audit.log', n), { kind: 'audit' });
const web = (n: number) => wrangleLine(fixtureLine('web.log', n), { kind: 'web' });

describe('pexip wrangler: support and administrator lines', () => {
  it('keeps the original columns, casts numbers and booleans, and names pairs as the original queries do', () => {
    // Given an administrator.conference line with Conference-ID, Licenses and Registered
    const w = support(1);
    // Then the record has the metadata columns, `Conference_ID` for the Logs Insights query, typed values
    expect(w.cls).to.equal('administrator.conference');
    expect(w.kind).to.equal('support');
    expect(w.epochMs).to.equal(Date.UTC(2019, 4, 11, 8, 29, 33, 751));
    expect(w.record).to.deep.equal({
      '@timestamp': '2019-05-11T08:29:33.751Z',
      kind: 'support',
      class: 'administrator.conference',
      syslog_time: '2019-05-11T08:29:33.751132+00:00',
      system: 'pxpconf01',
      originating_date: '2019-05-11',
      originating_time: '08:29:33,751',
      level: 'INFO',
      name: 'administrator.conference',
      log_message: {
        Message: 'Participant has joined.',
        Conference: 'meet.alice',
        Conference_ID: '6e3a1a5e-0d3c-4ba1-9a0c-3b2f0a1c9d11',
        Participant: 'sip:alice@example.com',
        Protocol: 'SIP',
        Direction: 'in',
        Call_Id: 'a84b4c76e66710@pc33.example.com',
        Remote_Address: '10.0.1.12',
        Licenses: 1,
        Registered: false,
      },
      raw: fixtureLine('support.log', 1),
    });
  });

  it('splits a received SIP INVITE into lines, start line, headers and SDP, despite a stray unescaped quote', () => {
    const w = support(2);
    expect(w.cls).to.equal('support.sip.received');
    // the syslog time is +02:00, the originating time (UTC) wins
    expect(w.record['@timestamp']).to.equal('2019-05-11T08:29:33.760Z');
    const lm = w.record.log_message as Record<string, unknown>;
    expect(lm.Src_port).to.equal(5060);
    expect(lm.Dst_port).to.equal(5061);
    expect(lm.Received_time).to.equal('2019-05-11T08:29:33,751132');
    const detail = lm.Detail as string[];
    expect(detail).to.have.length(17);
    expect(detail[3]).to.equal('From: "Alice Doe" <sip:alice@example.com>;tag=1928301774');
    expect(detail[9]).to.equal('');
    expect(w.record.sip).to.deep.equal({
      start_line: 'INVITE sip:meet.alice@example.com SIP/2.0',
      method: 'INVITE',
      request_uri: 'sip:meet.alice@example.com',
      version: 'SIP/2.0',
      headers: {
        via: ['SIP/2.0/TCP 10.0.0.20:5060;branch=z9hG4bK776asdhds', 'SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1'],
        from: '"Alice Doe" <sip:alice@example.com>;tag=1928301774',
        to: '<sip:meet.alice@example.com>',
        'call-id': 'a84b4c76e66710@pc33.example.com',
        cseq: '314159 INVITE',
        'content-type': 'application/sdp',
        'content-length': '142',
      },
      sdp: ['v=0', 'o=alice 2890844526 2890844526 IN IP4 10.0.0.20', 's=-', 'c=IN IP4 10.0.0.20', 't=0 0', 'm=audio 49170 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000'],
    });
  });

  it('reads a sent SIP response with escaped quotes and classes it .sending', () => {
    const w = support(3);
    expect(w.cls).to.equal('support.sip.sending');
    const sip = w.record.sip as Record<string, unknown>;
    expect(sip.status_code).to.equal(200);
    expect(sip.reason).to.equal('OK');
    expect((sip.headers as Record<string, string>).from).to.equal('"Alice Doe" <sip:alice@example.com>;tag=1928301774');
    expect(sip.sdp).to.equal(undefined);
  });

  it('casts keys case-insensitively (Remote-Port) and classes other SIP lines .other', () => {
    const w = support(4);
    expect(w.cls).to.equal('support.sip.other');
    expect(w.record.log_message).to.deep.equal({
      Message: 'SIP transaction timed out', Local_address: '10.0.0.5', Local_port: 5061, Remote_address: '10.0.0.20', Remote_Port: 5060,
      Detail: ['Timer B fired for INVITE'],
    });
    expect(w.record.sip).to.equal(undefined);
  });

  it('parses a REST request Python dict: u-strings, a double-quoted apostrophe, None, SDP as lines', () => {
    const w = support(5);
    expect(w.cls).to.equal('support.rest.received');
    expect((w.record.log_message as Record<string, unknown>).Detail).to.deep.equal({
      call_type: 'WEBRTC',
      sdp: ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0'],
      display_name: "Bob O'Neil",
      present: null,
    });
  });

  it('parses a nested REST response dict with True/False, an escaped apostrophe, a list of dicts and a trailing comma', () => {
    const w = support(6);
    expect(w.cls).to.equal('support.rest.sending');
    expect((w.record.log_message as Record<string, unknown>).Detail).to.deep.equal({
      status: 'success',
      result: {
        allow_1080p: true, bandwidth_out: 1280, guests_can_present: false, expires: '120', conference_name: 'meet.alice',
        display_name: "Bob O'Neil", version: { pseudo_version: '21.0.0', version_id: '21' },
        stun: [{ url: 'stun:stun.l.google.com:19302' }], role: 'HOST', chat_enabled: true,
      },
    });
  });

  it('parses a JSON Detail arriving as \\"-quoted JSON', () => {
    expect((support(7).record.log_message as Record<string, unknown>).Detail).to.deep.equal({ digits: '1234#', present: true, count: 2 });
  });

  it('keeps an unparsable REST dict as lines beside the struct column, with the reason', () => {
    const w = support(8);
    expect(w.cls).to.equal('support.rest.other');
    expect(w.record.log_message).to.deep.equal({
      Message: 'REST request failed', Request: '/api/client/v2/conferences/meet.alice/info',
      Detail_lines: ["{'status': 'failed', 'result': <object at 0x7f>}"],
    });
    expect(w.record.detail_error).to.equal('Detail is not a Python or JSON dict: unexpected character "<" at 31');
    expect(w.parseError).to.equal(undefined);
  });

  it('casts the ICE, BFCP and system numeric keys from the one table', () => {
    const ice = support(9).record.log_message as Record<string, unknown>;
    expect([ice.Stream_id, ice.Local_candidate_port, ice.Remote_candidate_port, ice.Component_id]).to.deep.equal([1, 40000, 51000, '1']);
    const bfcp = support(16).record.log_message as Record<string, unknown>;
    expect([bfcp.Transaction_id, bfcp.Floor_request_id, bfcp.expires, bfcp.Src_port]).to.deep.equal([17, 3, 3600, 5070]);
    expect((support(11).record.log_message as Record<string, unknown>).Pid).to.equal(4242);
  });

  it('splits ^M multi-line Details, dropping only empty first and last lines', () => {
    expect((support(10).record.log_message as Record<string, unknown>).Detail).to.deep.equal(['Packets received: 12000', 'Packets lost: 3', 'Jitter: 4 ms']);
    expect((support(12).record.log_message as Record<string, unknown>).Detail).to.deep.equal([
      'request terminalCapabilitySet', '  sequenceNumber 1', '  protocolIdentifier 0.0.8.245.0.13',
    ]);
  });

  it('passes unknown names and keys through, as their own class', () => {
    const w = support(13);
    expect(w.cls).to.equal('support.teams.connector');
    expect(w.record.log_message).to.deep.equal({ Message: 'Teams call routed', Teams_Tenant: 'contoso', Cvi_Port: '443', Detail: ['routed'] });
  });

  it('keeps the message of a line whose only pair is Message', () => {
    const w = support(14);
    expect(w.record.log_message).to.deep.equal({ Message: 'A line with only its message.' });
    expect([w.record.level, w.record.name, w.cls]).to.deep.equal([null, null, 'support']);
  });

  it('converts a -05:00 syslog time to UTC when the line has no originating time', () => {
    const w = support(15);
    expect(w.record['@timestamp']).to.equal('2019-05-11T08:38:00.250Z');
    expect(w.record.syslog_time).to.equal('2019-05-11T03:38:00.250-05:00');
    expect([w.record.originating_date, w.record.originating_time, w.record.system]).to.deep.equal([null, null, '10.0.0.5']);
    expect((w.record.log_message as Record<string, unknown>).Port).to.equal(5061);
  });

  it('parses a JSON Detail of a non-REST class into detail_object, keeping the lines column', () => {
    const w = support(17);
    expect((w.record.log_message as Record<string, unknown>).Detail).to.deep.equal(['{"participants": 1, "locked": false}']);
    expect(w.record.detail_object).to.deep.equal({ participants: 1, locked: false });
  });

  it('keeps values that do not fit their type as strings, and a key repeated in another casing as a repeat of the first spelling', () => {
    // Given a line carrying Licenses="two" then LICENSES="3" (one Glue column: licenses)
    const lm = support(18).record.log_message as Record<string, unknown>;
    // Then the first spelling names the field, the second value is its repeat (typed by the same rule), nothing differs only in case
    expect(lm).to.deep.equal({ Message: 'License check', Licenses: 'two', Licenses_2: 3, Registered: 'maybe' });
  });

  it('never gives one log_message two names that differ only in case (Athena folds case and would null the row)', () => {
    // Given pairs repeated in three casings, a literal Port_2 in another casing before the repeat, and a DETAIL beside Detail
    const line =
      '2019-05-11T08:41:00.000+00:00 pxpconf01 2019-05-11 08:41:00,000 Level="INFO" Name="support.dns" Message="m" ' +
      'Remote-Port="1" Remote-port="2" REMOTE-PORT="x" PORT_2="a" Port="53" PORT="54" Detail="d" DETAIL="e"';
    // When wrangled
    const lm = wrangleLine(line, { kind: 'support' }).record.log_message as Record<string, unknown>;
    // Then every value is kept under the first spelling's repeats, and no two names fold to one
    expect(lm).to.deep.equal({
      Message: 'm', Remote_Port: 1, Remote_Port_2: 2, Remote_Port_3: 'x', PORT_2: 'a', Port: 53, Port_2_: 54, Detail: ['d'], Detail_2: 'e',
    });
    const folded = Object.keys(lm).map((k) => k.toLowerCase());
    expect(new Set(folded).size).to.equal(folded.length);
  });

  it('puts the lines of a REST Detail that is no dict beside a pair already named Detail_lines in another casing', () => {
    // Given a support.rest line with an unparsable dict Detail and a DETAIL_LINES pair
    const line =
      '2019-05-11T08:31:02.000+00:00 pxpconf01 2019-05-11 08:31:02,000 Level="ERROR" Name="support.rest" Message="REST request failed" ' +
      'DETAIL_LINES="mine" Detail="{\'status\': <object at 0x7f>}"';
    // When wrangled
    const w = wrangleLine(line, { kind: 'support' });
    // Then both are kept, under names that differ by more than case
    expect(w.record.log_message).to.deep.equal({ Message: 'REST request failed', DETAIL_LINES: 'mine', DETAIL_LINES_2: ["{'status': <object at 0x7f>}"] });
    expect(w.record.detail_error).to.be.a('string');
  });

  it('no fixture record has names that differ only in case, at any depth', () => {
    // Given every fixture line wrangled with its file's kind
    const clashes: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v && typeof v === 'object') {
        const seen = new Map<string, string>();
        for (const [k, x] of Object.entries(v)) {
          if (seen.has(k.toLowerCase())) clashes.push(`${path}: ${seen.get(k.toLowerCase())} / ${k}`);
          seen.set(k.toLowerCase(), k);
          walk(x, `${path}.${k}`);
        }
      }
    };
    for (const file of ['support', 'audit', 'web', 'garbage'] as const)
      fixtureLines(`${file}.log`).forEach((l, i) => walk(wrangleLine(l, file === 'garbage' ? {} : { kind: file }).record, `${file}.log:${i + 1}`));
    // Then there are none
    expect(clashes).to.deep.equal([]);
  });

  it('unescapes \\" in Message and Detail', () => {
    const lm = support(19).record.log_message as Record<string, unknown>;
    expect(lm.Message).to.equal('Participant says "hello" to all');
    expect(lm.Detail).to.deep.equal(['Display name: "Bob"']);
  });

  it('keeps what a cut line holds and says what is missing', () => {
    const w = support(20);
    expect(w.cls).to.equal('support.sip.received');
    expect((w.record.log_message as Record<string, unknown>).Detail).to.deep.equal(['OPTIONS sip:10.0.0.5 SIP/2.0', 'Via: SIP/2.0/UDP 10.0.0.']);
    expect(w.record.parse_error).to.equal('value of Detail has no closing quote');
  });

  it('ends a value only at a quote followed by whitespace and the next Key="', () => {
    const line = '2019-05-11T08:29:33.751+00:00 n1 2019-05-11 08:29:33,751 Level="INFO" Name="support.sip" Message="a" Detail="To: "x" y" z="1" w" Next-Key="v"  ';
    const lm = wrangleLine(line).record.log_message as Record<string, unknown>;
    expect(lm.Detail).to.deep.equal(['To: "x" y']);
    expect(lm.z).to.equal('1" w');
    expect(lm.Next_Key).to.equal('v');
  });

  it('lets the line shape decide the kind when the group is unknown', () => {
    expect(wrangleLine(fixtureLine('support.log', 1)).kind).to.equal('support');
    expect(wrangleLine(fixtureLine('audit.log', 1)).kind).to.equal('audit');
    expect(wrangleLine(fixtureLine('web.log', 1)).kind).to.equal('web');
    // and a line sent to the wrong group is read by its shape
    const misrouted = wrangleLine(fixtureLine('audit.log', 2), { kind: 'support' });
    expect([misrouted.kind, misrouted.cls]).to.deep.equal(['audit', 'SYSCALL']);
  });
});

describe('pexip wrangler: audit lines', () => {
  it('reads the audit time and serial, integer ids and the nested msg pairs', () => {
    const w = audit(1);
    expect(w.record).to.deep.equal({
      '@timestamp': '2019-05-11T08:29:33.751Z',
      kind: 'audit',
      class: 'USER_ACCT',
      syslog_time: '2019-05-11T08:29:33.760+00:00',
      system: 'pxpmgmt',
      audit: 'audispd',
      system_fqdn: 'pxpmgmt.example.com',
      type: 'USER_ACCT',
      audit_serial: 1234,
      log_message: {
        msg: 'audit(1557563373.751:1234)', pid: 2345, uid: 0, auid: 4294967295, ses: 4294967295, subj: 'unconfined',
        submsg: { op: 'PAM:accounting', grantors: 'pam_unix', acct: 'root', exe: '/usr/sbin/sshd', hostname: '10.0.0.1', addr: '10.0.0.1', terminal: 'ssh', res: 'success' },
      },
      raw: fixtureLine('audit.log', 1),
    });
  });

  it('takes the audit epoch over a +01:00 syslog time, and keeps negative exits and hex arguments', () => {
    const w = audit(2);
    expect(w.record['@timestamp']).to.equal('2019-05-11T08:29:33.999Z');
    const lm = w.record.log_message as Record<string, unknown>;
    expect([lm.syscall, lm.exit, lm.a0, lm.items, lm.comm, lm.tty]).to.deep.equal([59, -2, '55d5e1', 2, 'id', '(none)']);
  });

  it('maps n/a to null inside nested messages', () => {
    expect((audit(5).record.log_message as Record<string, Record<string, unknown>>).submsg).to.deep.equal({
      op: 'login', id: '1000', exe: '/usr/sbin/sshd', hostname: null, addr: '10.0.0.1', terminal: '/dev/pts/0', res: 'success',
    });
  });

  it('passes unknown types through as their class and keeps octal modes as text', () => {
    const bpf = audit(6);
    expect([bpf.cls, (bpf.record.log_message as Record<string, unknown>).prog_id]).to.deep.equal(['BPF', '42']);
    const path = audit(7).record.log_message as Record<string, unknown>;
    expect([path.item, path.inode, path.mode, path.ogid]).to.deep.equal([0, 1311, '0100640', 42]);
  });

  it('puts enriched fields (after the group separator) in their own object', () => {
    const line = `${fixtureLine('audit.log', 1)}\x1dUID="root" AUID="unset"`;
    const lm = wrangleLine(line, { kind: 'audit' }).record.log_message as Record<string, unknown>;
    expect(lm.enriched).to.deep.equal({ UID: 'root', AUID: 'unset' });
    expect(lm.uid).to.equal(0);
  });

  it('exports an audispd line that is not a record as unparsed, with its raw text', () => {
    const w = audit(8);
    expect(w.record).to.deep.equal({
      '@timestamp': '2019-05-11T08:29:39.000Z', kind: 'audit', class: 'unparsed', syslog_time: '2019-05-11T08:29:39.000+00:00',
      system: 'pxpmgmt', parse_error: 'not an audit line', raw: fixtureLine('audit.log', 8),
    });
  });
});

describe('pexip wrangler: web server lines', () => {
  it('parses a combined line and converts %t to UTC', () => {
    const w = web(1);
    expect(w.cls).to.equal('web');
    expect(w.record['@timestamp']).to.equal('2019-05-11T08:29:33.000Z');
    expect(w.record.program).to.equal('apache2');
    expect(w.record.log_message).to.deep.equal({
      client: '10.0.0.1', ident: null, user: 'admin', time: '11/May/2019:10:29:33 +0200', request: 'GET /admin/status/conference/ HTTP/1.1',
      method: 'GET', path: '/admin/status/conference/', protocol: 'HTTP/1.1', status: 200, bytes: 5120,
      referrer: 'https://pxpmgmt.example.com/admin/', user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    });
  });

  it('accepts the common format, extra fields, escaped quotes and a garbage request', () => {
    const common = web(2).record.log_message as Record<string, unknown>;
    expect([common.status, common.bytes, common.referrer, common.user_agent]).to.deep.equal([201, null, null, null]);
    const extra = web(3).record.log_message as Record<string, unknown>;
    expect([extra.user_agent, extra.extra]).to.deep.equal(['Mozilla "quoted" agent', ['5123', 'pxpmgmt.example.com']]);
    expect(web(3).record.program).to.equal('apache2');
    const tls = web(4).record.log_message as Record<string, unknown>;
    expect([tls.request, tls.method, tls.status]).to.deep.equal(['\\x16\\x03\\x01', null, 400]);
  });

  it('exports a non-access line as unparsed with its raw text', () => {
    const w = web(5);
    expect([w.cls, w.kind, w.record.parse_error, w.record.raw]).to.deep.equal(['unparsed', 'web', 'not a web line', fixtureLine('web.log', 5)]);
  });
});

describe('pexip wrangler: garbage', () => {
  it('turns every line into a record with its raw text, a parse_error, and the fallback time', () => {
    const lines = fixtureLines('garbage.log').slice(0, 5);
    const out = lines.map((l) => wrangleLine(l, { fallbackEpochMs: Date.UTC(2024, 0, 2), fallbackNode: 'Pexip_Conferencing_Nodes' }));
    expect(out.map((w) => [w.cls, w.record.raw, w.parseError !== undefined])).to.deep.equal(lines.map((l) => ['unparsed', l, true]));
    expect(out[0]!.record['@timestamp']).to.equal('2024-01-02T00:00:00.000Z');
    expect(out[0]!.record.system).to.equal('Pexip_Conferencing_Nodes');
    // a real syslog time is used when there is one
    expect(out[1]!.record['@timestamp']).to.equal('2019-05-11T08:29:33.000Z');
    expect(out[1]!.record.system).to.equal('pxpconf01');
  });

  it('falls back to the CloudWatch time when the line has an impossible date', () => {
    const w = wrangleLine(fixtureLines('garbage.log')[5]!, { fallbackEpochMs: Date.UTC(2024, 0, 2) });
    expect([w.cls, w.record['@timestamp'], w.record.parse_error, w.parseError]).to.deep.equal(['x', '2024-01-02T00:00:00.000Z', NO_EVENT_TIME, NO_EVENT_TIME]);
    // the fields it holds are kept, and a valid originating time would have won
    expect(w.record.message ?? (w.record.log_message as Record<string, unknown>)?.Message).to.equal('bad clock');
    const good = wrangleLine('2019-13-45T99:99:99Z host 2019-05-11 08:29:33,751 Level="INFO" Name="x" Message="ok"', { fallbackEpochMs: Date.UTC(2024, 0, 2) });
    expect([good.record['@timestamp'], good.parseError]).to.deep.equal(['2019-05-11T08:29:33.751Z', undefined]);
  });
});
