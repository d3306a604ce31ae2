import { expect } from 'chai';
import { classTableName, exportFolder, indexName, jsonLogGroupName, jsonLogStreamName, kindOfLogGroup, supportClass } from '../../../functions/pexip-wrangler/contract';

describe('pexip wrangler contract: naming rules', () => {
  it('splits support.sip and support.rest by direction, other names are their own class', () => {
    expect([
      supportClass('support.sip', 'Received SIP message'), supportClass('support.sip', 'Sending SIP message'), supportClass('support.rest', 'sent'),
      supportClass('support.rest', 'Timed out'), supportClass('support.rest', undefined), supportClass('administrator.conference', 'Received'),
    ]).to.deep.equal(['support.sip.received', 'support.sip.sending', 'support.rest.sending', 'support.rest.other', 'support.rest.other', 'administrator.conference']);
  });

  it('names tables, folders, indices, groups and streams', () => {
    expect([classTableName('support.sip.received'), classTableName('USER_ACCT'), classTableName('support.teams-connector')]).to.deep.equal(['support_sip_received', 'user_acct', 'support_teams_connector']);
    const t = Date.UTC(2019, 5, 9, 23, 59);
    expect(exportFolder('pexip/', 'support', 'support.sip.received', t)).to.equal('pexip/support/support_sip_received/year=2019/month=06/day=09/');
    expect(indexName('pexip', 'audit', t)).to.equal('pexip-audit-2019.06.09');
    expect(jsonLogGroupName('Pexip_Nodes_Support_Logs_RAW', '_JSON')).to.equal('Pexip_Nodes_Support_Logs_JSON');
    expect(jsonLogGroupName('my-group', '_JSON')).to.equal('my-group_JSON');
    expect(jsonLogStreamName('fe80::1', t)).to.equal('2019/06/09/fe80__1');
    expect([kindOfLogGroup('Pexip_Nodes_Web_Server_Logs_RAW'), kindOfLogGroup('/pexip/audit'), kindOfLogGroup('other')]).to.deep.equal(['web', 'audit', undefined]);
  });
});
