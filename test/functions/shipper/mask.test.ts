import { expect } from 'chai';
import { createMasker, MASK } from '../../../functions/shipper/core/mask';
import { cpuMs, indexOfScanMs } from '../../support/cpu';
import { oracleMask } from './mask-oracle';

/** Deterministic generator (LCG) so a failing input can be reproduced from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

// Pieces that make every rule start, half-match and fail: keywords, schemes, quotes, escapes,
// separators, JWT and key id fragments, Unicode spaces and line terminators, earlier masks.
const PIECES = [
  'token', 'TOKEN', 'password', 'passwd', 'pwd', 'secret', 'authorization', 'api_key', 'api-key', 'apikey', 'access_key',
  'private-key', 'credentials', 'bearer', 'Bearer', 'basic', 'eyJ', 'eyJabcd', 'eyJabcd.eyJabcd.', 'eyJabcd.eyJ', '.', '-', '_',
  '=', ':', ' ', '  ', '\t', '\n', '"', "'", '\\', '\\"', ',', ';', '&', '{', '}', '[', ']', 'AKIA', 'AKIAIOSFODNN7EXAMPLE',
  'AKIAIOSFODNN7EXAMPL', 'ASIA', 'ABCDEFGHIJKLMNOP', '0123456789abcdef', 'x', 'Y', '9', MASK, `"${MASK}"`, '\u00a0', '\u2028',
  'é', '/', '+', '~', '==', 'db', 'user', 'token=', '"token":', 'Bearer abcdefgh12', 'x-api-key: ',
];

const KB = 1024;
const fill = (unit: string, bytes: number): string => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);

// Adversarial messages, one family per rule: long trigger words, unterminated quotes, long
// separator runs, escaped-quote runs. Each was quadratic (or worse) for some former expression.
const ADVERSARIAL: Record<string, (bytes: number) => string> = {
  'a keyword repeated as one word': (n) => fill('token', n),
  'a keyword word with separators inside': (n) => fill('db_password.', n),
  'keys without values': (n) => fill('token= ', n),
  'an unterminated double quote after a key': (n) => `token="${fill('a b,c', n - 7)}`,
  'an unterminated single quote after a key': (n) => `'secret': '${fill('x y', n - 11)}`,
  'escaped-quote runs inside a value': (n) => `token="${fill('\\"', n - 7)}`,
  'keys opening quotes': (n) => fill('token="', n),
  'quoted keys without separators': (n) => fill('"token"', n),
  'a whitespace run after a key': (n) => `token${fill(' ', n - 6)}=`,
  'separator runs': (n) => fill('token = : ', n),
  'credential schemes without credentials': (n) => fill('token: token ', n),
  'a whitespace run after a scheme': (n) => `authorization: bearer${fill(' ', n - 21)}`,
  'JWT headers without payloads': (n) => fill('eyJ-', n),
  'JWT fragments': (n) => fill('eyJaaaa.', n),
  'access key prefixes': (n) => fill('AKIA', n),
  'access key id look-alikes': (n) => fill('AKIAIOSFODNN7EXAMPL ', n),
  'bearer words': (n) => fill('bearer ', n),
  'short bearer tokens': (n) => fill('Bearer abc/ ', n),
  'mixed quotes and escapes': (n) => fill('a "token": "\\', n),
  'near misses of every trigger word (no trigger)': (n) => fill('passpwsecrtokeauthorizatioapi_kaccess-kprivate_credentiaeyAKIbeare', n),
};

describe('shipper core: masking is linear and unchanged', function () {
  this.timeout(120_000);

  it('gives exactly the output and count of the former regular expressions on random text', () => {
    // Given 20,000 short messages assembled at random from pieces that start and break every rule
    const next = random(14);
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const pieces = 1 + Math.floor(next() * 14);
      for (let k = 0; k < pieces; k++) text += PIECES[Math.floor(next() * PIECES.length)];
      // When the scanner masks one
      const masker = createMasker();
      const out = masker.mask(text);
      // Then text and count are what the regular expressions gave
      expect([out, masker.count], JSON.stringify(text)).to.deep.equal(oracleMask(text));
    }
  });

  it('gives the former results where only a keyword without a separator triggers, and where earlier rules edit its run', () => {
    // Given keywords in prose (no key/value rule to run) and runs that the JWT or access key rule cut first
    const texts = [
      'refresh token expired for session', 'the /oauth/token path', 'secret santa token', 'tokentokentoken', '"token" "x"',
      'tokenAKIAIOSFODNN7EXAMPLE=v', 'token AKIAIOSFODNN7EXAMPLE=v', 'x eyJabcd.eyJabcd.sig token =v', 'api_keyAKIAIOSFODNN7EXAMPLE: v',
      'password eyJabcd.eyJabcd.sig', "'secret' AKIAIOSFODNN7EXAMPLE : x", 'db_password.eyJabcd.eyJabcd.x=1', 'token\u00a0= v',
    ];
    for (const text of texts) {
      // When masked
      const masker = createMasker();
      // Then text and count are what the regular expressions gave
      expect([masker.mask(text), masker.count], text).to.deep.equal(oracleMask(text));
    }
  });

  it('gives the former results on 4 KB adversarial messages', () => {
    for (const [name, make] of Object.entries(ADVERSARIAL)) {
      const text = make(4 * KB);
      const masker = createMasker();
      expect([masker.mask(text), masker.count], name).to.deep.equal(oracleMask(text));
    }
  });

  it('masks 256 KB adversarial messages within a CPU bound per MB (a ratio to an indexOf scan)', () => {
    // Linear scanners measure about 1,500–6,000 indexOf scans here; the former expressions took
    // seconds (about 10^6 scans) at 64 KB. The bound leaves a margin of over 15× for a slow, loaded machine.
    const MAX_RATIO = 100_000;
    const report: string[] = [];
    for (const [name, make] of Object.entries(ADVERSARIAL)) {
      // Given a 256 KB message (the CloudWatch Logs maximum) built to stress one rule
      const text = make(256 * KB);
      expect(text.length, name).to.equal(256 * KB);
      const masker = createMasker();
      masker.mask(make(8 * KB)); // compiled before it is measured
      // When it is masked
      let out = '';
      const ms = cpuMs(() => {
        out = masker.mask(text);
      });
      const base = indexOfScanMs(text);
      const ratio = ms / base;
      report.push(`${name}: ${ms.toFixed(1)} ms CPU (${(ms * 4).toFixed(0)} ms/MB), ${ratio.toFixed(0)}× an indexOf scan`);
      // Then the CPU time is a bounded multiple of one plain scan of the same text
      expect(ratio, `${name}: ${ms.toFixed(1)} ms CPU = ${ratio.toFixed(0)}× an indexOf scan (${base.toFixed(4)} ms)`).to.be.below(MAX_RATIO);
      expect(out.length, name).to.be.greaterThan(0);
    }
    if (process.env.MASK_REPORT) console.log(report.join('\n'));
  });

  it('masks what the adversarial shapes hide when they do end in a secret', () => {
    // Given long runs before a real credential
    const masker = createMasker();
    // Then the credential after them is still found, and nothing else is touched
    expect(masker.mask(`${fill('token ', 60 * KB)}token=abc`)).to.equal(`${fill('token ', 60 * KB)}token=${MASK}`);
    expect(masker.mask(`token="${fill('\\"', 60 * KB)}"`)).to.equal(`token="${MASK}"`);
    expect(masker.mask(`${fill('eyJ-', 60 * KB)} Bearer abcdefgh123`)).to.equal(`${fill('eyJ-', 60 * KB)} Bearer ${MASK}`);
    expect(masker.count).to.equal(3);
  });
});
