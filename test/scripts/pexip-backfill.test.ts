import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { backfill, formatSummary, type ObjectSink } from '../../scripts/pexip-backfill/backfill';
import { parseArgs } from '../../scripts/pexip-backfill/index';
import { fixtureLines } from '../functions/pexip-wrangler/fixtures';

/** An in-memory sink: key → the NDJSON lines written. */
function memorySink(): ObjectSink & { objects: Map<string, string[]> } {
  const objects = new Map<string, string[]>();
  return {
    where: 'memory/',
    objects,
    async put(key, body) {
      objects.set(key, gunzipSync(body).toString('utf8').trim().split('\n'));
    },
  };
}

describe('pexip backfill', () => {
  let dir: string;
  beforeEach(() => {
    // Given a syslog server's folder: plain support file and a rotated, gzip'd audit file
    dir = mkdtempSync(join(tmpdir(), 'pexip-backfill-'));
    mkdirSync(join(dir, 'pxpconf01'));
    writeFileSync(join(dir, 'pxpconf01', '2019-05-11.log'), `${fixtureLines('support.log').join('\n')}\n`);
    writeFileSync(join(dir, 'pxpconf01', 'audispd.log.1.gz'), gzipSync(`${fixtureLines('audit.log').join('\r\n')}\r\n`));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('wrangles plain and gzip files into the export layout and counts lines, classes and parse errors', async () => {
    const sink = memorySink();
    const summary = await backfill({ paths: [dir], sink, prefix: 'pexip/' });
    expect(summary).to.include({ files: 2, linesRead: 28, records: 28, parseErrors: 2, objectsWritten: 24 });
    expect(summary.classes['support.sip.received']).to.equal(2);
    expect(summary.classes.USER_ACCT).to.equal(1);
    // the audit file's kind comes from its name, its CRLF endings are gone
    const acct = sink.objects.get('pexip/audit/user_acct/year=2019/month=05/day=11/backfill-pxpconf01-audispd.log.1.gz-0001.json.gz')!;
    expect(acct.map((l) => (JSON.parse(l) as { raw: string }).raw)).to.deep.equal([fixtureLines('audit.log')[0]]);
    const rest = sink.objects.get('pexip/support/support_rest_received/year=2019/month=05/day=11/backfill-pxpconf01-2019-05-11.log-0001.json.gz')!;
    expect(rest.map((l) => (JSON.parse(l) as { '@timestamp': string })['@timestamp'])).to.deep.equal(['2019-05-11T08:31:00.100Z', '2019-05-11T08:31:01.000Z']);
    expect(formatSummary(summary, 'memory/pexip/').split('\n')[0]).to.equal('backfill: 2 files, 28 lines read, 28 records, 2 parse errors, 24 objects written to memory/pexip/');
  });

  it('writes numbered parts when a folder grows, with the same keys on a second run', async () => {
    const first = memorySink();
    await backfill({ paths: [join(dir, 'pxpconf01', '2019-05-11.log')], sink: first, prefix: 'p/', kind: 'support', partBytes: 1 });
    const conference = [...first.objects.keys()].filter((k) => k.includes('/administrator_conference/'));
    expect(conference).to.deep.equal([1, 2, 3].map((n) => `p/support/administrator_conference/year=2019/month=05/day=11/backfill-pxpconf01-2019-05-11.log-000${n}.json.gz`));
    const second = memorySink();
    await backfill({ paths: [join(dir, 'pxpconf01', '2019-05-11.log')], sink: second, prefix: 'p/', kind: 'support', partBytes: 1 });
    expect([...second.objects.entries()]).to.deep.equal([...first.objects.entries()]);
  });

  it('places a line without a time of its own at the previous line\'s time', async () => {
    writeFileSync(join(dir, 'pxpconf01', 'x.log'), `${fixtureLines('support.log')[0]}\ngarbage without time\n`);
    const sink = memorySink();
    await backfill({ paths: [join(dir, 'pxpconf01', 'x.log')], sink, prefix: 'p/' });
    const [row] = sink.objects.get('p/support/unparsed/year=2019/month=05/day=11/backfill-pxpconf01-x.log-0001.json.gz')!;
    expect(JSON.parse(row!)).to.include({ '@timestamp': '2019-05-11T08:29:33.751Z', system: 'pxpconf01', parse_error: 'not a support line' });
  });

  it('checks its arguments', () => {
    expect(parseArgs([], {})).to.equal('give the syslog files or folders to load');
    expect(parseArgs(['f'], {})).to.equal('give --bucket <name> (or EXPORT_BUCKET) or --out <folder>');
    expect(parseArgs(['--kind', 'x', '--out', 'o', 'f'], {})).to.equal('--kind must be one of support, audit, web');
    expect(parseArgs(['--prefix', '/a', '--out', 'o', 'f'], {})).to.match(/^--prefix must be a relative S3 key prefix/);
    expect(parseArgs(['f', 'g'], { EXPORT_BUCKET: 'b' })).to.deep.equal({ paths: ['f', 'g'], prefix: 'pexip/', bucket: 'b' });
  });
});
