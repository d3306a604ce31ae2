import { expect } from 'chai';
import {
  actionLine, classifyItemStatus, classifyRequestStatus, cutUtf8, fullJitterDelay, parseBulkResponse, truncateDocument,
} from '../../../../functions/shared/opensearch';

describe('bulk action lines (pure)', () => {
  it('renders action lines for create with id and index without id, escaping odd names', () => {
    expect(actionLine({ action: 'create', index: 'cwl-2024.01.02', id: '3627' })).to.equal('{"create":{"_index":"cwl-2024.01.02","_id":"3627"}}\n');
    expect(actionLine({ action: 'index', index: 'logs' })).to.equal('{"index":{"_index":"logs"}}\n');
    expect(actionLine({ action: 'create', index: 'a', id: 'q"\\' })).to.equal('{"create":{"_index":"a","_id":"q\\"\\\\"}}\n');
  });
});

describe('truncation policy (pure)', () => {
  it('returns a fitting document unchanged', () => {
    expect(truncateDocument('{"a":1}', 100)).to.equal('{"a":1}');
  });

  it('cuts the longest strings, keeps the rest, adds the markers', () => {
    const source = JSON.stringify({ '@id': '1', '@message': 'm'.repeat(5000), fields: { detail: 'd'.repeat(3000), n: 5 } });
    const out = truncateDocument(source, 2048);
    expect(Buffer.byteLength(out)).to.be.at.most(2048);
    const doc = JSON.parse(out);
    expect(doc).to.include({ '@truncated': true, '@original_bytes': source.length, '@id': '1' });
    expect(doc.fields.n).to.equal(5);
    expect(doc['@message']).to.match(/^m+…\[truncated\]$/);
  });

  it('falls back to a prefix of the text for non-objects and many small fields', () => {
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])));
    const out = JSON.parse(truncateDocument(many, 1024));
    expect(out['@truncated']).to.equal(true);
    expect(out['@message'].startsWith('{"k0":0')).to.equal(true);
    expect(Buffer.byteLength(truncateDocument('"' + 'x'.repeat(5000) + '"', 600))).to.be.at.most(600);
  });

  it('never splits a multi-byte character', () => {
    expect(cutUtf8('ééé', 3)).to.equal('é');
    expect(cutUtf8('a😀b', 3)).to.equal('a');
  });
});

describe('bulk answer classification (pure)', () => {
  it('classifies item statuses', () => {
    expect([201, 200, 409, 429, 503, 400, 404, 500].map((s) => classifyItemStatus(s, 'create')))
      .to.deep.equal(['indexed', 'indexed', 'duplicate', 'transient', 'transient', 'permanent', 'permanent', 'permanent']);
    expect(classifyItemStatus(409, 'index')).to.equal('permanent');
    // A dynamic-mapping race between concurrent requests is retried; a real mapping error is not.
    expect(classifyItemStatus(400, 'create', 'illegal_argument_exception: mapper [fields.n] cannot be changed from type [text] to [long]')).to.equal('transient');
    expect(classifyItemStatus(400, 'create', 'mapper_parsing_exception: failed to parse field [fields.n] of type [long]')).to.equal('permanent');
    // The same conflict again on the item's retry is the document against itself (`a.b` and `a: {b}` typed differently): permanent
    const race = 'illegal_argument_exception: mapper [fields.a.b] cannot be changed from type [text] to [long]';
    expect(classifyItemStatus(400, 'create', race, race)).to.equal('permanent');
    expect(classifyItemStatus(400, 'create', race, 'illegal_argument_exception: mapper [fields.n] cannot be changed from type [text] to [long]')).to.equal('transient');
  });

  it('classifies whole-request statuses', () => {
    expect([413, 429, 500, 502, 503, 504, 0, 401, 403, 400, 404].map(classifyRequestStatus))
      .to.deep.equal(['split', 'retry', 'retry', 'retry', 'retry', 'retry', 'retry', 'defer', 'defer', 'reject', 'reject']);
  });

  it('takes the fast path on errors:false and maps items otherwise', () => {
    expect(parseBulkResponse('{"took":3,"errors":false,"items":[{"create":{"status":201}}]}', 1)).to.equal('all-ok');
    const r = parseBulkResponse(JSON.stringify({ took: 1, errors: true, items: [
      { create: { status: 201 } },
      { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad', caused_by: { type: 'x', reason: 'y' } } } },
    ] }), 2);
    expect(r).to.deep.equal([{ status: 201 }, { status: 400, error: 'mapper_parsing_exception: bad (caused by x: y)' }]);
    expect(() => parseBulkResponse('{"errors":true,"items":[]}', 2)).to.throw(/0 items for 2/);
  });

  it('draws full-jitter delays below a doubling, capped ceiling', () => {
    expect([1, 2, 3, 10].map((a) => fullJitterDelay(a, 100, 1000, () => 0.999))).to.deep.equal([99, 199, 399, 999]);
    expect(fullJitterDelay(4, 100, 1000, () => 0)).to.equal(0);
  });
});
