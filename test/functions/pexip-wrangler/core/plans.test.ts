import { expect } from 'chai';
import type { BatchLine } from '../../../../functions/pexip-wrangler/core/batch';
import { exportObjectName, planExportObjects, shardOf } from '../../../../functions/pexip-wrangler/core/exports';
import { planLogEvents, PUT_LOG_EVENTS_LIMITS } from '../../../../functions/pexip-wrangler/core/json-copy';

const T0 = Date.UTC(2024, 0, 2, 0, 0, 0);
function line(epochMs: number, opts: { node?: string; cls?: string; json?: string; group?: string } = {}): BatchLine {
  return { ref: 0, kind: 'support', cls: opts.cls ?? 'support.dns', epochMs, node: opts.node ?? 'n1', json: opts.json ?? '{}', id: String(epochMs), logGroup: opts.group ?? 'Pexip_Nodes_Support_Logs_RAW' };
}

describe('pexip wrangler: JSON copy plan (PutLogEvents limits)', () => {
  it('puts each node and day in its own stream of the _JSON group, in time order', () => {
    const lines = [line(T0 + 5), line(T0 + 1), line(T0 + 3, { node: 'n2' }), line(T0 + 86_400_000)];
    const plan = planLogEvents(lines, '_JSON', (i) => lines[i]!.json);
    expect(plan.map((b) => [b.logGroupName, b.logStreamName, b.lines])).to.deep.equal([
      ['Pexip_Nodes_Support_Logs_JSON', '2024/01/02/n1', [1, 0]],
      ['Pexip_Nodes_Support_Logs_JSON', '2024/01/02/n2', [2]],
      ['Pexip_Nodes_Support_Logs_JSON', '2024/01/03/n1', [3]],
    ]);
  });

  it('cuts calls at 10,000 events and at 1 MiB counting 26 bytes per event', () => {
    const many = Array.from({ length: 10_001 }, (_, i) => line(T0 + i));
    expect(planLogEvents(many, '_JSON', () => 'x').map((b) => b.events.length)).to.deep.equal([10_000, 1]);
    const big = 'y'.repeat(100_000);
    const heavy = Array.from({ length: 11 }, (_, i) => line(T0 + i));
    const sizes = planLogEvents(heavy, '_JSON', () => big).map((b) => b.events.length * (big.length + 26));
    expect(sizes).to.deep.equal([10 * 100_026, 100_026]);
    expect(sizes.every((s) => s <= PUT_LOG_EVENTS_LIMITS.maxBytes)).to.equal(true);
  });
});

describe('pexip wrangler: S3 export plan', () => {
  it('makes one object per class and event day, named by shard and first sequence number', () => {
    const lines = [line(T0), line(T0 + 1, { cls: 'support.sip.received' }), line(T0 + 2), line(T0 + 86_400_000)];
    const name = exportObjectName(shardOf('shardId-000000000007:4959'), '4959');
    expect(planExportObjects(lines, 'pexip/', 'shardId-000000000007', '4959')).to.deep.equal([
      { key: `pexip/support/support_dns/year=2024/month=01/day=02/${name}`, lines: [0, 2] },
      { key: `pexip/support/support_sip_received/year=2024/month=01/day=02/${name}`, lines: [1] },
      { key: `pexip/support/support_dns/year=2024/month=01/day=03/${name}`, lines: [3] },
    ]);
    expect(name).to.equal('shardId-000000000007-4959.json.gz');
  });
});
