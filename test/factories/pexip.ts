/**
 * Deterministic Pexip Infinity syslog lines (shapes from fixtures/pexip, see its SOURCES.md) for
 * handler tests, the e2e run and the benchmark: line `n` of a mixed workload, on a given day.
 * Mix (per 20 lines): 5 SIP with SDP or responses, 3 REST dicts, 4 conference/participant events,
 * 2 ICE/media, 4 audit records, 2 web lines.
 */
export type PexipLineKind = 'support' | 'audit' | 'web';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function pexipLine(n: number, day = '2024-01-02'): { kind: PexipLineKind; line: string } {
  const s = n % 86_400;
  const hh = pad(Math.floor(s / 3600));
  const mm = pad(Math.floor(s / 60) % 60);
  const ss = pad(s % 60);
  const ms = pad(n % 1000, 3);
  const head = `${day}T${hh}:${mm}:${ss}.${ms}+00:00 pxpconf0${n % 3} ${day} ${hh}:${mm}:${ss},${ms}`;
  const call = `${n.toString(16)}a84b4c76e66710@pc33.example.com`;
  const conf = `meet.room${n % 50}`;
  switch (n % 20) {
    case 0: case 5: case 10:
      return { kind: 'support', line: `${head} Level="INFO" Name="support.sip" Message="Received SIP message" Src-address="10.0.${n % 250}.20" Src-port="5060" Dst-address="10.0.0.5" Dst-port="5061" Transport="TCP" Received-time="${day}T${hh}:${mm}:${ss},${ms}000" Detail="INVITE sip:${conf}@example.com SIP/2.0^MVia: SIP/2.0/TCP 10.0.0.20:5060;branch=z9hG4bK${n}^MFrom: \\"Alice ${n}\\" <sip:alice${n}@example.com>;tag=${n * 7}^MTo: <sip:${conf}@example.com>^MCall-ID: ${call}^MCSeq: ${n} INVITE^MContact: <sip:alice${n}@10.0.0.20:5060;transport=tcp>^MUser-Agent: Pexip Infinity Connect^MContent-Type: application/sdp^MContent-Length: 412^M^Mv=0^Mo=alice ${n} ${n} IN IP4 10.0.0.20^Ms=-^Mc=IN IP4 10.0.0.20^Mt=0 0^Mm=audio 49170 RTP/AVP 0 8 101^Ma=rtpmap:0 PCMU/8000^Ma=rtpmap:8 PCMA/8000^Ma=rtpmap:101 telephone-event/8000^Ma=sendrecv^Mm=video 51372 RTP/AVP 97^Ma=rtpmap:97 H264/90000^Ma=fmtp:97 profile-level-id=42e01f;packetization-mode=1^M"` };
    case 1: case 11:
      return { kind: 'support', line: `${head} Level="INFO" Name="support.sip" Message="Sending SIP message" Src-address="10.0.0.5" Src-port="5061" Dst-address="10.0.${n % 250}.20" Dst-port="5060" Transport="TCP" Detail="SIP/2.0 200 OK^MVia: SIP/2.0/TCP 10.0.0.20:5060;branch=z9hG4bK${n}^MFrom: \\"Alice ${n}\\" <sip:alice${n}@example.com>;tag=${n * 7}^MTo: <sip:${conf}@example.com>;tag=${n * 3}^MCall-ID: ${call}^MCSeq: ${n} INVITE^MContent-Length: 0^M"` };
    case 2: case 12:
      return { kind: 'support', line: `${head} Level="INFO" Name="support.rest" Message="Received REST request" Src-address="10.0.2.${n % 250}" Src-port="${50000 + (n % 10000)}" Dst-address="10.0.0.5" Dst-port="443" Request="/api/client/v2/conferences/${conf}/participants/${n}/calls" Uuid="f0e1d2c3-b4a5-4697-8899-${pad(n, 12)}" Detail="{u'call_type': u'WEBRTC', u'sdp': u'v=0^Mo=- ${n} 2 IN IP4 127.0.0.1^Ms=-^Mt=0 0^Mm=audio 9 UDP/TLS/RTP/SAVPF 111^M', 'display_name': \\"Bob O'Neil ${n}\\", 'present': None}"` };
    case 3:
      return { kind: 'support', line: `${head} Level="INFO" Name="support.rest" Message="Sending REST response" Src-address="10.0.0.5" Src-port="443" Dst-address="10.0.2.${n % 250}" Dst-port="51234" Request="/api/client/v2/conferences/${conf}/request_token" Detail="{'status': 'success', 'result': {'allow_1080p': True, 'bandwidth_out': 1280, 'bandwidth_in': 1280, 'guests_can_present': False, 'expires': '120', 'conference_name': u'${conf}', 'token': u'${'ab'.repeat(40)}${n}', 'version': {'pseudo_version': '21.0.0', 'version_id': '21'}, 'stun': [{'url': u'stun:stun.l.google.com:19302'}], 'role': 'HOST', 'chat_enabled': True}}"` };
    case 4: case 14:
      return { kind: 'support', line: `${head} Level="INFO" Name="administrator.conference" Message="Participant has joined." Conference="${conf}" Conference-ID="6e3a1a5e-0d3c-4ba1-9a0c-${pad(n, 12)}" Participant="sip:alice${n}@example.com" Protocol="SIP" Direction="in" Call-Id="${call}" Remote-Address="10.0.1.12" Licenses="1" Registered="False" Location="London"` };
    case 6: case 16:
      return { kind: 'support', line: `${head} Level="INFO" Name="support.participant" Message="Participant presentation state changed" Participant="alice${n}" Call-id="${call}" Conference="${conf}" Presenter="True" Detail="Display name: \\"Alice ${n}\\""` };
    case 7:
      return { kind: 'support', line: `${head} Level="INFO" Name="support.ice" Message="ICE new candidate pair" Media-type="audio" Stream-id="1" Component-id="1" Local-candidate-type="host" Local-candidate-address="10.0.0.5" Local-candidate-port="${40000 + (n % 1000)}" Local-candidate-transport="udp" Remote-candidate-type="srflx" Remote-candidate-address="203.0.113.7" Remote-candidate-port="51000" Remote-candidate-transport="udp" Call-id="${call}" State="Succeeded"` };
    case 8:
      return { kind: 'support', line: `${head} Level="INFO" Name="support.media" Message="Media stream statistics" Mode="rx" Media-type="video" Stream-id="2" Call-id="${call}" Detail="^MPackets received: ${n}^MPackets lost: ${n % 7}^MJitter: 4 ms^M"` };
    case 9: case 13: case 17: case 19: {
      const t = Date.parse(`${day}T${hh}:${mm}:${ss}.${ms}Z`) / 1000;
      const types = [
        `type=SYSCALL msg=audit(${t.toFixed(3)}:${n}): arch=c000003e syscall=59 success=yes exit=0 a0=55d5e1 a1=55d5e2 a2=55d5e3 a3=0 items=2 ppid=1 pid=${n % 30000} auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm="id" exe="/usr/bin/id" subj=unconfined key=(null)`,
        `type=USER_ACCT msg=audit(${t.toFixed(3)}:${n}): pid=${n % 30000} uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:accounting grantors=pam_unix acct="root" exe="/usr/sbin/sshd" hostname=10.0.0.1 addr=10.0.0.1 terminal=ssh res=success'`,
      ];
      return { kind: 'audit', line: `${day}T${hh}:${mm}:${ss}.${ms}+00:00 pxpmgmt audispd: node=pxpmgmt.example.com ${types[Math.floor(n / 20) % 2]}` };
    }
    default: {
      const [y, mo, d] = day.split('-');
      const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(mo) - 1];
      return { kind: 'web', line: `${day}T${hh}:${mm}:${ss}.${ms}+00:00 pxpmgmt apache2: 10.0.${n % 250}.1 - admin [${d}/${month}/${y}:${hh}:${mm}:${ss} +0000] "GET /api/admin/status/v1/participant/?offset=${n} HTTP/1.1" 200 ${n % 9000} "https://pxpmgmt.example.com/admin/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"` };
    }
  }
}

/** Lines built to hit the parsers' slow paths: quote-heavy values, big nested dicts, long ^M runs. */
export function pexipSlowLine(n: number, day = '2024-01-02'): string {
  const head = `${day}T00:00:00.000+00:00 pxpconf01 ${day} 00:00:00,000`;
  switch (n % 3) {
    case 0: return `${head} Level="INFO" Name="support.sip" Message="Received SIP message" Detail="${'From: "x" y" z="w" '.repeat(2000)}"`;
    case 1: return `${head} Level="INFO" Name="support.rest" Message="Received REST request" Detail="{${Array.from({ length: 800 }, (_, i) => `u'k${i}': [{'a': True, 'b': None, 'c': \\"it's ${i}\\"}, (1, 2.5, -3L)]`).join(', ')}}"`;
    default: return `${head} Level="INFO" Name="support.h323.h245" Message="Received H.245 message" Detail="${'^M  x'.repeat(20000)}"`;
  }
}
