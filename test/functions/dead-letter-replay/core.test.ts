import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { parseArgs, planObject } from '../../../functions/dead-letter-replay/core';

const entry = (e: Record<string, unknown>) => JSON.stringify({ source: { type: 'kinesis', sequenceNumber: '1' }, ...e });

describe('dead-letter replay core', () => {
  it('reads its options, with the target from the environment, and refuses mistakes with the usage', () => {
    const o = parseArgs(['--bucket', 'b', '--since', '2024-05-28T00:00:00Z', '--dry-run'], { OPENSEARCH_ENDPOINT: 'https://x', AWS_REGION: 'eu-west-1' });
    expect(o).to.deep.include({ bucket: 'b', prefix: 'dead-letter/', dryRun: true, endpoint: 'https://x', service: 'es', region: 'eu-west-1', sign: true });
    expect(o.since?.toISOString()).to.equal('2024-05-28T00:00:00.000Z');
    expect(() => parseArgs(['--endpoint', 'https://x'], {})).to.throw(/--bucket is required\nusage:/);
    expect(() => parseArgs(['--bucket', 'b', '--nope', '1'], { OPENSEARCH_ENDPOINT: 'https://x' })).to.throw(/unknown option --nope/);
    expect(() => parseArgs(['--bucket', 'b', '--since', 'yesterday'], { OPENSEARCH_ENDPOINT: 'https://x' })).to.throw(/--since must be a date/);
  });

  it('turns documents into create-with-id items, decodes poison records again, and says why the rest is skipped', () => {
    // Given an object with a rejected document, one without id, a poison record that now decodes, one that does not, and a broken line
    const message = { messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/app', logStream: 's', subscriptionFilters: ['f'], logEvents: [{ id: '3771', timestamp: Date.UTC(2024, 4, 28), message: '{"a":1}' }] };
    const data = gzipSync(Buffer.from(JSON.stringify(message))).toString('base64');
    const text = [
      entry({ reason: 'mapper_parsing_exception', status: 400, index: 'cwl-2024.05.28', id: 'x', document: '{"a":1}' }),
      entry({ reason: 'mapper_parsing_exception', status: 400, index: 'cwl-2024.05.28', document: '{"a":1}' }),
      entry({ reason: 'gzip', data }),
      entry({ reason: 'gzip', data: Buffer.from('not gzip').toString('base64') }),
      '{broken',
      '',
    ].join('\n');
    // When it is planned
    const plan = planObject('k', text, { indexPrefix: 'cwl' });
    // Then two items go out (both create with an id), and three lines are skipped with their reasons
    expect(plan.items.map((i) => [i.index, i.id, i.action, i.ref.line])).to.deep.equal([['cwl-2024.05.28', 'x', 'create', 1], ['cwl-2024.05.28', '3771', 'create', 3]]);
    expect(JSON.parse(plan.items[1]!.source)).to.deep.include({ '@log_group': '/app', fields: { a: 1 } });
    expect(plan.skipped.map((s) => [s.line, s.reason.slice(0, 32)])).to.deep.equal([[2, 'no _id: replaying could index it'], [4, 'poison record still undecodable:'], [5, 'not a JSON dead-letter entry']]);
  });

  it('leaves out entries whose reason does not contain the text, counting them', () => {
    const text = [entry({ reason: 'A mapper_parsing_exception', index: 'i', id: '1', document: '{}' }), entry({ reason: 'other', index: 'i', id: '2', document: '{}' })].join('\n');
    const plan = planObject('k', text, { indexPrefix: 'cwl', reasonMatches: 'MAPPER' });
    expect([plan.items.map((i) => i.id), plan.filteredOut]).to.deep.equal([['1'], 1]);
  });
});
