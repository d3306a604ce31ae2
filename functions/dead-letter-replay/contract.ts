/** The replay function's contract with the construct that deploys it (and the CLI's defaults). */
import { DEAD_LETTER_ENV, DEFAULT_DEAD_LETTER_PREFIX, TARGET_ENV } from '../shared/contract';

export const REPLAY_ENV = { ...TARGET_ENV, ...DEAD_LETTER_ENV } as const;
export const REPLAY_DEFAULTS = { prefix: DEFAULT_DEAD_LETTER_PREFIX, indexPrefix: 'cwl' } as const;

/** The function's event: the CLI's filters (every field optional). */
export interface ReplayEvent {
  prefix?: string;
  /** ISO date/time: only objects written at or after it. */
  since?: string;
  reasonMatches?: string;
  dryRun?: boolean;
}
