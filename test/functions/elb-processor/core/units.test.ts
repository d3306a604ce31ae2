import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DocumentBuilder, fileId, type FileContext } from '../../../../functions/elb-processor/core/documents';
import { objectsFromEvent } from '../../../../functions/elb-processor/core/events';
import { LineSplitter } from '../../../../functions/elb-processor/core/lines';
import { parseLine } from '../../../../functions/elb-processor/core/parse';
import { classifyKey } from '../../../../functions/elb-processor/core/s3-key';
import type { LineResult } from '../../../../functions/elb-processor/core/types';
import { loadConfig } from '../../../../functions/elb-processor/config';
import { ALB_FULL_FIELDS, NLB_V2 } from '../../../../fixtures/elb/lines';
import { eventBridgeObjectCreated, s3Event } from '../../../factories/s3';
import { describeWithShared, ELB_CORPUS } from '../../../support/shared';

const CORPUS = ELB_CORPUS;

function split(chunks: (string | Buffer)[], max = 1024): [string, number, boolean][] {
  const out: [string, number, boolean][] = [];
  const s = new LineSplitter(max);
  const sink = (l: string, n: number, tooLong: boolean) => out.push([l, n, tooLong]);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c, sink);
  s.end(sink);
  return out;
}

describe('elb-processor: line splitter', () => {
  it('handles LF, CRLF, blank lines and a last line without a terminator', () => {
    expect(split(['a\r\nb\n\nc'])).to.deep.equal([['a', 1, false], ['b', 2, false], ['', 3, false], ['c', 4, false]]);
    expect(split(['a\n'])).to.deep.equal([['a', 1, false]]);
    expect(split([''])).to.deep.equal([]);
  });

  it('gives the same lines whatever the chunk boundaries (including inside CRLF and UTF-8)', () => {
    const text = 'first line\r\nsecond é line\n\nthird\r\nlast';
    const whole = split([text]);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const out: [string, number, boolean][] = [];
      const s = new LineSplitter(1024);
      const sink = (l: string, n: number, t: boolean) => out.push([l, n, t]);
      s.push(bytes.subarray(0, cut), sink);
      s.push(bytes.subarray(cut), sink);
      s.end(sink);
      expect(out, `cut at ${cut}`).to.deep.equal(whole);
    }
  });

  it('ends a line at a lone CR too, so records with old-Mac endings all come out', () => {
    // Given records separated by lone CRs, mixed with CRLF and LF, and a CR as the very last byte
    // Then each record is its own line, numbered in order, and CRLF still ends one line only
    expect(split(['a\rb\r\nc\nd\r'])).to.deep.equal([['a', 1, false], ['b', 2, false], ['c', 3, false], ['d', 4, false]]);
    expect(split(['a\r\rb'])).to.deep.equal([['a', 1, false], ['', 2, false], ['b', 3, false]]);
    // And a CRLF split across chunks is one line end, a CR at a chunk end followed by text another
    expect(split(['a\r', '\nb\r', 'c'])).to.deep.equal([['a', 1, false], ['b', 2, false], ['c', 3, false]]);
    const text = 'one\rtwo\r\nthree\rfour é\r\r\nfive';
    const whole = split([text]);
    expect(whole.map(([l]) => l)).to.deep.equal(['one', 'two', 'three', 'four é', '', 'five']);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) expect(split([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).to.deep.equal(whole);
  });

  it('reports a line longer than the bound with its first bytes, without buffering the rest', () => {
    const long = 'x'.repeat(5000);
    const out = split([`ok\n${long.slice(0, 2000)}`, long.slice(2000), '\nnext\n'], 1024);
    expect(out.map(([l, n, t]) => [l.length, n, t])).to.deep.equal([[2, 1, false], [1024, 2, true], [4, 3, false]]);
  });
});

describe('elb-processor: S3 keys and events', () => {
  it('reads objects from S3 notifications (URL-encoded keys) and EventBridge events', () => {
    const key = 'my prefix/AWSLogs/1/elasticloadbalancing/eu-west-1/2024/05/28/1_elasticloadbalancing_eu-west-1_app.a+b.1_20240528T1340Z_1.2.3.4_x.log.gz';
    expect(objectsFromEvent(s3Event({ bucket: 'logs', key, eTag: 'abc', versionId: 'v1' }))).to.deep.equal([{ bucket: 'logs', key, versionId: 'v1', eTag: 'abc' }]);
    expect(objectsFromEvent(eventBridgeObjectCreated({ bucket: 'logs', key, eTag: 'abc' }))).to.deep.equal([{ bucket: 'logs', key, eTag: 'abc' }]);
    expect(objectsFromEvent(s3Event({ bucket: 'logs', key, eventName: 'ObjectRemoved:Delete' }))).to.deep.equal([]);
    expect(() => objectsFromEvent({ hello: 'world' })).to.throw(/unsupported event/);
  });
});

