import { expect } from 'chai';
import { ELB_METRICS } from '../../../functions/elb-processor/contract';
import type { ObjectSummary } from '../../../functions/elb-processor/handler';
import { logObjectSummary } from '../../../functions/elb-processor/report';

const summary = (status: ObjectSummary['status']): ObjectSummary => ({ bucket: 'b', key: 'k', status, durationMs: 3 });

describe('elb-processor: per-object summary line', () => {
  it('counts skipped objects for the alarm, except the test file ELB writes when logging is turned on', () => {
    // Given one object of each skip kind
    const lines = (['skipped-not-a-log', 'skipped-missing', 'skipped-test-file'] as const).map((s) => JSON.parse(logObjectSummary('elb', summary(s), () => undefined)) as Record<string, unknown>);
    // Then the two unexpected skips carry the alarm's metric, the test file does not
    expect(lines.map((l) => l[ELB_METRICS.skippedObjects])).to.deep.equal([1, 1, undefined]);
    expect(lines[2]).to.include({ TestFiles: 1, status: 'skipped-test-file' });
    // And the metric is declared in the EMF block, so CloudWatch extracts it
    const declared = (l: Record<string, unknown>) => ((l._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics[0]!.Metrics.map((m) => m.Name));
    expect(declared(lines[0]!)).to.include(ELB_METRICS.skippedObjects);
    expect(declared(lines[2]!)).to.not.include(ELB_METRICS.skippedObjects);
  });

  it('names dead-lettered documents with the contract metric the alarm reads', () => {
    const line = JSON.parse(logObjectSummary('elb', { ...summary('processed'), deadLettered: 2, counts: {
      lines: 3, parsed: 3, failed: 0, blank: 0, control: 0, indexed: 1, duplicates: 0, rejected: 2, transient: 0, bytes: 10, invalidUtf8Lines: 0, compressedBytes: 5, requests: 1, retries: 0, corrupt: false,
    } }, () => undefined)) as Record<string, unknown>;
    expect(line).to.include({ [ELB_METRICS.deadLettered]: 2, [ELB_METRICS.rejectedDocuments]: 2, level: 'WARN' });
  });
});
