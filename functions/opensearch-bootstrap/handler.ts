import { writeSummary, type LineWriter } from '../shared/metrics';
import type { RestClient } from '../shared/opensearch';
import type { BootstrapConfig } from './config';
import { validateDesiredState, type BootstrapReport, type DesiredState } from './contract';
import { converge } from './converge';

/**
 * The bootstrap handler: validates the desired state, converges the cluster to it, writes one
 * summary line (EMF: Created, Updated, Unchanged, Skipped) and returns the report. A refusal
 * throws, so `aws_lambda_invocation` fails the apply with OpenSearch's reason.
 */
export function createBootstrapHandler(deps: { config: BootstrapConfig; client: RestClient; write?: LineWriter }) {
  return async (event: unknown): Promise<BootstrapReport> => {
    const problems = validateDesiredState(event);
    if (problems.length) throw new Error(`opensearch-bootstrap: invalid desired state: ${problems.join('; ')}`);
    const report = await converge(deps.client, event as DesiredState, deps.config.service);
    const count = (r: string) => report.items.filter((i) => i.result === r).length;
    writeSummary(
      {
        functionName: deps.config.functionName,
        message: report.summary,
        metrics: { Created: count('created'), Updated: count('updated'), Unchanged: count('unchanged'), Skipped: count('skipped') },
        properties: { items: report.items },
      },
      deps.write,
    );
    return report;
  };
}