describeWithShared('elb-processor: S3 keys and events (corpus)', CORPUS, () => {
  it('classifies every example key of the corpus (s3-keys.tsv) as its documented type', () => {
    const rows = readFileSync(resolve(CORPUS, 's3-keys.tsv'), 'utf8').trim().split('\n').slice(1).map((r) => r.split('\t'));
    for (const [key, type] of rows) {
      const k = classifyKey(key!.replace(/^s3:\/\/[^/]+\//, ''));
      if (type === 'control') expect(k, key).to.deep.equal({ kind: 'test-file' });
      else if (type === 'classic') expect(k, key).to.deep.equal({ kind: 'log', type: 'classic', gzip: false });
      else expect(k, key).to.deep.equal({ kind: 'log', type, gzip: true });
    }
    expect(classifyKey('AWSLogs/1/elasticloadbalancing/eu-west-1/2024/01/01/readme.txt').kind).to.equal('other');
    expect(classifyKey('other/thing.log').kind).to.equal('other');
  });
});

describe('elb-processor: documents and config', () => {
  const ctx: FileContext = {
    bucket: 'logs', key: 'AWSLogs/1/x.log.gz', revision: 'etag-1', indexPrefix: 'elb', keyType: 'alb',
    metadata: { environment: 'prod', application: 'shop' },
  };

  it('builds a create item into the daily index of the request time, with S3 origin and metadata', () => {
    const r = parseLine(ALB_FULL_FIELDS.join(' ')) as Extract<LineResult, { kind: 'doc' }>;
    const item = new DocumentBuilder(ctx).document(r, 7);
    expect(item.index).to.equal('elb-alb-2018.07.02');
    expect(item.action).to.equal('create');
    expect(item.id).to.equal(`${fileId('logs', 'AWSLogs/1/x.log.gz', 'etag-1')}.7`);
    const source = JSON.parse(item.source);
    expect(source['@timestamp']).to.equal('2018-07-02T22:22:48.364000Z');
    expect(source.log_type).to.equal('alb');
    expect(source.s3).to.deep.equal({ bucket: 'logs', key: 'AWSLogs/1/x.log.gz', line: 7 });
    expect(source).to.include({ environment: 'prod', application: 'shop', elb_status_code: 200, client_ip: '192.168.131.39' });
    expect(source).to.not.have.property('component');
    const nlb = new DocumentBuilder(ctx).document(parseLine(NLB_V2) as Extract<LineResult, { kind: 'doc' }>, 1);
    expect(nlb.index).to.equal('elb-nlb-2020.04.01');
  });

  it('gives the same ids for the same object revision and new ids for a new revision', () => {
    const a = new DocumentBuilder(ctx).failed('x', 'r', undefined, 3, '2024-01-01T00:00:00.000Z');
    const b = new DocumentBuilder(ctx).failed('x', 'r', undefined, 3, '2024-01-01T00:00:00.000Z');
    const c = new DocumentBuilder({ ...ctx, revision: 'etag-2' }).failed('x', 'r', undefined, 3, '2024-01-01T00:00:00.000Z');
    expect(a.id).to.equal(b.id);
    expect(a.id).to.not.equal(c.id);
    expect(a.index).to.equal('elb-failed');
    expect(JSON.parse(a.source)).to.deep.equal({
      '@timestamp': '2024-01-01T00:00:00.000Z', log_type: 'alb', reason: 'r', raw: 'x',
      s3: { bucket: 'logs', key: 'AWSLogs/1/x.log.gz', line: 3 }, environment: 'prod', application: 'shop',
    });
  });

  it('reads the environment once and names every bad variable', () => {
    const base = { AWS_REGION: 'eu-west-1', DEAD_LETTER_BUCKET: 'dead-letters' };
    const cfg = loadConfig({ ...base, OPENSEARCH_ENDPOINT: 'https://search-x.eu-west-1.es.amazonaws.com', ENVIRONMENT: 'dev' });
    expect(cfg).to.deep.include({ service: 'es', indexPrefix: 'elb', maxBulkBytes: 2 * 1024 * 1024, concurrency: 2, maxLineBytes: 65536, deadLetterPrefix: 'dead-letter/' });
    expect(cfg.metadata).to.deep.equal({ environment: 'dev', component: undefined, application: undefined });
    expect(loadConfig({ ...base, OPENSEARCH_ENDPOINT: 'http://127.0.0.1:9200' }).endpoint).to.equal('http://127.0.0.1:9200');
    expect(() => loadConfig({ OPENSEARCH_ENDPOINT: 'http://search.example.com', OPENSEARCH_SERVICE: 'solr', INDEX_PREFIX: 'Bad', BULK_CONCURRENCY: '0', MAX_BULK_BYTES: '5000' }))
      .to.throw(/OPENSEARCH_ENDPOINT must be an https:\/\/ URL.*OPENSEARCH_SERVICE must be one of es, aoss.*AWS_REGION is required.*INDEX_PREFIX must be a lower-case index name prefix.*MAX_BULK_BYTES must be an integer in 65536..104857600.*BULK_CONCURRENCY must be an integer in 1..32.*DEAD_LETTER_BUCKET is required/);
  });
});
