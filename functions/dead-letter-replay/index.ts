import { OPENSEARCH_SERVICES } from '../shared/contract';
import { createS3Client } from '../shared/dead-letter';
import { lambdaEntry } from '../shared/entry';
import { envReader } from '../shared/env';
import { writeSummary } from '../shared/metrics';
import { REPLAY_DEFAULTS, REPLAY_ENV as E, type ReplayEvent } from './contract';
import { formatSummary, type ReplayOptions, type ReplaySummary } from './core';
import { replay } from './replay';

/**
 * The replay as a Lambda function (invoke it by hand or on a schedule once a cause is fixed):
 * the event carries the CLI's filters, the environment the target and the dead-letter bucket.
 */
export const handler = lambdaEntry((env) => {
  const r = envReader(env, 'dead-letter-replay');
  const base = {
    bucket: r.str(E.deadLetterBucket, { required: true })!,
    prefix: r.str(E.deadLetterPrefix, { default: REPLAY_DEFAULTS.prefix })!,
    endpoint: r.endpoint(E.endpoint),
    service: r.oneOf(E.service, OPENSEARCH_SERVICES, 'es'),
    region: r.str('AWS_REGION', { default: env.AWS_DEFAULT_REGION, required: true })!,
    indexPrefix: r.str(E.indexPrefix, { default: REPLAY_DEFAULTS.indexPrefix })!,
    sign: true,
  };
  r.done();
  const s3 = createS3Client(env);
  return async (event: ReplayEvent = {}): Promise<ReplaySummary> => {
    const since = event.since === undefined ? undefined : new Date(event.since);
    if (since && Number.isNaN(since.getTime())) throw new Error(`since must be a date, got "${event.since}"`);
    const opts: ReplayOptions = { ...base, prefix: event.prefix ?? base.prefix, since, reasonMatches: event.reasonMatches, dryRun: event.dryRun === true };
    const summary = await replay(opts, s3, () => {});
    writeSummary({
      functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? 'dead-letter-replay',
      message: formatSummary(summary, opts.dryRun).split('\n')[0]!,
      metrics: { Replayed: summary.replayed, AlreadyIndexed: summary.alreadyIndexed, StillRefused: summary.stillRefused, Skipped: summary.skipped, DeletedObjects: summary.deletedObjects },
      properties: { refusedReasons: summary.refusedReasons, skippedReasons: summary.skippedReasons },
      level: summary.stillRefused > 0 ? 'WARN' : 'INFO',
    });
    return summary;
  };
});
