import { expect } from 'chai';
import { defaultPexipMetadata } from '../../../../functions/glue-partitions/core/default-metadata';
import { CATCH_ALL_TABLE, pexipDatabases, pexipTables } from '../../../../functions/glue-partitions/core/pexip-tables';
import { exportFolder } from '../../../../functions/pexip-wrangler/contract';

const tables = () => pexipTables({ metadata: defaultPexipMetadata(), bucket: 'export-bucket', prefix: 'pexip/', projection: { first: 2015, last: 2099 } });
const byName = (db: string, name: string) => tables().find((t) => t.database === db && t.name === name)!;

describe('glue-partitions core: Pexip tables from the metadata', () => {
  it('has the original two databases and one for web logs', () => {
    expect(pexipDatabases(defaultPexipMetadata()).map((d) => d.name)).to.deep.equal(['gluedb_pexip_support_logs', 'gluedb_pexip_audit_logs', 'gluedb_pexip_web_logs']);
  });

  it('makes one table per class, named as the original (lower case, "." → "_"), plus unparsed and the catch-all', () => {
    const support = tables().filter((t) => t.database === 'gluedb_pexip_support_logs').map((t) => t.name);
    expect(support).to.include.members(['support_sip_received', 'support_rest_sending', 'administrator_system_connectivity', 'support_h323_h245', 'unparsed', CATCH_ALL_TABLE]);
    expect(support).to.have.length(22 + 2);
    const audit = tables().filter((t) => t.database === 'gluedb_pexip_audit_logs').map((t) => t.name);
    expect(audit).to.include.members(['syscall', 'user_acct', 'netfilter_cfg']);
    expect(audit).to.have.length(29 + 2);
    expect(tables().filter((t) => t.database === 'gluedb_pexip_web_logs').map((t) => t.name)).to.deep.equal([CATCH_ALL_TABLE, 'unparsed', 'web']);
  });

  it('gives a class table the metadata columns, the record fields and log_message typed by its struct', () => {
    const t = byName('gluedb_pexip_support_logs', 'administrator_conference');
    const cols = Object.fromEntries(t.columns.map((c) => [c.name, c.type]));
    expect(cols).to.include({ event_time: 'string', kind: 'string', class: 'string', raw: 'string', parse_error: 'string', syslog_time: 'string', system: 'string', originating_date: 'date', level: 'string', name: 'string' });
    expect(cols.log_message).to.match(/^struct<message:string,conference:string,/);
    for (const f of ['conference_id:string', 'licenses:int', 'registered:boolean', 'detail:array<string>']) expect(cols.log_message).to.contain(f);
    expect(t.columns.slice(-2).map((c) => c.name)).to.deep.equal(['log_message', 'log_message_json']);
    // And the JSON SerDe tolerates malformed lines and maps @timestamp
    expect(t.serde).to.deep.equal({
      library: 'org.openx.data.jsonserde.JsonSerDe',
      parameters: { 'ignore.malformed.json': 'TRUE', 'case.insensitive': 'TRUE', 'mapping.event_time': '@timestamp', 'mapping.log_message_json': 'log_message' },
    });
  });

  it('projects year/month/day over exactly the folders the wrangler writes', () => {
    // Given the folder the wrangler's contract gives a record of 9 Jan 2026
    const folder = exportFolder('pexip/', 'support', 'support.sip.received', Date.UTC(2026, 0, 9, 12));
    // When the table's template is filled with that day's projected values (zero-padded by digits=2)
    const t = byName('gluedb_pexip_support_logs', 'support_sip_received');
    const p = t.parameters;
    const pad = (v: number, d?: string) => String(v).padStart(Number(d ?? 0), '0');
    const filled = p['storage.location.template'].replace('${year}', pad(2026)).replace('${month}', pad(1, p['projection.month.digits'])).replace('${day}', pad(9, p['projection.day.digits']));
    // Then it is the wrangler's folder
    expect(filled).to.equal(`s3://export-bucket/${folder}`.replace(/\/$/, ''));
    expect(p).to.include({ 'projection.enabled': 'true', 'projection.year.range': '2015,2099', 'projection.month.range': '1,12', 'projection.day.range': '1,31' });
  });

  it('the catch-all reads any class folder of its kind, named in the query', () => {
    const t = byName('gluedb_pexip_support_logs', CATCH_ALL_TABLE);
    expect(t.partitionKeys.map((k) => k.name)).to.deep.equal(['class_table', 'year', 'month', 'day']);
    expect(t.parameters['projection.class_table.type']).to.equal('injected');
    expect(t.parameters['storage.location.template']).to.equal('s3://export-bucket/pexip/support/${class_table}/year=${year}/month=${month}/day=${day}');
    expect(t.columns.find((c) => c.name === 'log_message')!.type).to.equal('string');
  });

  it('leaves projection out when partitions are added by the function', () => {
    const t = pexipTables({ metadata: defaultPexipMetadata(), bucket: 'b', prefix: '', projection: false })[0];
    expect(Object.keys(t.parameters).filter((k) => k.startsWith('projection') || k.startsWith('storage'))).to.deep.equal([]);
  });
});

describe('glue-partitions core: corrections to the original structs', () => {
  it('audit mode is text (octal) and inode numbers are bigint; everything else is the original', () => {
    const path = tables().find((t) => t.name === 'path')!.columns.find((c) => c.name === 'log_message')!.type;
    expect(path).to.contain('mode:string').and.contain('inode:bigint').and.contain('item:int').and.contain('ouid:int');
  });
  it('every support class has the Detail lines', () => {
    const media = tables().find((t) => t.name === 'support_media')!.columns.find((c) => c.name === 'log_message')!.type;
    expect(media).to.equal('struct<message:string,mode:string,media_type:string,stream_id:int,call_id:string,detail:array<string>>');
  });
});
