import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { detectLineType, parseLine } from '../../../../functions/elb-processor/core/parse';
import { unescapeAws } from '../../../../functions/elb-processor/core/values';
import { describeWithShared, ELB_CORPUS } from '../../../support/shared';

/**
 * The shared conformance corpus (../shared/conformance/elb, see its SOURCES.md): 173 real-format
 * lines and the parses 11 third-party parsers expect. Every line must parse, or fail with a
 * reason when it is truly malformed; every expected value is compared with ours through the
 * corpus' `aws_names` mapping wherever the source agrees with our documented policy:
 *   - a source value of null, "-", -1, "" or [] means "no value": we must leave the field out
 *     (matched_rule_priority keeps -1, AWS defines it);
 *   - numbers compare numerically whatever the source's type (Vector's "200" = our 200);
 *   - timestamps compare as instants at millisecond precision (beats writes …00.186Z);
 *   - strings compare case-insensitively (beats lower-cases methods, OTel TLS versions);
 *   - `request (part)` values must occur inside our whole `request`.
 * Records whose expectations encode a source's own bug are listed in KNOWN_SOURCE_ARTIFACTS.
 */
const CORPUS = ELB_CORPUS;

interface ExpectedRecord {
  type: string;
  line: string;
  expect: Record<string, unknown>;
  source: string;
  aws_names?: Record<string, string>;
  note?: string;
}

