/**
 * Type rules for pair values, one table, matched case-insensitively with `-` and `_` alike
 * (`Remote-Port`, `Remote-port` and `remote_port` are one key). A value that does not fit its
 * type stays a string (the raw line keeps it anyway); keys not in the table stay strings.
 */

/** Support/administrator keys cast to integers (FORMAT.md, and the int columns of the metadata's structs). */
const SUPPORT_INTEGER_KEYS = [
  'Src-port', 'Dst-port', 'Local-port', 'Remote-port', 'Local-candidate-port', 'Remote-candidate-port',
  'Port', 'Licenses', 'Stream-id', 'Pid', 'Transaction_id', 'Floor_request_id', 'expires',
];
/** Support/administrator keys cast to booleans when `True`/`False` (any case). */
const SUPPORT_BOOLEAN_KEYS = ['Registered'];

/** Audit keys cast to integers: ids and counters (`mode` stays text: it is octal). */
const AUDIT_INTEGER_KEYS = [
  'pid', 'ppid', 'uid', 'gid', 'euid', 'suid', 'fsuid', 'egid', 'sgid', 'fsgid', 'auid', 'ses', 'syscall', 'exit',
  'items', 'argc', 'item', 'inode', 'ino', 'ouid', 'ogid', 'opid', 'oauid', 'oses', 'entries', 'permissive',
];

export function ruleKey(key: string): string {
  return key.toLowerCase().replace(/_/g, '-');
}

const SUPPORT_INTEGERS = new Set(SUPPORT_INTEGER_KEYS.map(ruleKey));
const SUPPORT_BOOLEANS = new Set(SUPPORT_BOOLEAN_KEYS.map(ruleKey));
const AUDIT_INTEGERS = new Set(AUDIT_INTEGER_KEYS.map(ruleKey));

/** `-?digits` as a number when it is a safe integer, else undefined. */
export function integerOf(v: string): number | undefined {
  const n = v.length;
  if (n === 0 || n > 20) return undefined;
  let i = v.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return undefined;
  for (; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const num = Number(v);
  return Number.isSafeInteger(num) ? num : undefined;
}

function booleanOf(v: string): boolean | undefined {
  const l = v.toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : undefined;
}

export function supportValue(key: string, value: string): string | number | boolean {
  return typedValue(supportKey(key).type, value);
}

/** Audit values: `n/a` is null, listed ids are integers. */
export function auditValue(key: string, value: string): string | number | null {
  if (value === 'n/a') return null;
  if (AUDIT_INTEGERS.has(ruleKey(key))) return integerOf(value) ?? value;
  return value;
}

/** A pair name as a record field: case kept, every character outside [A-Za-z0-9_] becomes `_` (`Conference-ID` → `Conference_ID`, as the original's queries use). */
export function fieldName(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, '_');
}

export type ValueType = 'integer' | 'boolean' | 'string';

export interface SupportKey {
  field: string;
  /** `field` lower-cased: the name Athena's JSON SerDe and the Glue columns see. */
  folded: string;
  type: ValueType;
}

/** Keys repeat on every line: their field name and type are looked up once (bounded: log text can invent keys). */
const supportKeys = new Map<string, SupportKey>();
const MAX_CACHED_KEYS = 4096;

export function supportKey(key: string): SupportKey {
  let k = supportKeys.get(key);
  if (k === undefined) {
    const rule = ruleKey(key);
    const field = fieldName(key);
    k = { field, folded: field.toLowerCase(), type: SUPPORT_INTEGERS.has(rule) ? 'integer' : SUPPORT_BOOLEANS.has(rule) ? 'boolean' : 'string' };
    if (supportKeys.size < MAX_CACHED_KEYS) supportKeys.set(key, k);
  }
  return k;
}

export function typedValue(type: ValueType, value: string): string | number | boolean {
  if (type === 'integer') return integerOf(value) ?? value;
  if (type === 'boolean') return booleanOf(value) ?? value;
  return value;
}
