import { RAW_LOG_GROUPS, type PexipKind } from '../../functions/pexip-wrangler/contract';

/**
 * Pure generators of the syslog server's configuration: the unified CloudWatch agent's JSON (it
 * replaced the `awslogs` agent of the original project) mapping `/var/log/syslog/<host>/<program>.log`
 * to the RAW groups, and the rsyslog snippet that writes those files with RFC 3339 times.
 */
export interface AgentOptions {
  /** Folder rsyslog writes per host under. @default '/var/log/syslog' */
  readonly logRoot?: string;
  /** Host folders (globs allowed) of the Management Node. @default ['pxpmgmt*'] */
  readonly managementNodeHosts?: string[];
  /** Host folders (globs allowed) of the Conferencing Nodes. @default ['pxpconf*'] */
  readonly conferencingNodeHosts?: string[];
}

export const AGENT_DEFAULTS = {
  logRoot: '/var/log/syslog',
  managementNodeHosts: ['pxpmgmt*'],
  conferencingNodeHosts: ['pxpconf*'],
} as const;

/** The node role is the stream name, as in the original project (queries and dashboards use it). */
export const NODE_STREAMS = { management: 'Pexip_Management_Node', conferencing: 'Pexip_Conferencing_Nodes' } as const;

/** File names per kind: support lines start with the originating date, which syslog reads as the program tag. */
export const KIND_FILES: Record<PexipKind, string> = { support: '2*.log', audit: 'audispd*.log', web: 'apache*.log' };

export const HOST_GLOB_PATTERN = /^[A-Za-z0-9.*?_-]{1,253}$/;

export function cloudWatchAgentConfig(kinds: PexipKind[], a: AgentOptions = {}): string {
  const root = (a.logRoot ?? AGENT_DEFAULTS.logRoot).replace(/\/+$/, '');
  const roles = [
    ['management', a.managementNodeHosts ?? AGENT_DEFAULTS.managementNodeHosts],
    ['conferencing', a.conferencingNodeHosts ?? AGENT_DEFAULTS.conferencingNodeHosts],
  ] as const;
  const collect = [];
  for (const kind of kinds) {
    for (const [role, hosts] of roles) {
      for (const host of hosts) {
        collect.push({
          file_path: `${root}/${host}/${KIND_FILES[kind]}`,
          log_group_name: RAW_LOG_GROUPS[kind],
          log_stream_name: NODE_STREAMS[role],
          timezone: 'UTC',
        });
      }
    }
  }
  // One line: cdktf's HCL output cannot hold a multi-line string.
  return JSON.stringify({ agent: { run_as_user: 'root' }, logs: { logs_collected: { files: { collect_list: collect } } } });
}

/** The snippet's lines (a Terraform output holds them as a list: HCL cannot hold a multi-line string). */
export function rsyslogConfig(a: AgentOptions = {}): string[] {
  const root = (a.logRoot ?? AGENT_DEFAULTS.logRoot).replace(/\/+$/, '');
  return [
    '# Pexip Infinity nodes → one file per host and program, lines as the wrangler reads them',
    '# (rsyslog\'s RSYSLOG_FileFormat: RFC 3339 time with offset, host, tag, message).',
    `template(name="PexipFile" type="string" string="${root}/%HOSTNAME%/%PROGRAMNAME%.log")`,
    'template(name="PexipLine" type="string" string="%TIMESTAMP:::date-rfc3339% %HOSTNAME% %syslogtag%%msg:::sp-if-no-1st-sp%%msg:::drop-last-lf%\\n")',
    'module(load="imudp")',
    'input(type="imudp" port="514" ruleset="pexip")',
    'module(load="imtcp")',
    'input(type="imtcp" port="514" ruleset="pexip")',
    'ruleset(name="pexip") {',
    '  action(type="omfile" dynaFile="PexipFile" template="PexipLine" dirCreateMode="0750" fileCreateMode="0640")',
    '  stop',
    '}',
  ];
}
