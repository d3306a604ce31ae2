import { expect } from 'chai';
import { ReasonError } from '../../../functions/shared/reason-error';
import { LineError } from '../../../functions/elb-processor/core/values';
import { parseLiteral } from '../../../functions/pexip-wrangler/core/literal';

describe('ReasonError (an input\'s reason, without a stack trace)', () => {
  it('carries the message, is an Error, and captures no stack frames', () => {
    const e = new ReasonError('field 3: expected a number, got "x"');
    expect(e).to.be.instanceOf(Error);
    expect(e.message).to.equal('field 3: expected a number, got "x"');
    expect(String(e.stack)).not.to.match(/\n\s+at /);
    // An ordinary Error here does have frames: the check above can fail.
    expect(String(new Error('x').stack)).to.match(/\n\s+at /);
  });

  it('puts back whatever stack trace limit was set, for every other error of the process', () => {
    const before = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 7;
      new ReasonError('a');
      expect(Error.stackTraceLimit).to.equal(7);
    } finally {
      Error.stackTraceLimit = before;
    }
    new LineError('b');
    expect(Error.stackTraceLimit).to.equal(before);
  });

  it('keeps the names and reasons the parsers report', () => {
    const e = new LineError('alb: expected at least 29 fields, got 3');
    expect(e).to.be.instanceOf(ReasonError);
    expect(e.name).to.equal('LineError');
    // The literal parser's reasons still reach its result.
    expect(parseLiteral("{'a': 1")).to.deep.equal({ ok: false, error: 'unexpected end' });
    expect(parseLiteral("{'a': 1} x")).to.deep.equal({ ok: false, error: 'text after the value at 9' });
  });
});
