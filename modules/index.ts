/** The package's entry point: every construct, and the shared pieces a user composes with them. */
export * from './log-pipeline';
export * from './elb-processor';
export { BundledFunction, LOG_RETENTION_DAYS, type BundledFunctionProps, type BundledFunctionVpc, type FunctionOptions } from './common/bundled-function';
export type { AlarmsOption } from './common/alarms';
export type { DeadLetterOptions } from './common/dead-letter';
export type { OpenSearchTarget } from './common/opensearch-target';
export type { PolicyStatement, PolicyConditions, PolicyPrincipals } from './common/iam';
