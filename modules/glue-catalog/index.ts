import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { pexipDatabases, pexipTables } from '../../functions/glue-partitions/core/pexip-tables';
import type { TableSpec } from '../../functions/glue-partitions/core/table-spec';
import type { PexipMetadata } from '../../functions/glue-partitions/core/metadata';
import { KEY_DELETION_WINDOW_DAYS, keyPolicyStatements } from '../common/encryption-key';
import { deployEnvironment } from '../common/environment';
import { HardenedBucket } from '../common/hardened-bucket';
import { policyDocument, trustPolicy } from '../common/iam';
import { useStableLogicalIds } from '../common/logical-ids';
import { deadLetterTable } from './dead-letter-table';
import { ELB_LOG_TYPES, ELB_TABLE_NAMES, elbTables, type ElbLogType } from './elb-tables';
import { crawlerStatements } from './iam';
import { PartitionFunction } from './partition-function';
import { GLUE_CATALOG_DEFAULTS, resolvePexipMetadata, validateGlueCatalogProps, type GlueCatalogProps } from './props';
import { conferencesPerDay, deadLettersByReason, errorLevelSupportLogsPerDay, slowestAlbRequests, topElb5xxTargets, type NamedQuerySpec } from './queries';

export * from './props';
export { ELB_LAYOUTS, ELB_LOG_TYPES, ELB_TABLE_NAMES } from './elb-tables';

/**
 * Terraform reads `${…}` in a string as an interpolation; projection templates need the literal
 * text, so `${name}` becomes `$${name}`. cdktf tokens (`${TfToken[…]}`) are left for cdktf to resolve.
 */
