import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatHiveType, parseHiveType } from '../../../../functions/glue-partitions/core/hive-types';
import { classesOf, parsePexipMetadata, validatePexipMetadata } from '../../../../functions/glue-partitions/core/metadata';
import { defaultPexipMetadata } from '../../../../functions/glue-partitions/core/default-metadata';
import { PROJECT_ROOT, SHARED_DIR, itWithShared } from '../../../support/shared';

describe('glue-partitions core: Hive types', () => {
  it('parses and re-formats nested types canonically', () => {
    // Given a struct with arrays, a nested struct, a map, a decimal and mixed case
    const text = 'STRUCT<a:int, b:array<struct<url:string>>, c:map<string,bigint>, d:decimal(10, 2), e:Integer>';
    // When it is parsed and formatted
    const t = parseHiveType(text);
    // Then the canonical text is lower case, without spaces, with integer as int
    expect(formatHiveType(t)).to.equal('struct<a:int,b:array<struct<url:string>>,c:map<string,bigint>,d:decimal(10,2),e:int>');
  });

  for (const [text, problem] of [
    ['struct<a:int', 'unexpected end of type'],
    ['struct<a:strng>', 'unknown type "strng"'],
    ['array<string,int>', 'unexpected ","'],
    ['struct<a:int,a:string>', 'duplicate field "a"'],
    ['string>', 'unbalanced ">"'],
    ['map<string>', 'map needs a key and a value type'],
  ] as const) {
    it(`refuses "${text}" saying ${problem}`, () => {
      expect(() => parseHiveType(text, 'x')).to.throw(problem);
    });
  }

  it('refuses nesting deeper than the bound instead of recursing', () => {
    const deep = 'array<'.repeat(40) + 'string' + '>'.repeat(40);
    expect(() => parseHiveType(deep)).to.throw('nesting deeper than 32');
  });
});

describe('glue-partitions core: Pexip metadata', () => {
  it('the bundled copy is valid and has every class of the original, USER_ACCT included', () => {
    // Given the bundled file
    const m = defaultPexipMetadata();
    // Then both original kinds are there with their databases
    expect(m.support?.glue_database_name).to.equal('gluedb_pexip_support_logs');
    expect(m.audit?.glue_database_name).to.equal('gluedb_pexip_audit_logs');
    // And USER_ACCT (a struct but no log_names entry in the original) is a class
    expect(classesOf(m.audit!)).to.include('USER_ACCT');
    expect(classesOf(m.support!)).to.have.length(22);
    expect(classesOf(m.audit!)).to.have.length(29);
  });

  itWithShared(SHARED_DIR, 'the bundled copy is byte-identical to the reference file', async () => {
    const bundled = readFileSync(join(PROJECT_ROOT, 'functions/glue-partitions/metadata/pexip_logs_metadata.json'));
    const reference = readFileSync(join(SHARED_DIR, 'reference/pexip/pexip_logs_metadata.json'));
    expect(bundled.equals(reference)).to.equal(true);
  });

  it('lists every problem of a bad file, each with its path', () => {
    // Given a user's file with an unknown kind, a bad struct, a class without a struct and a bad database name
    const bad = {
      support: {
        glue_database_name: 'Bad-Name',
        log_names: ['support.sip', 'support.new'],
        columns: [{ Name: 'level', Type: 'string' }, { Name: 'log_message', Type: '' }],
        log_struct: { 'support.sip': 'struct<message:strin>' },
      },
      teams: {},
    };
    // When it is validated
    let message = '';
    try {
      validatePexipMetadata(bad, 'my.json');
    } catch (e) {
      message = (e as Error).message;
    }
    // Then one error names the file and every problem
    expect(message).to.contain('my.json is not valid');
    expect(message).to.contain('teams: unknown kind');
    expect(message).to.contain('support.glue_database_name: must be 1..255 of a-z');
    expect(message).to.contain('support.log_struct["support.sip"]: unknown type "strin"');
    expect(message).to.contain('support.log_names: "support.new" has no log_struct entry');
  });

  it('says when the file is not JSON', () => {
    expect(() => parsePexipMetadata('{"support": ', 'f.json')).to.throw(/^f\.json: not JSON/);
  });
});
