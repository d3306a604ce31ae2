import { expect } from 'chai';
import type { KinesisStreamRecord } from 'aws-lambda';
import { emptyCounts, transformRecord, type PoisonRecord, type TransformOptions } from '../../../functions/shipper/core/batch';
import type { BulkItem } from '../../../functions/shared/opensearch';
import { decodeRecordData } from '../../../functions/shared/cwl-decode';
import { isoTimestamp, parsePlacement, renderDocument, recordSuffix } from '../../../functions/shipper/core/document';
import { extractFields } from '../../../functions/shipper/core/extract';
import { checkIndexRules, createIndexNamer, globToRegExp } from '../../../functions/shipper/core/index-name';
import { compileExtraPatterns, createMasker } from '../../../functions/shipper/core/mask';
import { toBatchResponse } from '../../../functions/shipper/core/response';
import { cwlPayload, encodePayload, resetCwlIds } from '../../factories/cwl';
import { cwlRecord, kinesisRecord } from '../../factories/kinesis';

/** The handler's per-record loop, collected: every item, poison record and counter of a batch. */
function transformRecords(records: readonly KinesisStreamRecord[], options: TransformOptions) {
  const items: BulkItem<number>[] = [];
  const poison: PoisonRecord[] = [];
  const counts = emptyCounts(records.length);
  const maskedBefore = options.masker.count;
  records.forEach((record, r) => {
    const reason = transformRecord(record.kinesis.data, r, options, counts, items);
    if (reason !== undefined) poison.push({ record: r, reason });
  });
  counts.masked = options.masker.count - maskedBefore;
  return { items, poison, counts };
}

