import { expect } from 'chai';
import { MAX_LITERAL_DEPTH, parseLiteral } from '../../../../functions/pexip-wrangler/core/literal';
import { scanPairs } from '../../../../functions/pexip-wrangler/core/pairs';
import { parseApacheTime, parseEpochSeconds, parseOriginating, parseRfc3339 } from '../../../../functions/pexip-wrangler/core/time';
import { supportValue } from '../../../../functions/pexip-wrangler/core/value-rules';

describe('pexip wrangler: Python literal parser', () => {
  it('reads the Python forms repr() prints', () => {
    expect(parseLiteral(`{u'a': u"it's", b'b': r'c\\d', 'n': None, 't': (1, 2.5, -3L), 'e': [], 'x': {}, 'u': u'caf\\xe9 \\u263a'}`)).to.deep.equal({
      ok: true,
      value: { a: "it's", b: 'c\\d', n: null, t: [1, 2.5, -3], e: [], x: {}, u: 'café ☺' },
    });
  });

  it('reads JSON, including escapes', () => {
    expect(parseLiteral('{"a": [true, false, null, 1e3], "s": "q\\"uote\\/\\n"}')).to.deep.equal({ ok: true, value: { a: [true, false, null, 1000], s: 'q"uote/\n' } });
  });

  it('reads triple-quoted strings and keeps unknown escapes', () => {
    expect(parseLiteral(`{'a': '''x'y''', 'b': '\\q'}`)).to.deep.equal({ ok: true, value: { a: "x'y", b: '\\q' } });
  });

  it('refuses what is not a literal, with the place', () => {
    expect(parseLiteral(`{'a': 1`)).to.deep.equal({ ok: false, error: 'unexpected end' });
    expect(parseLiteral(`{'a' 1}`)).to.deep.equal({ ok: false, error: 'expected ":" at 5' });
    expect(parseLiteral(`{'a': 1} x`)).to.deep.equal({ ok: false, error: 'text after the value at 9' });
    expect(parseLiteral(`{'a': datetime(1)}`)).to.deep.equal({ ok: false, error: 'unexpected word "datetime" at 6' });
    expect(parseLiteral(`{'a': 'open}`)).to.deep.equal({ ok: false, error: 'unterminated string' });
  });

  it('refuses deep nesting without recursing (a million brackets)', () => {
    expect(parseLiteral('['.repeat(1_000_000))).to.deep.equal({ ok: false, error: `nested deeper than ${MAX_LITERAL_DEPTH}` });
    const ok = `${'['.repeat(MAX_LITERAL_DEPTH)}${']'.repeat(MAX_LITERAL_DEPTH)}`;
    expect(parseLiteral(ok).ok).to.equal(true);
  });

  it('reads a long string full of escapes whole', () => {
    const r = parseLiteral(`'${'\\n'.repeat(200_000)}'`);
    expect(r.ok && (r.value as string).length).to.equal(200_000);
  });
});

describe('pexip wrangler: Key="value" scanner', () => {
  it('reads pairs and unescapes \\"', () => {
    expect(scanPairs('A="1" B="say \\"hi\\"" C=""')).to.deep.equal({ pairs: [['A', '1'], ['B', 'say "hi"'], ['C', '']] });
  });

  it('reports text that is not a pair', () => {
    expect(scanPairs('hello A="1"')).to.deep.equal({ pairs: [], problem: 'no Key="value" pair' });
    expect(scanPairs('A="1" trailing words')).to.deep.equal({ pairs: [['A', '1" trailing words']], problem: 'value of A has no closing quote' });
  });

  it('reads a line of a million quotes whole (the look-ahead never re-reads)', () => {
    const value = '" x'.repeat(300_000);
    expect(scanPairs(`A="${value}" B="2"`).pairs).to.deep.equal([['A', value], ['B', '2']]);
  });
});

describe('pexip wrangler: times', () => {
  it('applies RFC 3339 offsets and keeps microseconds', () => {
    expect(parseRfc3339('2019-05-11T10:29:33.751132+02:00')).to.deep.equal({ epochMs: Date.UTC(2019, 4, 11, 8, 29, 33, 751), iso: '2019-05-11T08:29:33.751132Z' });
    expect(parseRfc3339('2019-12-31T23:30:00-01:00')).to.deep.equal({ epochMs: Date.UTC(2020, 0, 1, 0, 30), iso: '2020-01-01T00:30:00.000Z' });
    expect(parseRfc3339('2019-02-30T00:00:00Z')).to.equal(undefined);
    expect(parseRfc3339('2019-05-11T10:29:33')).to.equal(undefined);
  });

  it('reads the originating, Apache and audit times', () => {
    expect(parseOriginating('2019-05-11', '08:29:33,751')?.iso).to.equal('2019-05-11T08:29:33.751Z');
    expect(parseOriginating('2019-05-11', '08:29')).to.equal(undefined);
    expect(parseApacheTime('01/Jan/2020:00:30:00 +0100')?.iso).to.equal('2019-12-31T23:30:00.000Z');
    expect(parseEpochSeconds('1557563373.751')).to.deep.equal({ epochMs: 1557563373751, iso: '2019-05-11T08:29:33.751Z' });
    expect(parseEpochSeconds('abc.1')).to.equal(undefined);
  });
});

describe('pexip wrangler: value rules', () => {
  it('matches keys whatever their case and separator', () => {
    expect(['Remote-port', 'REMOTE-PORT', 'remote_port', 'Transaction-Id', 'EXPIRES'].map((k) => supportValue(k, '42'))).to.deep.equal([42, 42, 42, 42, 42]);
    expect([supportValue('registered', 'TRUE'), supportValue('Registered', 'no'), supportValue('Port', '5.5'), supportValue('Other', '1')]).to.deep.equal([true, 'no', '5.5', '1']);
  });
});