const readRecords = (): ExpectedRecord[] => readFileSync(resolve(CORPUS, 'expected.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as ExpectedRecord);

/** Record index → why its expected values are not AWS semantics (from the corpus notes). */
const KNOWN_SOURCE_ARTIFACTS: Record<number, string> = {
  71: 'fluentd positional parser: user_agent absent, every later field shifted (we reject the line instead)',
  73: 'fluentd positional parser: user_agent absent, every later field shifted (we reject the line instead)',
  112: 'OTel tokenizer split the ALPN list "h2","http/1.1" into two fields',
};
/** Single expected values that are a source's own transformation, not AWS's value. */
const FIELD_ARTIFACTS: Record<number, Record<string, string>> = {
  100: { 'aws.elb.alpn_client_preference_list': 'integrations strips only the outer quotes of "h2","http/1.1" (corpus note)' },
  104: { 'aws.elb.tls_verify_status': 'integrations splits "Failed:<code>" into "Failed" and tls_error_code; we keep AWS\'s value whole' },
};
/** Records whose `__absent__` list is a source bug rather than a `-` value. */
const ABSENT_IS_SOURCE_BUG: Record<number, string> = {
  78: 'beats fell back to the Classic prefix pattern on the missing space ("-"1) and dropped every ALB field',
};

// Source key → AWS name, learnt from every record's mapping (used for `__absent__` lists).
const globalNames = new Map<string, string>();
function learnNames(records: ExpectedRecord[]): void {
  for (const r of records) for (const [k, v] of Object.entries(r.aws_names ?? {})) globalNames.set(k, v);
}

const TIME_FIELDS = new Set(['time', 'request_creation_time', 'tls_connection_creation_time']);

function isSentinel(v: unknown): boolean {
  return v === null || v === '-' || v === -1 || v === '-1' || v === '' || (Array.isArray(v) && (v.length === 0 || (v.length === 1 && v[0] === '-')));
}

/** Our value(s) for an AWS name as the corpus writes it. */
function ours(doc: Record<string, unknown>, awsName: string): unknown {
  const m = /^(client|target|backend|destination):port(?: \((ip|port)\))?$/.exec(awsName);
  if (m) {
    const ip = doc[`${m[1]}_ip`];
    const port = doc[`${m[1]}_port`];
    if (m[2] === 'ip') return ip;
    if (m[2] === 'port') return port;
    return ip === undefined ? undefined : [`${ip}:${port}`, `[${ip}]:${port}`, ip, port];
  }
  if (awsName === 'target:port_list') return doc.target_port_list;
  if (awsName === 'leaf_client_cert_validity (NotAfter)') return doc.leaf_client_cert_not_after;
  if (awsName === 'leaf_client_cert_validity (NotBefore)') return doc.leaf_client_cert_not_before;
  if (awsName.startsWith('tls_verify_status (')) return String(doc.tls_verify_status ?? '').replace(/^Failed:/, '');
  if (awsName.startsWith('request (')) return doc.request;
  return doc[awsName];
}

function toMillis(v: unknown): number {
  if (typeof v === 'string' && /^\d{16,}$/.test(v)) return Number(BigInt(v) / 1_000_000n); // OTel timeUnixNano
  return Date.parse(String(v).replace(/(\.\d{3})\d+/, '$1'));
}

/** Returns undefined when `expected` agrees with `actual` under our policy, else a description. */
function compare(awsName: string, expected: unknown, actual: unknown): string | undefined {
  if (awsName.startsWith('request (') || awsName === 'request') {
    if (isSentinel(expected) || typeof expected !== 'string') return undefined;
    const whole = String(actual ?? '');
    return whole.toLowerCase().includes(expected.toLowerCase().replace(/:$/, '')) ? undefined : `request part ${JSON.stringify(expected)} not in ${JSON.stringify(whole)}`;
  }
  if (isSentinel(expected) && !(awsName === 'matched_rule_priority' && (expected === -1 || expected === '-1'))) {
    return actual === undefined ? undefined : `expected no value (source wrote ${JSON.stringify(expected)}), got ${JSON.stringify(actual)}`;
  }
  if (actual === undefined) return `expected ${JSON.stringify(expected)}, got no value`;
  if (Array.isArray(actual) && awsName.includes(':port') && !awsName.endsWith('_list')) {
    // client:port whole: any of the spellings (joined, bracketed, ip alone, port alone).
    return actual.some((a) => String(a) === String(expected)) ? undefined : `${JSON.stringify(expected)} not in ${JSON.stringify(actual)}`;
  }
  if (TIME_FIELDS.has(awsName) || awsName.startsWith('leaf_client_cert_validity')) {
    return toMillis(expected) === toMillis(actual) ? undefined : `time ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`;
  }
  if (Array.isArray(actual)) {
    const want = Array.isArray(expected) ? expected.map(String) : String(expected).split(',');
    return JSON.stringify(actual.map(String)) === JSON.stringify(want) ? undefined : `${JSON.stringify(actual)} != ${JSON.stringify(expected)}`;
  }
  if (typeof actual === 'number') {
    return Math.abs(Number(expected) - actual) < 1e-9 ? undefined : `${actual} != ${JSON.stringify(expected)}`;
  }
  // Sources that keep `\xHH` escapes verbatim: compare after applying our escape policy to their value.
  const want = typeof expected === 'string' ? unescapeAws(expected) : String(expected);
  return String(actual).toLowerCase() === want.toLowerCase() ? undefined : `${JSON.stringify(actual)} != ${JSON.stringify(expected)}`;
}

describeWithShared('elb parser: shared conformance corpus', CORPUS, () => {
  const records = readRecords();
  learnNames(records);
  for (const file of ['alb', 'classic-http', 'classic-tcp', 'alb-connection', 'nlb']) {
    it(`parses every line of ${file}.log into a document of the right type`, () => {
      // Given every line of the corpus file
      const lines = readFileSync(resolve(CORPUS, `${file}.log`), 'utf8').split('\n').filter((l) => l !== '');
      // When each is parsed
      const results = lines.map((l) => ({ line: l, r: parseLine(l) }));
      // Then each is a document of the file's type, except the one line a positional source shifted (no user agent)
      const wantType = file.startsWith('classic') ? 'classic' : file;
      const failed = results.filter((x) => x.r.kind !== 'doc');
      const wrongType = results.filter((x) => x.r.kind === 'doc' && x.r.type !== wantType);
      expect(wrongType.map((x) => x.line)).to.deep.equal([]);
      if (file === 'alb') {
        expect(failed).to.have.length(1);
        expect(failed[0]!.r).to.deep.include({ kind: 'failed', reason: 'alb: expected at least 18 fields, got 17' });
      } else {
        expect(failed.map((x) => x.line)).to.deep.equal([]);
      }
    });
  }

  it('rejects every line of malformed.log with a reason and skips control.log as control text', () => {
    const malformed = readFileSync(resolve(CORPUS, 'malformed.log'), 'utf8').split('\n').filter((l) => l !== '');
    for (const l of malformed) {
      const r = parseLine(l);
      expect(r.kind, l).to.equal('failed');
      if (r.kind === 'failed') expect(r.reason).to.be.a('string').and.not.equal('');
    }
    const control = readFileSync(resolve(CORPUS, 'control.log'), 'utf8').split('\n').filter((l) => l !== '');
    for (const l of control) expect(parseLine(l).kind, l).to.equal('control');
  });

  it('agrees with every third-party expectation that matches the documented policy', () => {
    const problems: string[] = [];
    let compared = 0;
    records.forEach((rec, i) => {
      if (KNOWN_SOURCE_ARTIFACTS[i]) return;
      const e = rec.expect;
      const r = parseLine(rec.line);
      if ('error' in e || 'error_contains' in e) {
        if (e.control_message) {
          if (r.kind !== 'control') problems.push(`#${i}: expected control text, got ${r.kind}`);
        } else if (rec.line === '') {
          // The OTel blank-line file: we skip blank lines instead of rejecting the file (tested in processor tests).
          if (r.kind !== 'blank') problems.push(`#${i}: blank line not skipped`);
        } else if (r.kind !== 'failed') problems.push(`#${i}: expected a failure, got ${r.kind}`);
        compared++;
        return;
      }
      if ('detected_syntax' in e) {
        if (detectLineType(rec.line) !== 'alb') problems.push(`#${i}: not detected as alb`);
        compared++;
        return;
      }
      if (r.kind !== 'doc') {
        problems.push(`#${i} (${rec.source.slice(0, 40)}): ${r.kind} ${r.kind === 'failed' ? r.reason : ''}`);
        return;
      }
      const doc = r.doc as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(e)) {
        if (key === '__absent__') continue;
        const awsName = rec.aws_names?.[key];
        if (!awsName) continue; // a source-specific field (geo, ECS category, offsets…)
        if (FIELD_ARTIFACTS[i]?.[key]) continue;
        const diff = compare(awsName, value, ours(doc, awsName));
        compared++;
        if (diff) problems.push(`#${i} ${key} → ${awsName}: ${diff}`);
      }
      if (Array.isArray(e.__absent__) && !ABSENT_IS_SOURCE_BUG[i]) {
        for (const key of e.__absent__ as string[]) {
          const awsName = globalNames.get(key);
          if (!awsName || awsName.startsWith('request')) continue;
          const actual = ours(doc, awsName);
          compared++;
          if (actual !== undefined) problems.push(`#${i} ${key} → ${awsName}: source asserts absent, we have ${JSON.stringify(actual)}`);
        }
      }
    });
    expect(problems).to.deep.equal([]);
    expect(compared).to.be.greaterThan(2500);
  });
});

