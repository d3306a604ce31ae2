import { CreateLogStreamCommand, PutLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { PutBatch } from '../core/json-copy';
import { describeAwsError, isTransientAwsError } from './aws-errors';

const FOURTEEN_DAYS_MS = 14 * 86_400_000;

export type LogsLike = Pick<CloudWatchLogsClient, 'send' | 'destroy'>;

export interface JsonCopyResult {
  events: number;
  streamsCreated: number;
  transient: { batch: PutBatch; reason: string }[];
  /** Whole calls refused for good (no such group, access denied). */
  permanent: { batch: PutBatch; reason: string }[];
  /** Single events CloudWatch refused (too old, older than retention, too new): positions in the batch's lines. */
  rejected: { line: number; reason: string }[];
}

/**
 * Sends the planned PutLogEvents calls (no sequence tokens: the API no longer needs them). A
 * stream is created the first time this container writes to it; `created` remembers which, so a
 * warm container does not ask again. The function never creates groups: the construct owns them.
 */
export async function putJsonCopy(logs: LogsLike, batches: PutBatch[], created: Set<string>, parallel = 4): Promise<JsonCopyResult> {
  const result: JsonCopyResult = { events: 0, streamsCreated: 0, transient: [], permanent: [], rejected: [] };
  const ensureStream = async (b: PutBatch, force = false): Promise<void> => {
    const k = `${b.logGroupName}\n${b.logStreamName}`;
    if (created.has(k) && !force) return;
    try {
      await logs.send(new CreateLogStreamCommand({ logGroupName: b.logGroupName, logStreamName: b.logStreamName }));
      result.streamsCreated++;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ResourceAlreadyExistsException') throw err;
    }
    created.add(k);
  };
  const put = async (b: PutBatch): Promise<void> => {
    await ensureStream(b);
    const command = new PutLogEventsCommand({ logGroupName: b.logGroupName, logStreamName: b.logStreamName, logEvents: b.events });
    let answer;
    try {
      answer = await logs.send(command);
    } catch (err) {
      // The stream was deleted since this container created it: create it again, once.
      if ((err as { name?: string }).name !== 'ResourceNotFoundException' || !(await streamRecreated(b))) throw err;
      answer = await logs.send(command);
    }
    const info = answer.rejectedLogEventsInfo;
    let rejected = 0;
    if (info) {
      const reject = (from: number, to: number, why: string): void => {
        for (let e = from; e < to; e++) {
          result.rejected.push({ line: b.lines[e]!, reason: `CloudWatch Logs refused the event: ${why}` });
          rejected++;
        }
      };
      if (info.tooOldLogEventEndIndex !== undefined) {
        // Documented as exclusive, but some implementations (moto) name the last too-old event:
        // that event is counted too when it is itself older than the 14-day limit.
        let end = info.tooOldLogEventEndIndex;
        if (end < b.events.length && b.events[end]!.timestamp < Date.now() - FOURTEEN_DAYS_MS) end++;
        reject(0, end, 'older than 14 days or than the group retention');
      }
      if (info.expiredLogEventEndIndex !== undefined) reject(info.tooOldLogEventEndIndex ?? 0, info.expiredLogEventEndIndex, 'older than the group retention');
      if (info.tooNewLogEventStartIndex !== undefined) reject(info.tooNewLogEventStartIndex, b.events.length, 'more than 2 hours in the future');
    }
    result.events += b.events.length - rejected;
  };
  const streamRecreated = async (b: PutBatch): Promise<boolean> => {
    try {
      await ensureStream(b, true);
      return true;
    } catch {
      return false;
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const b = batches[next++]!;
      try {
        await put(b);
      } catch (err) {
        const reason = `PutLogEvents to ${b.logGroupName}/${b.logStreamName} failed: ${describeAwsError(err)}`;
        (isTransientAwsError(err) ? result.transient : result.permanent).push({ batch: b, reason });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
  return result;
}
