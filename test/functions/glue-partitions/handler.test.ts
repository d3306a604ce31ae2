import { expect } from 'chai';
import { GetPartitionsCommand, GetTableCommand, GlueClient, UpdateTableCommand } from '@aws-sdk/client-glue';
import { defaultPexipMetadata } from '../../../functions/glue-partitions/core/default-metadata';
import { pexipDatabases, pexipTables } from '../../../functions/glue-partitions/core/pexip-tables';
import { CatalogWriter } from '../../../functions/glue-partitions/glue';
import { createHandler, type ObjectCreatedEvent } from '../../../functions/glue-partitions/handler';
import { loadConfig } from '../../../functions/glue-partitions/config';
import { exportFolder } from '../../../functions/pexip-wrangler/contract';
import { eventBridgeObjectCreated, s3Event } from '../../factories/s3';
import { lambdaContext } from '../../factories/lambda-context';
import { TEST_AWS_ENV, startMoto, type MotoServer } from '../../support/moto';
import { functionDir, loadFunction } from '../../support/load-function';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const BUCKET = 'pexip-export';
const PREFIX = 'pexip/';
const DAY = Date.UTC(2026, 0, 9, 10);
const keyOf = (kind: string, cls: string, at = DAY, file = 'part-0001.json.gz') => `${exportFolder(PREFIX, kind, cls, at)}${file}`;

