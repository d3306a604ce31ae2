import { expect } from 'chai';
import { truncateDocument } from '../../../../functions/shared/opensearch';
import { deepJsonMessage as deepDocument } from '../../../factories/messages';

const depthOf = (doc: unknown): number => {
  let d = 0;
  for (let node = doc as Record<string, unknown> | undefined; node && typeof node === 'object'; node = node.a as Record<string, unknown>) d++;
  return d;
};

describe('bulk client: truncation of hostile documents', () => {
  it('cuts the strings of a 4,000-deep document without recursing (shape kept)', () => {
    // Given a 120 KB document nested 4,000 objects deep
    const source = deepDocument(4_000, 'x'.repeat(100_000));
    // When it is truncated to 64 KiB
    const out = truncateDocument(source, 65_536);
    // Then it fits, keeps its nesting and markers, and its one long string is cut
    expect(Buffer.byteLength(out)).to.be.at.most(65_536);
    const doc = JSON.parse(out) as Record<string, unknown>;
    expect(doc).to.include({ '@truncated': true, '@original_bytes': Buffer.byteLength(source) });
    expect(depthOf(doc)).to.equal(4_000);
  });

  it('turns a document too deep to re-serialize into the flat form instead of throwing', () => {
    // Given a document nested 50,000 deep (JSON.stringify recurses and would overflow the stack)
    const source = deepDocument(50_000, 'y'.repeat(10_000));
    // When it is truncated
    const out = truncateDocument(source, 65_536);
    // Then its beginning is kept as text under @message, with the markers
    const doc = JSON.parse(out) as Record<string, unknown>;
    expect(doc).to.include({ '@truncated': true, '@original_bytes': Buffer.byteLength(source) });
    expect(String(doc['@message'])).to.match(/^\{"a":\{"a":.*…\[truncated\]$/);
    expect(Buffer.byteLength(out)).to.be.at.most(65_536);
  });

  it('handles 200,000 string fields (no argument spread of their lengths)', () => {
    // Given a 2 MB document holding 200,000 strings
    const source = JSON.stringify({ list: Array.from({ length: 200_000 }, (_, i) => `value-${i}`) });
    // When truncated to 64 KiB
    const out = truncateDocument(source, 65_536);
    // Then it fits (the flat form: cutting 200,000 short strings cannot make it fit)
    expect(Buffer.byteLength(out)).to.be.at.most(65_536);
    expect(JSON.parse(out)).to.include({ '@truncated': true, '@original_bytes': Buffer.byteLength(source) });
  });

  it('cuts a string under a "__proto__" key like any other (data, not the prototype)', () => {
    // Given a document whose long string sits under "__proto__"
    const source = `{"__proto__":"${'p'.repeat(5_000)}","keep":"me"}`;
    // When truncated to 2 KiB
    const doc = JSON.parse(truncateDocument(source, 2_048)) as Record<string, unknown>;
    // Then the key is still there, its value cut, the short field intact
    expect(Object.getOwnPropertyNames(doc)).to.include.members(['__proto__', 'keep', '@truncated']);
    expect(String(Object.getOwnPropertyDescriptor(doc, '__proto__')!.value)).to.match(/^p+…\[truncated\]$/);
  });
});
