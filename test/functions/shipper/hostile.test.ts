import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { decodeRecordData } from '../../../functions/shared/cwl-decode';
import { recordSuffix, renderDocument } from '../../../functions/shipper/core/document';
import { extractFields } from '../../../functions/shipper/core/extract';
import { cwlPayload } from '../../factories/cwl';

/** base64(gzip(bytes)): a record whose payload bytes are exactly these (invalid UTF-8 included). */
const rawRecord = (bytes: Buffer): string => gzipSync(bytes).toString('base64');

describe('shipper core: hostile payloads', () => {
  it('keeps a "__proto__" key as a field in key=value and Lambda JSON messages, never as a prototype', () => {
    // Given messages whose keys include __proto__
    const kv = extractFields('user=bob __proto__=x ok=1');
    const lambda = extractFields('2024-01-02T03:04:05.678Z\tabc-123\tINFO\t{"__proto__":{"polluted":true},"msg":"hi"}');
    // Then __proto__ is an own field with its value and the objects' prototypes are untouched
    expect(Object.getOwnPropertyDescriptor(kv.fields, '__proto__')?.value).to.equal('x');
    expect(Object.keys(kv.fields!)).to.deep.equal(['user', '__proto__', 'ok']);
    expect(Object.getOwnPropertyDescriptor(lambda.fields, '__proto__')?.value).to.deep.equal({ polluted: true });
    expect(Object.getPrototypeOf(lambda.fields)).to.equal(Object.prototype);
    expect((lambda.fields as { polluted?: unknown }).polluted).to.equal(undefined);
    // And the rendered documents carry it, nested as is and at the top level renamed like every `_` key
    const suffix = recordSuffix('1', 'g', 's');
    const nested = renderDocument('1', 0, 'm', suffix, kv, { mode: 'nested', field: 'fields' });
    expect(nested).to.contain('"fields":{"user":"bob","__proto__":"x","ok":"1"}');
    const top = renderDocument('1', 0, 'm', suffix, lambda, { mode: 'top' });
    expect(top).to.contain('"field__proto__":{"polluted":true}');
  });

  it('counts a payload holding invalid UTF-8 instead of replacing it silently', () => {
    // Given a subscription message whose event text holds the byte 0xFF, and one holding a real U+FFFD
    const json = JSON.stringify(cwlPayload(['caf\u00e9 XX']));
    const at = Buffer.from(json).indexOf('XX');
    const invalid = Buffer.from(json);
    invalid[at] = 0xff;
    const bad = decodeRecordData(rawRecord(invalid));
    const honest = decodeRecordData(rawRecord(Buffer.from(JSON.stringify(cwlPayload(['a \uFFFD b'])))));
    // Then the first is flagged (its text carries U+FFFD), the second is not
    expect(bad.kind === 'data' && [bad.invalidUtf8, bad.message.logEvents[0]!.message]).to.deep.equal([true, 'caf\u00e9 \uFFFDX']);
    expect(honest.kind === 'data' && honest.invalidUtf8).to.equal(false);
  });
});