describe('glue-partitions function against moto Glue', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let glue: GlueClient;
  const saved = { ...process.env };
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);

  before(async () => {
    moto = await startMoto();
    Object.assign(process.env, TEST_AWS_ENV, { AWS_ENDPOINT_URL: moto.endpoint });
    glue = new GlueClient({ endpoint: moto.endpoint, region: TEST_AWS_ENV.AWS_REGION });
  });
  after(async () => {
    process.env = saved;
    glue?.destroy();
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    lines.length = 0;
    // Capture the summary line (and only ours: JSON lines with the function's name)
    process.stdout.write = ((chunk: string) => {
      if (typeof chunk === 'string' && chunk.includes('"FunctionName":"glue-partitions"')) lines.push(chunk);
      else write(chunk);
      return true;
    }) as typeof process.stdout.write;
  });
  afterEach(() => {
    process.stdout.write = write;
  });

  const makeHandler = () => {
    const metadata = defaultPexipMetadata();
    const config = loadConfig({ EXPORT_BUCKET: BUCKET, AWS_REGION: 'eu-west-1' });
    return createHandler({
      config,
      catalog: async () => ({
        bucket: BUCKET,
        prefix: PREFIX,
        tables: pexipTables({ metadata, bucket: BUCKET, prefix: PREFIX, projection: false }),
        databases: Object.fromEntries(pexipDatabases(metadata).map((d) => [d.kind, d.name])),
      }),
      writer: new CatalogWriter(new GlueClient({ endpoint: moto.endpoint, region: 'eu-west-1' })),
    });
  };
  const partitionsOf = async (db: string, table: string) =>
    ((await glue.send(new GetPartitionsCommand({ DatabaseName: db, TableName: table }))).Partitions ?? []).map((p) => ({ values: p.Values, location: p.StorageDescriptor?.Location }));

  it('creates the database, the table and the partition of a new object', async () => {
    // Given an S3 notification for a support.sip.received object of 9 Jan 2026
    const handler = makeHandler();
    // When the function handles it
    const r = await handler(s3Event({ bucket: BUCKET, key: keyOf('support', 'support.sip.received') }) as ObjectCreatedEvent, lambdaContext());
    // Then the class table exists with the metadata struct and no projection
    const { Table } = await glue.send(new GetTableCommand({ DatabaseName: 'gluedb_pexip_support_logs', Name: 'support_sip_received' }));
    expect(Table?.StorageDescriptor?.Location).to.equal('s3://pexip-export/pexip/support/support_sip_received/');
    expect(Table?.StorageDescriptor?.Columns?.find((c) => c.Name === 'log_message')?.Type).to.match(/^struct<message:string,src_address:string/);
    expect(Table?.Parameters?.['projection.enabled']).to.equal(undefined);
    // And the partition is the wrangler's folder
    expect(await partitionsOf('gluedb_pexip_support_logs', 'support_sip_received')).to.deep.equal([
      { values: ['2026', '01', '09'], location: 's3://pexip-export/pexip/support/support_sip_received/year=2026/month=01/day=09/' },
    ]);
    expect(r).to.deep.equal({ partitionsCreated: 1, partitionsExisting: 0, ignored: 0 });
    // And one summary line says so
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0])).to.include({ PartitionsCreated: 1, TablesCreated: 1, Objects: 1, IgnoredKeys: 0 });
  });

  it('is idempotent: the same objects again (a retry, a second container) add nothing and do not fail', async () => {
    // Given two objects of one day and one of the next day, handled once
    const event = s3Event(
      { bucket: BUCKET, key: keyOf('audit', 'SYSCALL', DAY, 'a.json.gz') },
      { bucket: BUCKET, key: keyOf('audit', 'SYSCALL', DAY, 'b.json.gz') },
      { bucket: BUCKET, key: keyOf('audit', 'SYSCALL', DAY + 86_400_000) },
    ) as ObjectCreatedEvent;
    expect(await makeHandler()(event)).to.deep.equal({ partitionsCreated: 2, partitionsExisting: 0, ignored: 0 });
    // When a fresh container (no cache) handles the same event again
    const again = await makeHandler()(event);
    // Then both partitions are reported as existing (AlreadyExists = done) and there are still two
    expect(again).to.deep.equal({ partitionsCreated: 0, partitionsExisting: 2, ignored: 0 });
    expect((await partitionsOf('gluedb_pexip_audit_logs', 'syscall')).map((p) => p.values)).to.have.deep.members([['2026', '01', '09'], ['2026', '01', '10']]);
  });

  it('updates a table whose columns drifted from the metadata', async () => {
    // Given the table exists but someone changed its columns
    await makeHandler()(s3Event({ bucket: BUCKET, key: keyOf('support', 'support.dns') }) as ObjectCreatedEvent);
    const { Table } = await glue.send(new GetTableCommand({ DatabaseName: 'gluedb_pexip_support_logs', Name: 'support_dns' }));
    await glue.send(new UpdateTableCommand({
      DatabaseName: 'gluedb_pexip_support_logs',
      TableInput: { Name: 'support_dns', StorageDescriptor: { ...Table!.StorageDescriptor, Columns: [{ Name: 'raw', Type: 'string' }] }, PartitionKeys: Table!.PartitionKeys },
    }));
    // When a new container handles another object of that class
    await makeHandler()(eventBridgeObjectCreated({ bucket: BUCKET, key: keyOf('support', 'support.dns', DAY + 86_400_000) }) as unknown as ObjectCreatedEvent);
    // Then the columns are the metadata's again
    const after = await glue.send(new GetTableCommand({ DatabaseName: 'gluedb_pexip_support_logs', Name: 'support_dns' }));
    expect(after.Table?.StorageDescriptor?.Columns?.map((c) => c.Name)).to.include.members(['event_time', 'raw', 'level', 'log_message']);
    expect(JSON.parse(lines.at(-1)!)).to.include({ TablesUpdated: 1, PartitionsCreated: 1 });
  });

  it('puts a class the metadata does not list in the catch-all, and counts keys outside the layout', async () => {
    // Given an object of an unknown class and two keys that are not exported records
    const event = s3Event(
      { bucket: BUCKET, key: keyOf('support', 'support.teams.connector') },
      { bucket: BUCKET, key: 'pexip/support/readme.txt' },
      { bucket: BUCKET, key: 'other/support/x/year=2026/month=01/day=09/f.gz' },
    ) as ObjectCreatedEvent;
    // When handled
    const r = await makeHandler()(event);
    // Then the unknown class is a partition of the catch-all, with its folder as first value
    expect(await partitionsOf('gluedb_pexip_support_logs', 'unknown_classes')).to.deep.equal([
      { values: ['support_teams_connector', '2026', '01', '09'], location: 's3://pexip-export/pexip/support/support_teams_connector/year=2026/month=01/day=09/' },
    ]);
    // And the two other keys are named in the summary, not errors
    expect(r.ignored).to.equal(2);
    expect(JSON.parse(lines[0]).ignoredKeys).to.deep.equal([
      'pexip/support/readme.txt: not <kind>/<table>/year=YYYY/month=MM/day=DD/<file>',
      'other/support/x/year=2026/month=01/day=09/f.gz: not under the export prefix "pexip/"',
    ]);
  });

  it('the Lambda entry reads a user metadata file from S3 once and catalogs its classes', async () => {
    // Given a user's metadata with one support class, uploaded where the construct puts it
    const s3 = new S3Client({ endpoint: moto.endpoint, region: 'eu-west-1', forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'catalog-results', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    const metadata = {
      support: {
        glue_database_name: 'my_support_logs',
        log_names: ['support.teams'],
        columns: [{ Name: 'level', Type: 'string' }, { Name: 'log_message', Type: '' }],
        log_struct: { 'support.teams': 'struct<message:string,call_id:string>' },
      },
    };
    await s3.send(new PutObjectCommand({ Bucket: 'catalog-results', Key: 'config/pexip_logs_metadata.json', Body: JSON.stringify(metadata) }));
    s3.destroy();
    // When the function is loaded as Lambda does (cold start) and handles an EventBridge event
    const handler = loadFunction<(e: unknown, c: unknown) => Promise<{ partitionsCreated: number }>>(functionDir('glue-partitions'), {
      EXPORT_BUCKET: BUCKET,
      METADATA_S3_URI: 's3://catalog-results/config/pexip_logs_metadata.json',
      AWS_ENDPOINT_URL: moto.endpoint,
    });
    const r = await handler(eventBridgeObjectCreated({ bucket: BUCKET, key: keyOf('support', 'support.teams') }), lambdaContext());
    // Then the class table is in the user's database, with the user's struct
    expect(r.partitionsCreated).to.equal(1);
    const { Table } = await glue.send(new GetTableCommand({ DatabaseName: 'my_support_logs', Name: 'support_teams' }));
    expect(Table?.StorageDescriptor?.Columns?.find((c) => c.Name === 'log_message')?.Type).to.equal('struct<message:string,call_id:string,detail:array<string>>');
    delete process.env.METADATA_S3_URI;
  });

  it('the Lambda entry fails every invocation naming a bad variable', async () => {
    const handler = loadFunction<(e: unknown) => Promise<unknown>>(functionDir('glue-partitions'), { EXPORT_BUCKET: 'Not_A_Bucket' });
    let message = '';
    try {
      await handler(eventBridgeObjectCreated({ bucket: BUCKET, key: keyOf('support', 'support.dns') }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.contain('EXPORT_BUCKET');
  });
});