describe('shipper core: decode', () => {
  it('decodes a DATA_MESSAGE and measures it', () => {
    // Given a record carrying two events
    const data = encodePayload(cwlPayload(['a', 'b']));
    // When decoded
    const d = decodeRecordData(data);
    // Then the message and sizes come back
    expect(d.kind).to.equal('data');
    if (d.kind !== 'data') return;
    expect(d.message.logEvents.map((e) => e.message)).to.deep.equal(['a', 'b']);
    expect(d.compressedBytes).to.equal(Buffer.from(data, 'base64').length);
  });

  it('accepts exact numeric event ids (as moto writes them) as their decimal strings', () => {
    const d = decodeRecordData(encodePayload({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', subscriptionFilters: [], logEvents: [{ id: 42, timestamp: 1, message: 'x' }] }));
    expect(d.kind === 'data' && d.message.logEvents[0]!.id).to.equal('42');
  });

  it('recognises control messages', () => {
    expect(decodeRecordData(encodePayload(cwlPayload(1, { messageType: 'CONTROL_MESSAGE' }))).kind).to.equal('control');
  });

  it('names the failing step for poison data', () => {
    const reason = (data: string): string => {
      const d = decodeRecordData(data);
      return d.kind === 'poison' ? d.reason : `not poison: ${d.kind}`;
    };
    expect(reason('!!!not-base64!!')).to.equal('data is not valid base64');
    expect(reason(Buffer.from('plain text, not gzip').toString('base64'))).to.match(/^data is not gzip: /);
    expect(reason(encodePayload('{"truncated": '))).to.match(/^payload is not JSON: /);
    expect(reason(encodePayload({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', logEvents: [{ id: '1', timestamp: 'yesterday', message: 'x' }] })))
      .to.equal('payload is not a CloudWatch Logs subscription message: logEvents[0].timestamp is not a number');
    expect(reason(encodePayload({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', logEvents: [{ id: 1e300, timestamp: 1, message: 'x' }] })))
      .to.match(/logEvents\[0\]\.id is missing, not a string or not an exact integer$/);
    expect(reason(encodePayload({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', logEvents: [{ id: '1', timestamp: 9e15, message: 'x' }] })))
      .to.match(/logEvents\[0\]\.timestamp 9000000000000000 is outside 1970\.\.9999$/);
    expect(reason(encodePayload({ messageType: 'OTHER' }))).to.equal('payload is not a CloudWatch Logs subscription message: messageType is "OTHER"');
    expect(reason(encodePayload([1, 2]))).to.equal('payload is not a CloudWatch Logs subscription message: not an object');
  });
});

describe('shipper core: field extraction', () => {
  it('takes the fields of a JSON object message, keeping types and the one-line text', () => {
    const e = extractFields('{"level":"info","status":200,"nested":{"a":[1,2]}}');
    expect(e).to.deep.equal({ kind: 'json', fields: { level: 'info', status: 200, nested: { a: [1, 2] } }, json: '{"level":"info","status":200,"nested":{"a":[1,2]}}' });
    expect(extractFields('{"a":1}\n')).to.deep.equal({ kind: 'json', fields: { a: 1 } });
    expect(extractFields('{not json}').kind).to.equal('text');
    expect(extractFields('[1,2]').kind).to.equal('text');
  });

  it('splits the Lambda runtime format, with a plain or JSON message', () => {
    expect(extractFields('2024-01-02T03:04:05.678Z\t6f1c0000-9a2b-4c3d-8e4f-000000000000\tWARN\tdisk almost full\n')).to.deep.equal({
      kind: 'lambda', fields: { level: 'WARN', request_id: '6f1c0000-9a2b-4c3d-8e4f-000000000000', message: 'disk almost full' },
    });
    expect(extractFields('2024-01-02T03:04:05.678Z\tr-1\tINFO\t{"orderId":7,"ok":true}').fields).to.deep.equal({ level: 'INFO', request_id: 'r-1', orderId: 7, ok: true });
  });

  it('reads Lambda platform START/REPORT lines', () => {
    // Source: the REPORT line layout from the AWS Lambda documentation ("Using CloudWatch Logs with Lambda").
    const report = 'REPORT RequestId: 79b4f56e-95b1-4643-9700-2807f4e68189\tDuration: 3.58 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tInit Duration: 152.98 ms\t';
    expect(extractFields(report)).to.deep.equal({
      kind: 'platform',
      fields: { type: 'REPORT', request_id: '79b4f56e-95b1-4643-9700-2807f4e68189', duration_ms: 3.58, billed_duration_ms: 4, memory_size_mb: 128, max_memory_used_mb: 71, init_duration_ms: 152.98 },
    });
    expect(extractFields('START RequestId: 79b4f56e-95b1-4643-9700-2807f4e68189 Version: $LATEST').fields).to.deep.equal({ type: 'START', request_id: '79b4f56e-95b1-4643-9700-2807f4e68189' });
  });

  it('collects key=value pairs as strings, unquoting quoted values', () => {
    expect(extractFields('level=info msg="cache refresh \\"done\\"" took=12ms user=bob, ok=true').fields)
      .to.deep.equal({ level: 'info', msg: 'cache refresh "done"', took: '12ms', user: 'bob', ok: 'true' });
    expect(extractFields('GET /search?q=1&page=2 done').kind).to.equal('text');
    expect(extractFields('just words').fields).to.equal(undefined);
  });
});

describe('shipper core: masking', () => {
  const mask = (text: string, extra: RegExp[] = []): [string, number] => {
    const m = createMasker(extra);
    return [m.mask(text), m.count];
  };

  it('masks AWS access key ids, sensitive key values, bearer tokens and JWTs', () => {
    // Fake credentials: the AWS documentation's example key id, and a JWT built for this test.
    expect(mask('using key AKIAIOSFODNN7EXAMPLE for upload')).to.deep.equal(['using key [MASKED] for upload', 1]);
    expect(mask('login user=bob password=hunter2 db_password: s3cr3t ok')).to.deep.equal(['login user=bob password=[MASKED] db_password: [MASKED] ok', 2]);
    expect(mask('{"user":"bob","password":"hunter2","apiKey":"abc","token":null,"n":1}'))
      .to.deep.equal(['{"user":"bob","password":"[MASKED]","apiKey":"[MASKED]","token":"[MASKED]","n":1}', 3]);
    expect(mask('Authorization: Bearer abc.def.ghi1234')).to.deep.equal(['Authorization: [MASKED]', 1]);
    expect(mask('curl -H "bearer 0123456789abcdef"')).to.deep.equal(['curl -H "bearer [MASKED]"', 1]);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(mask(`session ${jwt} accepted`)).to.deep.equal(['session [MASKED] accepted', 1]);
  });

  it('leaves ordinary messages alone and keeps JSON parseable', () => {
    expect(mask('tokens used: 5, basic plan, secretary desk')).to.deep.equal(['tokens used: 5, basic plan, secretary desk', 0]);
    const [out] = mask('{"client_secret":"x\\"y","nested":{"ok":1}}');
    expect(JSON.parse(out)).to.deep.equal({ client_secret: '[MASKED]', nested: { ok: 1 } });
  });

  it('applies extra patterns, given as source or /source/flags', () => {
    const extra = compileExtraPatterns(['\\b\\d{4}-\\d{4}-\\d{4}-\\d{4}\\b', '/ssn:\\s*\\d+/i']);
    expect(mask('card 4111-1111-1111-1111 SSN: 123456789', extra)).to.deep.equal(['card [MASKED] [MASKED]', 2]);
    expect(() => compileExtraPatterns(['(unclosed'])).to.throw(/pattern \[0\] "\(unclosed"/);
    expect(() => compileExtraPatterns(['a*'])).to.throw(/matches the empty string/);
  });
});

describe('shipper core: documents', () => {
  const suffix = recordSuffix('123456789012', '/aws/lambda/orders', 'stream-1');

  it('renders the blueprint fields with extracted fields nested by default', () => {
    const doc = JSON.parse(renderDocument('3627', Date.UTC(2024, 0, 2, 3, 4, 5, 6), 'level=info a=b', suffix, extractFields('level=info a=b'), { mode: 'nested', field: 'fields' }));
    expect(doc).to.deep.equal({
      '@id': '3627', '@timestamp': '2024-01-02T03:04:05.006Z', '@message': 'level=info a=b', '@owner': '123456789012',
      '@log_group': '/aws/lambda/orders', '@log_stream': 'stream-1', fields: { level: 'info', a: 'b' },
    });
  });

  it('puts fields at the top level when asked, renaming clashes and metadata names, never _type', () => {
    const message = '{"_type":"doc","_id":"x","@timestamp":"then","level":"error","":1}';
    const text = renderDocument('1', 0, message, suffix, extractFields(message), { mode: 'top' });
    const doc = JSON.parse(text);
    expect(doc).to.include({ '@timestamp': '1970-01-01T00:00:00.000Z', field_type: 'doc', field_id: 'x', 'field@timestamp': 'then', level: 'error', field: 1 });
    expect(Object.keys(doc).filter((k) => k.startsWith('_'))).to.deep.equal([]);
  });

  it('formats timestamps as toISOString does, across seconds and odd values', () => {
    for (const ts of [0, 999, 1000, 1704164645678, 1704164645001, 1704164646010, 1.5, -1, 253402300800000]) {
      expect(isoTimestamp(ts), String(ts)).to.equal(new Date(ts).toISOString());
    }
  });

  it('parses placements', () => {
    expect(parsePlacement('top')).to.deep.equal({ mode: 'top' });
    expect(parsePlacement('nested')).to.deep.equal({ mode: 'nested', field: 'fields' });
    expect(parsePlacement('nested:log')).to.deep.equal({ mode: 'nested', field: 'log' });
    expect(parsePlacement('flat')).to.match(/must be "top", "nested"/);
  });
});

describe('shipper core: index names', () => {
  it('uses the first matching rule, else the default prefix, and the UTC day', () => {
    const namer = createIndexNamer('cwl', [
      { logGroupPattern: '/aws/lambda/payments-*', indexPrefix: 'payments' },
      { logGroupPattern: '/aws/lambda/*', indexPrefix: 'lambda' },
      { logGroupPattern: '/ecs/?pi', indexPrefix: 'api' },
    ]);
    expect(['/aws/lambda/payments-eu', '/aws/lambda/orders', '/ecs/api', '/ecs/apix', 'other'].map((g) => namer.prefixFor(g)))
      .to.deep.equal(['payments', 'lambda', 'api', 'cwl', 'cwl']);
    expect(namer.indexFor('cwl', Date.UTC(2024, 11, 31, 23, 59, 59, 999))).to.equal('cwl-2024.12.31');
    expect(namer.indexFor('cwl', Date.UTC(2025, 0, 1))).to.equal('cwl-2025.01.01');
  });

  it('escapes regex characters in globs and validates rules', () => {
    expect(globToRegExp('/a.b/(x)*').test('/a.b/(x)yz')).to.equal(true);
    expect(globToRegExp('/a.b/*').test('/aXb/c')).to.equal(false);
    expect(checkIndexRules([{ logGroupPattern: '/x/*', indexPrefix: 'x' }])).to.deep.equal([{ logGroupPattern: '/x/*', indexPrefix: 'x' }]);
    expect(checkIndexRules({})).to.match(/must be a JSON array/);
    expect(checkIndexRules([{ logGroupPattern: '/x', indexPrefix: 'Upper' }])).to.match(/\[0\]\.indexPrefix must be/);
  });
});

describe('shipper core: batch transform and response', () => {
  const options = (over: Partial<TransformOptions> = {}): TransformOptions => ({
    namer: createIndexNamer('cwl', []), masker: createMasker(), placement: { mode: 'nested', field: 'fields' }, idMode: 'create-with-id', ...over,
  });
  beforeEach(() => resetCwlIds());

  it('emits one create item per event with the event id, skipping control messages, listing poison records', () => {
    // Given a data record, a control record and a poison record
    const records = [cwlRecord(['a password=x', 'b']), cwlRecord(1, { messageType: 'CONTROL_MESSAGE' }), kinesisRecord('garbage!')];
    // When transformed
    const b = transformRecords(records, options());
    // Then two items reference record 0, the poison one is listed, counters add up
    expect(b.items.map((i) => [i.action, i.id, i.index, i.ref])).to.deep.equal([
      ['create', `3${'1'.padStart(55, '0')}`, 'cwl-2024.01.02', 0],
      ['create', `3${'2'.padStart(55, '0')}`, 'cwl-2024.01.02', 0],
    ]);
    expect(JSON.parse(b.items[0]!.source)['@message']).to.equal('a password=[MASKED]');
    expect(b.poison).to.deep.equal([{ record: 2, reason: 'data is not valid base64' }]);
    expect(b.counts).to.include({ records: 3, controlMessages: 1, poisonRecords: 1, events: 2, masked: 1 });
  });

  it('turns a record whose message cannot be rendered into poison instead of throwing', () => {
    // Given a JSON message nested deeper than JSON.stringify's stack, with top-level placement
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const records = [cwlRecord(['fine']), cwlRecord(['ok', deep])];
    // When transformed
    const b = transformRecords(records, options({ placement: { mode: 'top' } }));
    // Then the first record's item stays, the second record is poison as a whole
    expect(b.items.map((i) => i.ref)).to.deep.equal([0]);
    expect(b.poison).to.have.length(1);
    expect(b.poison[0]!.record).to.equal(1);
    expect(b.poison[0]!.reason).to.match(/^transform failed: Maximum call stack size exceeded/);
  });

  it('uses index without id for OpenSearch Serverless time-series collections', () => {
    const b = transformRecords([cwlRecord(['x'])], options({ idMode: 'index-without-id' }));
    expect(b.items[0]).to.include({ action: 'index' });
    expect(b.items[0]!.id).to.equal(undefined);
    expect(JSON.parse(b.items[0]!.source)['@id']).to.equal(`3${'1'.padStart(55, '0')}`);
  });

  it('reports each failed record once, in batch order', () => {
    expect(toBatchResponse(['s0', 's1', 's2'], [2, 0, 2])).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 's0' }, { itemIdentifier: 's2' }] });
    expect(toBatchResponse(['s0'], [])).to.deep.equal({ batchItemFailures: [] });
  });
});