export function escapeTemplate(s: string): string {
  // In a replacement string "$$" is one literal "$": four give the "$$" Terraform reads as a literal "$".
  return s.replace(/\$\{(?!TfToken\[)/g, '$$$${');
}

/**
 * Glue databases and tables for everything the pipeline lands in S3 (the Pexip wrangler's
 * export, the load balancers' logs, the functions' dead letters), with partition projection so
 * no function or crawler has to add partitions; an Athena workgroup with enforced settings,
 * KMS-encrypted results in a hardened bucket, a bytes-scanned cutoff and ready named queries.
 * See README.md for the tables, their location templates, the queries and the defaults.
 */
export class GlueCatalog extends Construct {
  /** Every table, as plain data (what was synthesized). */
  readonly tables: TableSpec[] = [];
  readonly databases: Record<string, GlueCatalogDatabase> = {};
  readonly workgroup: AthenaWorkgroup;
  readonly resultsBucketName: string;
  readonly kmsKeyArn: string;
  readonly namedQueries: NamedQuerySpec[] = [];
  readonly crawlers: GlueCrawler[] = [];
  /** The glue-partitions function, with `pexip.partitions: 'function'`. */
  readonly partitionFunction?: PartitionFunction;

  constructor(scope: Construct, id: string, props: GlueCatalogProps) {
    super(scope, id);
    useStableLogicalIds(this);
    validateGlueCatalogProps(props);
    const d = GLUE_CATALOG_DEFAULTS;
    const { name, tags } = props;
    const env = deployEnvironment(this);
    const a = props.athena ?? {};

    // --- Pexip
    let pexipFunction: { metadata: PexipMetadata; prefix: string; custom: boolean; tables: TableSpec[] } | undefined;
    if (props.pexip) {
      const p = props.pexip;
      const metadata = resolvePexipMetadata(p);
      const prefix = p.prefix ?? d.pexipPrefix;
      for (const db of pexipDatabases(metadata)) this.addDatabase(db.name, `Pexip Infinity ${db.kind} logs exported by the pexip wrangler`);
      const tables = pexipTables({ metadata, bucket: p.bucketName, prefix, projection: p.projectionYears ?? d.projectionYears });
      // With the partition function, the function owns the Pexip tables (Terraform would undo its updates).
      if ((p.partitions ?? d.partitions) === 'projection') this.tables.push(...tables);
      else pexipFunction = { metadata, prefix, custom: p.metadataFile !== undefined || p.metadata !== undefined, tables };
      if (p.crawlers?.enabled) this.addCrawlers(p.bucketName, prefix, pexipDatabases(metadata), p.crawlers.schedule, props, env);
    }

    // --- Load balancers
    const lbDb = props.databases?.loadBalancers ?? d.loadBalancerDatabase;
    if (props.elb) {
      const e = props.elb;
      this.addDatabase(lbDb, 'Load-balancer access and connection logs as AWS writes them');
      const lp = e.logPrefix;
      const prefixOf = (t: ElbLogType): string => {
        const v = typeof lp === 'object' ? lp[t] ?? d.elbLogPrefix : lp ?? d.elbLogPrefix;
        return v ? `${v}/` : '';
      };
      this.tables.push(
        ...elbTables({
          database: lbDb,
          bucket: e.bucketName,
          prefixes: Object.fromEntries(ELB_LOG_TYPES.map((t) => [t, prefixOf(t)])) as Record<ElbLogType, string>,
          accounts: e.accountIds ?? [env.accountId],
          regions: e.regions ?? [env.region],
          firstDay: e.firstDay ?? d.firstDay,
          projection: true,
          types: e.types ?? [...d.elbTypes],
        }),
      );
    }

    // --- Dead letters
    const dlDb = props.databases?.deadLetters ?? d.deadLetterDatabase;
    const dlTables: string[] = [];
    if (props.deadLetters?.length) {
      this.addDatabase(dlDb, 'What the pipeline functions refused, and why');
      for (const s of props.deadLetters) {
        const t = deadLetterTable({ database: dlDb, name: `dead_letters_${s.name}`, bucket: s.bucketName, prefix: s.prefix ?? d.deadLetterPrefix, firstDay: d.firstDay, projection: true });
        dlTables.push(t.name);
        this.tables.push(t);
      }
    }

    for (const t of this.tables) this.addTable(t);

    // --- Athena: key, results bucket, workgroup
    const fnName = props.pexip?.partitionFunction?.functionName ?? `${name}-partitions`;
    const logGroups = pexipFunction ? [`arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:/aws/lambda/${fnName}`] : [];
    this.kmsKeyArn = props.kmsKeyArn ?? this.createKey(name, env, logGroups, tags);
    const results = new HardenedBucket(this, 'results_bucket', {
      bucketName: a.resultsBucketName,
      namePrefix: `${name}-athena-`,
      encryption: { kmsKeyArn: this.kmsKeyArn },
      forceDestroy: a.forceDestroy ?? d.forceDestroy,
      lifecycle: [{ id: 'expire-query-results', prefix: d.resultsPrefix, expirationDays: a.resultsExpirationDays ?? d.resultsExpirationDays }],
      tags,
    });
    this.resultsBucketName = results.bucket.bucket;
    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: a.workgroupName ?? name,
      description: 'Queries over the log catalog: encrypted results, bytes-scanned cutoff, settings enforced',
      state: 'ENABLED',
      forceDestroy: a.forceDestroy ?? d.forceDestroy,
      configuration: {
        // Clients cannot override the output location or turn encryption off.
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: a.bytesScannedCutoffPerQuery ?? d.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: `s3://${results.bucket.bucket}/${d.resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: this.kmsKeyArn },
        },
      },
      tags,
    });

    if (pexipFunction && props.pexip) {
      const pf = pexipFunction;
      this.partitionFunction = new PartitionFunction(this, 'partitions', {
        name,
        env,
        exportBucket: props.pexip.bucketName,
        exportPrefix: pf.prefix,
        databases: pexipDatabases(pf.metadata).map((x) => x.name),
        catalogId: props.pexip.catalogId,
        metadata: pf.custom ? { value: pf.metadata, bucket: results.bucket.bucket, bucketArn: results.bucket.arn, kmsKeyArn: this.kmsKeyArn } : undefined,
        kmsKeyArn: this.kmsKeyArn,
        options: props.pexip.partitionFunction,
        extraPolicyStatements: props.extraPolicyStatements,
        tags,
      });
    }

    // --- Named queries (over the tables of either mode: the function creates the same ones)
    const queries: NamedQuerySpec[] = [];
    const allTables = [...this.tables, ...(pexipFunction?.tables ?? [])];
    if (props.pexip) {
      const supportDb = allTables.find((t) => t.name === 'administrator_conference')?.database;
      if (supportDb) {
        queries.push(conferencesPerDay(supportDb));
        const supportTables = allTables.filter((t) => t.database === supportDb && t.partitionKeys.length === 3).map((t) => t.name);
        queries.push(errorLevelSupportLogsPerDay(supportDb, supportTables));
      }
    }
    if (props.elb && (props.elb.types ?? d.elbTypes).includes('alb')) {
      queries.push(topElb5xxTargets(lbDb, ELB_TABLE_NAMES.alb), slowestAlbRequests(lbDb, ELB_TABLE_NAMES.alb));
    }
    if (dlTables.length) queries.push(deadLettersByReason(dlDb, dlTables));
    for (const q of queries) {
      new AthenaNamedQuery(this, `query_${q.id}`, {
        name: `${name}-${q.id.replace(/_/g, '-')}`,
        description: q.description,
        database: q.database,
        workgroup: this.workgroup.id,
        query: q.sql,
        dependsOn: [this.databases[q.database]],
      });
    }
    this.namedQueries = queries;

    // --- Outputs
    const out = (oid: string, value: string, description: string): void => {
      new TerraformOutput(this, oid, { value, description });
    };
    out('workgroup_name', this.workgroup.name, 'Athena workgroup to run queries in (its settings are enforced)');
    out('results_bucket_name', this.resultsBucketName, 'S3 bucket of the query results (KMS-encrypted, expiring)');
    out('kms_key_arn', this.kmsKeyArn, 'KMS key of the query results: grant kms:Decrypt/GenerateDataKey to query users');
    new TerraformOutput(this, 'database_names', { value: Object.keys(this.databases), description: 'Glue databases of the catalog' });
  }

  private addDatabase(name: string, description: string): void {
    if (this.databases[name]) throw new Error(`GlueCatalog: database ${name} is used twice (rename one in databases or the metadata)`);
    this.databases[name] = new GlueCatalogDatabase(this, `database_${name}`, { name, description });
  }

  private addTable(t: TableSpec): void {
    const db = this.databases[t.database];
    new GlueCatalogTable(this, `table_${t.database}_${t.name}`, {
      databaseName: db.name,
      name: t.name,
      description: t.description,
      tableType: 'EXTERNAL_TABLE',
      parameters: Object.fromEntries(Object.entries(t.parameters).map(([k, v]) => [k, escapeTemplate(v)])),
      partitionKeys: t.partitionKeys.map((c) => ({ name: c.name, type: c.type, comment: c.comment })),
      storageDescriptor: {
        location: t.location,
        inputFormat: t.inputFormat,
        outputFormat: t.outputFormat,
        serDeInfo: { serializationLibrary: t.serde.library, parameters: { ...t.serde.parameters } },
        columns: t.columns.map((c) => ({ name: c.name, type: c.type, comment: c.comment || undefined })),
      },
    });
  }

  private createKey(name: string, env: ReturnType<typeof deployEnvironment>, logGroupArns: string[], tags?: Record<string, string>): string {
    // The account-root delegation (Athena encrypts with the querying principal's own permissions),
    // and CloudWatch Logs for the partition function's log group when there is one.
    const statements = keyPolicyStatements(env, logGroupArns);
    const key = new KmsKey(this, 'key', {
      description: `Glue catalog ${name}: Athena query results${logGroupArns.length ? ' and the partition function logs' : ''}`,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: policyDocument(this, 'key_policy', statements),
      tags,
    });
    new KmsAlias(this, 'key_alias', { name: `alias/${name}-athena`, targetKeyId: key.keyId });
    return key.arn;
  }

  private addCrawlers(
    bucket: string,
    prefix: string,
    dbs: { kind: string; name: string }[],
    schedule: string | undefined,
    props: GlueCatalogProps,
    env: ReturnType<typeof deployEnvironment>,
  ): void {
    const bucketArn = `arn:${env.partition}:s3:::${bucket}`;
    for (const db of dbs) {
      const crawled = `${db.name}_crawled`;
      this.addDatabase(crawled, `Schemas crawled from the Pexip ${db.kind} export (the projected tables are in ${db.name})`);
      const crawlerName = `${props.name}-${db.kind}`;
      const role = new IamRole(this, `crawler_${db.kind}_role`, {
        name: `${crawlerName}-crawler`,
        assumeRolePolicy: trustPolicy(this, `crawler_${db.kind}_trust`, 'glue.amazonaws.com', { StringEquals: { 'aws:SourceAccount': env.accountId } }),
        tags: props.tags,
      });
      new IamRolePolicy(this, `crawler_${db.kind}_policy`, {
        role: role.id,
        policy: policyDocument(this, `crawler_${db.kind}_policy_document`, [
          ...crawlerStatements({ env, bucketArn, prefix: `${prefix}${db.kind}/`, database: crawled, crawlerName }),
          ...(props.extraPolicyStatements ?? []),
        ]),
      });
      this.crawlers.push(
        new GlueCrawler(this, `crawler_${db.kind}`, {
          name: crawlerName,
          role: role.arn,
          databaseName: crawled,
          schedule,
          s3Target: [{ path: `s3://${bucket}/${prefix}${db.kind}/` }],
          schemaChangePolicy: { deleteBehavior: 'LOG', updateBehavior: 'UPDATE_IN_DATABASE' },
          // One table per class folder: the bucket is level 1, then the prefix's segments, the kind, the class.
          configuration: JSON.stringify({ Version: 1, Grouping: { TableLevelConfiguration: `${prefix}${db.kind}/`.split('/').filter(Boolean).length + 2 } }),
          tags: props.tags,
        }),
      );
    }
  }
}
