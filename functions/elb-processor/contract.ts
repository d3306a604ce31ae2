/**
 * The ELB processor's contract with the ElbProcessor construct: environment variable names,
 * defaults, metric names and dead-letter kinds. Both sides import this file; no name or default
 * below is written anywhere else.
 */
import { BULK_BYTES, DEAD_LETTER_ENV, DEFAULT_DEAD_LETTER_PREFIX, TARGET_ENV } from '../shared/contract';

export const ELB_ENV = {
  ...TARGET_ENV,
  ...DEAD_LETTER_ENV,
  /** Longer lines become failed lines (their first bytes kept), {@value ELB_MAX_LINE_BYTES.min}..{@value ELB_MAX_LINE_BYTES.max}. */
  maxLineBytes: 'MAX_LINE_BYTES',
  /** Milliseconds kept free before the Lambda timeout for the summary and cleanup. */
  safetyMarginMs: 'SAFETY_MARGIN_MS',
  /** Added to every document as `environment`. @default none */
  environment: 'ENVIRONMENT',
  /** Added to every document as `component`. @default none */
  component: 'COMPONENT',
  /** Added to every document as `application`. @default none */
  application: 'APPLICATION',
} as const;

export const ELB_DEFAULTS = {
  service: 'es',
  indexPrefix: 'elb',
  // Smaller than the shipper's: a file streams many requests, and two in flight of 2 MiB keep memory flat.
  maxBulkBytes: 2 * 1024 * 1024,
  concurrency: 2,
  gzip: false,
  maxLineBytes: 64 * 1024,
  safetyMarginMs: 10_000,
  deadLetterPrefix: DEFAULT_DEAD_LETTER_PREFIX,
} as const;

export const ELB_MAX_LINE_BYTES = { min: 1024, max: 10 * 1024 * 1024 } as const;
export { BULK_BYTES };

/** EMF metric names the construct's alarms read. */
export const ELB_METRICS = {
  failedLines: 'FailedLines',
  rejectedDocuments: 'RejectedDocuments',
  deadLettered: 'DeadLettered',
  skippedObjects: 'SkippedObjects',
} as const;

export const ELB_DEAD_LETTER_KINDS = { rejected: 'rejected-document' } as const;
