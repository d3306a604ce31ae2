import type { DeployEnvironment } from '../common/environment';
import type { PolicyStatement } from '../common/iam';

export interface CrawlerStatementsInput {
  readonly env: DeployEnvironment;
  readonly bucketArn: string;
  /** Key prefix the crawler reads (`pexip/support/`). */
  readonly prefix: string;
  /** The database the crawler writes to. */
  readonly database: string;
  readonly crawlerName: string;
}

/**
 * What a Pexip crawler does: read its kind's objects, write tables and partitions in its own
 * `_crawled` database only, and log to its own log stream group.
 */
export function crawlerStatements(i: CrawlerStatementsInput): PolicyStatement[] {
  const { env } = i;
  const glue = `arn:${env.partition}:glue:${env.region}:${env.accountId}`;
  return [
    { sid: 'ListExport', actions: ['s3:ListBucket'], resources: [i.bucketArn], conditions: { StringLike: { 's3:prefix': [`${i.prefix}*`] } } },
    { sid: 'ReadExport', actions: ['s3:GetObject'], resources: [`${i.bucketArn}/${i.prefix}*`] },
    {
      sid: 'WriteCrawledTables',
      actions: [
        'glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable',
        'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition', 'glue:BatchCreatePartition', 'glue:UpdatePartition', 'glue:BatchUpdatePartition',
      ],
      resources: [`${glue}:catalog`, `${glue}:database/${i.database}`, `${glue}:table/${i.database}/*`],
      wildcardReason: 'the crawler creates tables it names itself, all inside its own database',
    },
    {
      sid: 'CrawlerLogs',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:/aws-glue/crawlers:log-stream:${i.crawlerName}*`, `arn:${env.partition}:logs:${env.region}:${env.accountId}:log-group:/aws-glue/crawlers:*`],
      wildcardReason: 'Glue crawlers log to the shared /aws-glue/crawlers group, one stream per crawler name',
    },
  ];
}
