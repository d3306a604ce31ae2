import { expect } from 'chai';
import { objectsFromEvent } from '../../../../functions/elb-processor/core/events';
import { parseLine } from '../../../../functions/elb-processor/core/parse';
import type { AlbDocument, LineResult } from '../../../../functions/elb-processor/core/types';
import { unescapeAws } from '../../../../functions/elb-processor/core/values';
import {
  ALB_2016, ALB_2020_UNQUOTED_LISTS, ALB_FULL_FIELDS, albWith, CLASSIC_2014, CLASSIC_HTTP, CLASSIC_TCP, CONN_11_FAILED, CONN_12, NLB_V1, NLB_V2,
} from '../../../../fixtures/elb/lines';
import { s3Event } from '../../../factories/s3';

const ALB = ALB_FULL_FIELDS.join(' ');
const reason = (r: LineResult): string => (r.kind === 'failed' ? r.reason : `not failed: ${r.kind}`);

describe('elb parser: hostile lines never lose a record silently', () => {
  it('fails a line holding two records (missing line break) of any layout, with the reason', () => {
    // Given pairs of records run together with a space or nothing between them
    const pairs: Record<string, string> = {
      'alb + alb': `${ALB} ${ALB}`,
      'alb + alb, no space after the closing quote': `${ALB}${ALB}`,
      'alb 2016 (20 fields) + alb 2016: the second time lands on request_creation_time': `${ALB_2016} ${ALB_2016}`,
      'alb 2020 + alb 2020': `${ALB_2020_UNQUOTED_LISTS} ${ALB_2020_UNQUOTED_LISTS}`,
      'classic + classic': `${CLASSIC_HTTP} ${CLASSIC_HTTP}`,
      'classic 2014 + classic 2014': `${CLASSIC_2014} ${CLASSIC_2014}`,
      'classic tcp + classic': `${CLASSIC_TCP} ${CLASSIC_HTTP}`,
      'nlb v2 + nlb v2': `${NLB_V2} ${NLB_V2}`,
      'nlb v1 + nlb v1': `${NLB_V1} ${NLB_V1}`,
      'connection + connection': `${CONN_12} ${CONN_12}`,
      'connection (11) + connection': `${CONN_11_FAILED} ${CONN_12}`,
      'alb + classic': `${ALB} ${CLASSIC_HTTP}`,
      'three albs': `${ALB} ${ALB} ${ALB}`,
    };
    for (const [name, line] of Object.entries(pairs)) {
      // When parsed, Then the line fails, naming the other record (the raw line goes to the failed index)
      expect(reason(parseLine(line)), name).to.match(/another record|records run together/);
    }
  });

  it('still accepts unknown trailing fields that do not start a record', () => {
    // Given a full ALB line with two future fields appended
    const r = parseLine(`${ALB} "new-field" 42`);
    // Then it is a document with the known fields
    expect(r.kind).to.equal('doc');
    expect((r as { doc: AlbDocument }).doc.request_transform_status).to.equal('TransformSuccess');
  });

  it('fails a line with more fields than any layout (not tokenized past 64)', () => {
    expect(reason(parseLine(`${ALB}${' x'.repeat(40)}`))).to.match(/more than 64 fields/);
  });

  it('fails nonexistent dates and times instead of naming an index after them', () => {
    // Given timestamps of the right shape that are no real instant
    const bad = ['2024-13-01T00:00:00.000000Z', '2024-00-10T00:00:00.000000Z', '2024-04-31T00:00:00.000000Z', '2023-02-29T00:00:00.000000Z',
      '2100-02-29T00:00:00.000000Z', '2024-01-45T00:00:00.000000Z', '2024-01-01T24:00:00.000000Z', '2024-01-01T23:60:00.000000Z', '2024-01-01T23:59:60.000000Z'];
    for (const t of bad) {
      // Then ALB time and request_creation_time both fail the line with the reason
      expect(reason(parseLine(albWith(2, t))), t).to.match(/time: ".*" is not a real date and time/);
      expect(reason(parseLine(albWith(22, t))), t).to.match(/request_creation_time: ".*" is not a real date and time/);
    }
    expect(reason(parseLine(CLASSIC_HTTP.replace('2015-05-13', '2015-02-30')))).to.match(/not a real date/);
    expect(reason(parseLine(NLB_V2.replace('2020-04-01T08:51:42', '2020-04-31T08:51:42')))).to.match(/not a real date/);
    expect(reason(parseLine(CONN_12.replace('NotAfter=2026-06-17', 'NotAfter=2026-06-31')))).to.match(/NotAfter.*not a real date/);
    // And real edge dates still parse: leap days, month ends, the last second of a day
    for (const t of ['2024-02-29T23:59:59.999999Z', '2000-02-29T00:00:00.000000Z', '2024-12-31T00:00:00.000000Z', '2024-04-30T12:00:00.000000Z']) {
      expect(parseLine(albWith(2, t)).kind, t).to.equal('doc');
    }
  });

  it('fails an ALB or NLB line with no time at all (`-`, `""`) with the reason, instead of throwing', () => {
    // Given records whose time field is a sentinel and that have no creation time to fall back on
    const alb = ALB_2016.replace('2016-08-10T23:39:43.065466Z', '-');
    const nlb = NLB_V1.replace('2018-12-20T02:59:40', '""');
    // Then each is a failed line naming the field (it used to throw while naming the index)
    expect(reason(parseLine(alb))).to.equal('time: expected an ISO 8601 timestamp, got "-"');
    expect(reason(parseLine(nlb))).to.equal('time: expected an ISO 8601 timestamp, got "\"\""');
    // And a line with request_creation_time still indexes by it, without `time`, as before
    const r = parseLine(albWith(2, '-'));
    expect(r.kind === 'doc' && r.timestamp).to.equal('2018-07-02T22:22:48.364000Z');
    expect(r.kind === 'doc' && (r.doc as AlbDocument).time).to.equal(undefined);
  });

  it('decodes a run of 150,000 \\xHH escapes without a stack overflow', () => {
    // Given a quoted user agent made of 150,000 escaped bytes (MAX_LINE_BYTES raised to megabytes)
    const agent = '\\x41'.repeat(150_000);
    // When unescaped directly and through the parser
    expect(unescapeAws(agent)).to.equal('A'.repeat(150_000));
    const r = parseLine(albWith(14, `"${agent}"`));
    // Then the field holds the decoded text
    expect((r as { doc: AlbDocument }).doc.user_agent).to.equal('A'.repeat(150_000));
  });

  it('turns a key with a malformed %-encoding into an object with the reason, keeping the others', () => {
    // Given an S3 notification for a bad key and a good one
    const good = 'AWSLogs/1/elasticloadbalancing/eu-west-1/2024/05/28/a.log.gz';
    const event = s3Event({ bucket: 'logs', key: 'placeholder' }, { bucket: 'logs', key: good });
    event.Records[0]!.s3.object.key = 'AWSLogs/1/elasticloadbalancing/%E0%A4%A/x.log.gz'; // as received, not decodable
    // When the objects are read from it
    const objects = objectsFromEvent(event);
    // Then the bad one carries the reason and its key as received, and the good one is decoded
    expect(objects[0]).to.deep.include({ bucket: 'logs', key: 'AWSLogs/1/elasticloadbalancing/%E0%A4%A/x.log.gz' });
    expect(objects[0]!.problem).to.match(/^object key is not valid URL encoding \(URI malformed\)$/);
    expect(objects[1]).to.deep.include({ bucket: 'logs', key: good });
    expect(objects[1]!.problem).to.equal(undefined);
  });
});
