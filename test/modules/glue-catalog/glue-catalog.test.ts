import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { GlueCatalog, type GlueCatalogProps } from '../../../modules/glue-catalog';
import { defaultPexipMetadata } from '../../../functions/glue-partitions/core/default-metadata';
import { parseHiveType } from '../../../functions/glue-partitions/core/hive-types';
import { correctedStruct } from '../../../functions/glue-partitions/core/pexip-tables';
import { classTableName } from '../../../functions/pexip-wrangler/contract';
import { allStatements, resourcesOf, synth, type TfJson } from '../../support/synth';

const PROPS: GlueCatalogProps = {
  name: 'logs-catalog',
  pexip: { bucketName: 'pexip-export' },
  elb: { bucketName: 'elb-logs', logPrefix: 'alb' },
  deadLetters: [{ name: 'elb', bucketName: 'elb-dead-letters' }],
};

const synthCatalog = (p: GlueCatalogProps = PROPS): TfJson => synth((scope) => new GlueCatalog(scope, 'catalog', p));
const tablesOf = (tf: TfJson) => Object.values(resourcesOf(tf, 'aws_glue_catalog_table'));
/** Terraform turns `$${` into a literal `${`: what Glue will store. */
const unescape = (s: string) => s.replace(/\$\$\{/g, '${');

/** Parses partition projection parameters the way Athena does; throws on any inconsistency. */
function checkProjection(table: Record<string, any>): string[] {
  const p: Record<string, string> = table.parameters;
  expect(p['projection.enabled'], table.name).to.equal('true');
  const keys: string[] = table.partition_keys.map((k: any) => k.name);
  for (const k of keys) {
    const type = p[`projection.${k}.type`];
    expect(['integer', 'enum', 'date', 'injected'], `${table.name}.${k}`).to.include(type);
    if (type === 'integer') {
      const [lo, hi] = p[`projection.${k}.range`].split(',').map(Number);
      expect(Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi, `${table.name}.${k} range`).to.equal(true);
      if (p[`projection.${k}.digits`] !== undefined) expect(Number(p[`projection.${k}.digits`])).to.be.within(1, 4);
    }
    if (type === 'date') {
      expect(p[`projection.${k}.format`]).to.equal('yyyy/MM/dd');
      expect(p[`projection.${k}.range`]).to.match(/^\d{4}\/\d{2}\/\d{2},NOW$/);
      expect(p[`projection.${k}.interval.unit`]).to.equal('DAYS');
    }
    if (type === 'enum') expect(p[`projection.${k}.values`]).to.be.a('string').and.not.equal('');
  }
  // The template (after Terraform's unescape) uses every key once, and starts at the table's location
  const template = unescape(p['storage.location.template']);
  const used = [...template.matchAll(/\$\{([a-z_]+)\}/g)].map((m) => m[1]).sort();
  expect(used, `${table.name} template ${template}`).to.deep.equal([...keys].sort());
  expect(template.startsWith(table.storage_descriptor.location), template).to.equal(true);
  return keys;
}

describe('GlueCatalog (synth)', function () {
  this.timeout(60_000);
  let tf: TfJson;
  before(() => {
    tf = synthCatalog();
  });

  it('every metadata class has a table in its database with projection parameters that parse', () => {
    // Given the bundled metadata's classes
    const m = defaultPexipMetadata();
    const tables = tablesOf(tf);
    for (const kind of ['support', 'audit'] as const) {
      const k = m[kind]!;
      for (const cls of new Set([...k.log_names, ...Object.keys(k.log_struct)])) {
        // Then a table named as the original names it, in the kind's database
        const t = tables.find((x) => x.name === classTableName(cls) && x.database_name.includes(k.glue_database_name));
        expect(t, `${k.glue_database_name}.${classTableName(cls)}`).to.not.equal(undefined);
        expect(checkProjection(t!)).to.deep.equal(['year', 'month', 'day']);
        // And its log_message struct is the class's struct
        const logMessage = t!.storage_descriptor.columns.find((c: any) => c.name === 'log_message');
        expect(logMessage.type).to.equal(correctedStruct(kind, k.log_struct[cls]));
        // (the original's struct, with the documented corrections only)
        expect(parseHiveType(logMessage.type).kind).to.equal('struct');
      }
    }
  });

  it('every table of the stack has parsable projection and the right SerDe', () => {
    const tables = tablesOf(tf);
    expect(tables.length).to.equal(24 + 31 + 3 + 4 + 1);
    for (const t of tables) {
      checkProjection(t);
      const serde = t.storage_descriptor.ser_de_info;
      if (serde.serialization_library === 'org.openx.data.jsonserde.JsonSerDe') expect(serde.parameters['ignore.malformed.json']).to.equal('TRUE');
      else {
        expect(serde.serialization_library).to.equal('org.apache.hadoop.hive.serde2.RegexSerDe');
        // One capture group per column: Athena refuses a table where they differ
        const groups = (serde.parameters['input.regex'].match(/\((?!\?)/g) ?? []).length;
        expect(groups, t.name).to.equal(t.storage_descriptor.columns.length);
      }
    }
  });

  it('load-balancer tables read AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/MM/dd under the prefix', () => {
    const alb = tablesOf(tf).find((t) => t.name === 'alb_access_logs')!;
    // Terraform must read the projection placeholders literally: escaped as $${…} in the JSON
    expect(alb.parameters['storage.location.template']).to.equal('s3://elb-logs/alb/AWSLogs/$${account}/elasticloadbalancing/$${region}/$${day}/');
    expect(unescape(alb.parameters['storage.location.template'])).to.equal('s3://elb-logs/alb/AWSLogs/${account}/elasticloadbalancing/${region}/${day}/');
    expect(alb.parameters['projection.account.values']).to.match(/^\$\{data\.aws_caller_identity\.[a-z_]+\.account_id\}$/);
  });

  it('the dead-letter table reads the shared dead-letter layout by day', () => {
    const dl = tablesOf(tf).find((t) => t.name === 'dead_letters_elb')!;
    expect(dl.database_name).to.contain('gluedb_pipeline_dead_letters');
    expect(unescape(dl.parameters['storage.location.template'])).to.equal('s3://elb-dead-letters/dead-letter/${day}/');
    expect(dl.storage_descriptor.ser_de_info.parameters).to.include({ 'mapping.function_name': 'function', 'mapping.request_id': 'requestid' });
  });

  it('the workgroup enforces KMS-encrypted results in the catalog bucket, with a bytes-scanned cutoff', () => {
    const [, wg] = Object.entries(resourcesOf(tf, 'aws_athena_workgroup'))[0];
    const c = wg.configuration;
    expect(c.enforce_workgroup_configuration).to.equal(true);
    expect(c.bytes_scanned_cutoff_per_query).to.equal(10 * 1024 ** 3);
    expect(c.result_configuration.encryption_configuration.encryption_option).to.equal('SSE_KMS');
    expect(c.result_configuration.encryption_configuration.kms_key_arn).to.equal('${aws_kms_key.catalog_key.arn}');
    expect(c.result_configuration.output_location).to.equal('s3://${aws_s3_bucket.catalog_results_bucket_bucket.bucket}/results/');
    // And the results bucket is KMS-encrypted with the same key and expires results
    const enc = Object.values(resourcesOf(tf, 'aws_s3_bucket_server_side_encryption_configuration'))[0];
    expect(enc.rule[0].apply_server_side_encryption_by_default).to.deep.equal({ sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.catalog_key.arn}' });
    const lc = Object.values(resourcesOf(tf, 'aws_s3_bucket_lifecycle_configuration'))[0];
    expect(lc.rule[0].expiration).to.deep.equal([{ days: 30 }]);
    expect(Object.values(resourcesOf(tf, 'aws_kms_key'))[0].enable_key_rotation).to.equal(true);
  });

  it('ships the five named queries in the workgroup', () => {
    const q = Object.values(resourcesOf(tf, 'aws_athena_named_query'));
    expect(q.map((x) => x.name).sort()).to.deep.equal(
      ['conferences-per-day', 'dead-letters-by-reason', 'error-level-support-logs-per-day', 'slowest-alb-requests', 'top-elb-5xx-targets'].map((n) => `logs-catalog-${n}`),
    );
    for (const x of q) expect(x.workgroup).to.equal('${aws_athena_workgroup.catalog_workgroup.id}');
    const conferences = q.find((x) => x.name.endsWith('conferences-per-day'))!;
    expect(conferences.query).to.contain('count(DISTINCT log_message.conference_id)');
    expect(conferences.query).to.contain('"gluedb_pexip_support_logs"."administrator_conference"');
  });

  it('crawlers are optional, write only to their own _crawled database and need no wildcard grant', () => {
    expect(resourcesOf(tf, 'aws_glue_crawler')).to.deep.equal({});
    const withCrawlers = synthCatalog({ ...PROPS, pexip: { bucketName: 'pexip-export', crawlers: { enabled: true } } });
    const crawlers = Object.values(resourcesOf(withCrawlers, 'aws_glue_crawler'));
    expect(crawlers.map((c) => c.database_name)).to.have.length(3);
    expect(crawlers.map((c) => c.s3_target[0].path).sort()).to.deep.equal(['audit', 'support', 'web'].map((k) => `s3://pexip-export/pexip/${k}/`));
    // One table per class folder: bucket (1) / pexip (2) / kind (3) / class (4)
    for (const c of crawlers) expect(JSON.parse(c.configuration).Grouping.TableLevelConfiguration).to.equal(4);
    const glue = allStatements(withCrawlers).filter((s) => s.statement.sid === 'WriteCrawledTables');
    expect(glue).to.have.length(3);
    expect(glue.map((g) => g.statement.resources.find((r) => r.includes(':database/'))).sort()).to.deep.equal(['audit', 'support', 'web'].map((k) => `arn:${'${data.aws_partition.catalog_partition.partition}'}:glue:${'${data.aws_region.catalog_region.region}'}:${'${data.aws_caller_identity.catalog_account.account_id}'}:database/gluedb_pexip_${k}_logs_crawled`));
    expect(allStatements(withCrawlers).some((s) => s.statement.resources.includes('*') && s.statement.effect === 'Allow' && !s.statement.sid.startsWith('EnableIam'))).to.equal(false);
  });

  it('accepts a user metadata file and refuses a bad one with the file named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-meta-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ support: { glue_database_name: 'my_support', log_names: ['support.teams'], columns: [{ Name: 'level', Type: 'string' }, { Name: 'log_message', Type: '' }], log_struct: { 'support.teams': 'struct<message:string,call_id:string>' } } }));
    const t = synthCatalog({ name: 'c-one', pexip: { bucketName: 'b-export', metadataFile: good } });
    expect(tablesOf(t).map((x) => x.name)).to.include('support_teams');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"support": {"glue_database_name": "x"}}');
    expect(() => synthCatalog({ name: 'c-two', pexip: { bucketName: 'b-export', metadataFile: bad } })).to.throw(`GlueCatalog: pexip.metadataFile ${bad} is not valid`);
  });

  for (const [what, props, message] of [
    ['nothing to catalog', { name: 'abc' }, 'nothing to catalog'],
    ['a bad bucket', { name: 'abc', pexip: { bucketName: 'Bad_Bucket' } }, 'pexip.bucketName must be an S3 bucket name'],
    ['a prefix without a slash', { name: 'abc', pexip: { bucketName: 'bucket', prefix: 'pexip' } }, 'pexip.prefix must be'],
    ['reversed years', { name: 'abc', pexip: { bucketName: 'bucket', projectionYears: { first: 2030, last: 2020 } } }, 'last (2020) is before first (2030)'],
    ['an ELB prefix with AWSLogs', { name: 'abc', elb: { bucketName: 'bucket', logPrefix: 'x/AWSLogs' } }, 'elb.logPrefix must not'],
    ['an unknown ELB type', { name: 'abc', elb: { bucketName: 'bucket', types: ['gwlb'] } }, 'elb.types: unknown log type "gwlb"'],
    ['a tiny cutoff', { name: 'abc', elb: { bucketName: 'bucket' }, athena: { bytesScannedCutoffPerQuery: 1000 } }, 'athena.bytesScannedCutoffPerQuery must be an integer'],
    ['a duplicate dead-letter name', { name: 'abc', deadLetters: [{ name: 'a', bucketName: 'bucket' }, { name: 'a', bucketName: 'bucket' }] }, 'duplicate name "a"'],
  ] as [string, GlueCatalogProps, string][]) {
    it(`refuses ${what}`, () => {
      const stack = new TerraformStack(Testing.app(), 'x');
      expect(() => new GlueCatalog(stack, 'c', props)).to.throw(/^GlueCatalog: /).with.property('message').that.contains(message);
    });
  }
});

describe('GlueCatalog with the partition function (no projection)', function () {
  this.timeout(120_000);
  it('creates the databases but leaves the Pexip tables to the function, which may only touch their tables', () => {
    // Given partitions: 'function' and a cross-account catalog
    const tf = synth((scope) => new GlueCatalog(scope, 'catalog', { name: 'logs-catalog', pexip: { bucketName: 'pexip-export', partitions: 'function', catalogId: '210987654321' } }));
    // Then the databases exist, no Pexip table is in Terraform
    expect(Object.values(resourcesOf(tf, 'aws_glue_catalog_database')).map((d) => d.name).sort()).to.deep.equal(['gluedb_pexip_audit_logs', 'gluedb_pexip_support_logs', 'gluedb_pexip_web_logs']);
    expect(resourcesOf(tf, 'aws_glue_catalog_table')).to.deep.equal({});
    // And the function reads the export's bucket and prefix, the catalog account, the bundled metadata
    const fn = Object.values(resourcesOf(tf, 'aws_lambda_function'))[0];
    expect(fn.environment.variables).to.deep.equal({ EXPORT_BUCKET: 'pexip-export', EXPORT_PREFIX: 'pexip/', GLUE_CATALOG_ID: '210987654321' });
    // And its Glue grant names the catalog account's three databases and their tables, nothing else
    const glue = allStatements(tf).find((s) => s.statement.sid === 'ManageTablesAndPartitions')!.statement;
    expect(glue.resources.every((r) => r.includes(':glue:') && r.includes(':210987654321:'))).to.equal(true);
    expect(glue.resources.filter((r) => r.includes(':table/'))).to.have.length(3);
    // And EventBridge invokes it for objects under the export prefix
    const rule = Object.values(resourcesOf(tf, 'aws_cloudwatch_event_rule'))[0];
    expect(rule.event_pattern).to.contain('pexip-export').and.contain('pexip/');
    // And the named Pexip queries still ship (the function creates the same tables)
    expect(Object.values(resourcesOf(tf, 'aws_athena_named_query')).map((q) => q.name)).to.include('logs-catalog-conferences-per-day');
    // And the key lets CloudWatch Logs encrypt the function's log group
    expect(allStatements(tf).some((s) => s.statement.sid === 'AllowCloudWatchLogsForOwnLogGroups')).to.equal(true);
  });

  it('uploads a user metadata file for the function and lets it read only that object', () => {
    const tf = synth((scope) => new GlueCatalog(scope, 'catalog', { name: 'logs-catalog', pexip: { bucketName: 'pexip-export', partitions: 'function', metadata: defaultPexipMetadata() } }));
    const obj = Object.values(resourcesOf(tf, 'aws_s3_object'))[0];
    expect(obj.key).to.equal('config/pexip_logs_metadata.json');
    const fn = Object.values(resourcesOf(tf, 'aws_lambda_function'))[0];
    expect(fn.environment.variables.METADATA_S3_URI).to.match(/^s3:\/\/\$\{aws_s3_object\.[a-z_]+\.bucket\}\/\$\{aws_s3_object\.[a-z_]+\.key\}$/);
    expect(allStatements(tf).find((s) => s.statement.sid === 'ReadMetadata')!.statement.resources).to.deep.equal(['${aws_s3_bucket.catalog_results_bucket_bucket.arn}/config/pexip_logs_metadata.json']);
  });
});

describe('GlueCatalog README', () => {
  it('lists every table with its location template, and shows the named queries', () => {
    // Given the catalog the README documents (same props as its listing)
    const stack = new TerraformStack(Testing.app(), 'readme');
    const c = new GlueCatalog(stack, 'c', { name: 'logs-catalog', pexip: { bucketName: 'export-bucket' }, elb: { bucketName: 'elb-bucket', logPrefix: 'prefix' }, deadLetters: [{ name: 'elb', bucketName: 'dl-bucket' }] });
    const readme = readFileSync(join(__dirname, '../../../modules/glue-catalog/README.md'), 'utf8');
    // Then each table's row is there, with the template as synthesized
    for (const t of c.tables) {
      const template = t.parameters['storage.location.template'].replace(/^s3:\/\/[^/]+\//, 's3://<bucket>/');
      expect(readme, `${t.database}.${t.name}`).to.contain(`| \`${t.database}\` | \`${t.name}\` | \`${template}\` |`);
    }
    // And each named query is shown (the first lines of its SQL)
    for (const q of c.namedQueries) expect(readme, q.id).to.contain(q.sql.split('\n').slice(0, 2).join('\n'));
  });
});
