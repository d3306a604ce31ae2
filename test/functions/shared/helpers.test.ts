import { expect } from 'chai';
import { envReader, ConfigError } from '../../../functions/shared/env';
import { summaryLine, writeSummary, METRIC_NAMESPACE } from '../../../functions/shared/metrics';
import { deadLetterKey, normalizePrefix } from '../../../functions/shared/dead-letter';

describe('shared env reader', () => {
  it('returns defaults and parsed values', () => {
    // Given an environment with some variables set
    const r = envReader({ A: ' x ', N: '42', B: 'yes', E: 'aoss', U: 'https://h.example/', J: '[1,2]' }, 'test');
    // When reading them
    const values = [
      r.str('A'), r.str('MISSING', { default: 'd' }), r.int('N', { default: 1, min: 0, max: 100 }),
      r.int('NONE', { default: 7, min: 0, max: 9 }), r.bool('B', false), r.oneOf('E', ['es', 'aoss'] as const, 'es'),
      r.endpoint('U'), r.json('J', (v) => (Array.isArray(v) ? v : 'not an array'), []),
    ];
    // Then each is typed and trimmed, and nothing is reported
    expect(values).to.deep.equal(['x', 'd', 42, 7, true, 'aoss', 'https://h.example', [1, 2]]);
    expect(() => r.done()).not.to.throw();
  });

  it('throws one error naming every bad variable', () => {
    // Given several bad variables
    const r = envReader({ N: '4.5', E: 'sql', U: 'http://plain', J: '{', B: 'maybe' }, 'shipper');
    r.int('N', { default: 1, min: 0, max: 10 });
    r.oneOf('E', ['es', 'aoss'] as const, 'es');
    r.endpoint('U');
    r.json('J', (v) => v, null);
    r.bool('B', true);
    r.str('REQ', { required: true });
    // When done, Then the error lists them all by name
    try {
      r.done();
      expect.fail('done() should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.problems.map((p) => p.split(' ')[0])).to.deep.equal(['N', 'E', 'U', 'J', 'B', 'REQ']);
      expect(e.message).to.match(/^shipper configuration: N must be an integer in 0..10, got "4.5"/);
    }
  });

  it('accepts an http endpoint only on a loopback address (the contract ENDPOINT_RULE)', () => {
    // Given loopback http endpoints, an https one with a path prefix, and plain http to other hosts
    const ok = { A: 'http://127.0.0.1:9200', B: 'http://localhost:9200/', C: 'http://[::1]:9200', D: 'https://search.example:8443/proxy' };
    const r = envReader(ok, 't');
    // When read as endpoints
    expect(Object.keys(ok).map((k) => r.endpoint(k))).to.deep.equal(['http://127.0.0.1:9200', 'http://localhost:9200', 'http://[::1]:9200', 'https://search.example:8443/proxy']);
    expect(() => r.done()).not.to.throw();
    // Then any other plain-http host is refused by name
    for (const bad of ['http://10.0.0.1:9200', 'http://127.0.0.1.evil.example', 'http://localhost.evil:80', 'ftp://x', 'https://']) {
      const r2 = envReader({ U: bad }, 't');
      r2.endpoint('U');
      expect(() => r2.done(), bad).to.throw(/U must be an https:\/\/ URL/);
    }
  });
});

describe('shared EMF summary line', () => {
  it('is one JSON line with the metrics under namespace LogsToOpenSearch and dimension FunctionName', () => {
    // Given a summary
    const lines: string[] = [];
    writeSummary({
      functionName: 'shipper-fn', message: 'batch', timestamp: 1700000000000,
      metrics: { Events: 10, DeadLettered: 2, BytesIn: 300 }, units: { BytesIn: 'Bytes' }, properties: { requestId: 'r-1' },
    }, (l) => lines.push(l));
    // Then the line carries the EMF block and the values at the top level
    expect(lines).to.have.length(1);
    const parsed = JSON.parse(lines[0]!);
    expect(parsed._aws).to.deep.equal({
      Timestamp: 1700000000000,
      CloudWatchMetrics: [{
        Namespace: METRIC_NAMESPACE, Dimensions: [['FunctionName']],
        Metrics: [{ Name: 'Events', Unit: 'Count' }, { Name: 'DeadLettered', Unit: 'Count' }, { Name: 'BytesIn', Unit: 'Bytes' }],
      }],
    });
    expect(parsed).to.include({ FunctionName: 'shipper-fn', Events: 10, DeadLettered: 2, BytesIn: 300, requestId: 'r-1', level: 'INFO' });
    expect(METRIC_NAMESPACE).to.equal('LogsToOpenSearch');
    expect(summaryLine({ functionName: 'f', message: 'm', metrics: {} })).not.to.contain('\n');
  });
});

describe('shared dead-letter keys', () => {
  it('lays keys out by UTC day, function and request id', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 23, 59));
    expect(deadLetterKey('dlq/', 'my-fn', 'req-1', 'poison-record', 3, at)).to.equal('dlq/2024/01/02/my-fn/req-1-poison-record-3.jsonl');
    expect(deadLetterKey('', 'f', 'a/b', 'k', 1, at)).to.equal('2024/01/02/f/a_b-k-1.jsonl');
    expect(normalizePrefix('/x/y')).to.equal('x/y/');
  });
});
