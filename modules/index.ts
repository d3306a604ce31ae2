/** The package's entry point: every construct, and the shared pieces a user composes with them. */
export * from './log-pipeline';
export * from './elb-processor';
// Named, not `*`: its DEFAULTS and validate would clash with the log pipeline's.
export { PexipIngest, cloudWatchAgentConfig, rsyslogConfig, DEFAULTS as PEXIP_INGEST_DEFAULTS, type PexipIngestProps, type ExportOptions, type JsonCopyOptions, type AgentOptions } from './pexip-ingest';
export { GlueCatalog, GLUE_CATALOG_DEFAULTS, type GlueCatalogProps, type PexipCatalogOptions, type ElbCatalogOptions, type AthenaOptions } from './glue-catalog';
export { BundledFunction, LOG_RETENTION_DAYS, type BundledFunctionProps, type BundledFunctionVpc, type FunctionOptions } from './common/bundled-function';
export type { AlarmsOption } from './common/alarms';
export type { DeadLetterOptions } from './common/dead-letter';
export type { OpenSearchTarget } from './common/opensearch-target';
export type { PolicyStatement, PolicyConditions, PolicyPrincipals } from './common/iam';
export * from './opensearch';
