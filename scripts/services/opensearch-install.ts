import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { unzipSync } from 'fflate';

/**
 * Installs a real single-node OpenSearch from Maven Central into the git-ignored `.local/` folder,
 * once: later calls find the finished install and return at once. The integ-test zip is the
 * smallest official distribution (no bundled JDK, no security plugin, only the transport-netty4
 * module), which is exactly what a local `_bulk`/search target needs.
 */
export const OPENSEARCH_VERSION = '2.19.6';

/** Pinned so a tampered or truncated download is refused (from the `.sha512` Maven Central serves next to the zip). */
const ZIP_SHA512 =
  '8adbfaa13162b8d42b388ece6b39bfb7f1a349ab9c128d4eced78ba1dd43b5a10850b43b8aac19fa5ab11f4d5c355ddf6f6617514d6112b0936a1903005d1d36';

const ZIP_URL =
  `https://repo1.maven.org/maven2/org/opensearch/distribution/integ-test-zip/opensearch/${OPENSEARCH_VERSION}/` +
  `opensearch-${OPENSEARCH_VERSION}.zip`;

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const LOCAL_DIR = join(PROJECT_ROOT, '.local');

export interface OpenSearchInstall {
  /** OPENSEARCH_HOME: holds bin/, lib/, modules/, config/. */
  home: string;
  version: string;
  /** True when this call downloaded and unpacked it. */
  fresh: boolean;
  ms: number;
}

async function download(url: string, target: string, log: (line: string) => void): Promise<Buffer> {
  if (existsSync(target)) {
    const cached = readFileSync(target);
    if (sha512(cached) === ZIP_SHA512) return cached;
    log(`cached ${target} has the wrong checksum; downloading again`);
  }
  log(`downloading ${url}`);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status} ${res.statusText}`);
  const body = Buffer.from(await res.arrayBuffer());
  const actual = sha512(body);
  if (actual !== ZIP_SHA512)
    throw new Error(`OpenSearch zip checksum mismatch: expected sha512 ${ZIP_SHA512}, got ${actual} (${body.length} bytes)`);
  writeFileSync(`${target}.part`, body);
  renameSync(`${target}.part`, target);
  return body;
}

function sha512(data: Buffer): string {
  return createHash('sha512').update(data).digest('hex');
}

/** Unpacks into a scratch folder and renames it into place, so a crash never leaves a half install that looks whole. */
function extract(zip: Buffer, home: string): void {
  const scratch = `${home}.unpacking`;
  rmSync(scratch, { recursive: true, force: true });
  const entries = unzipSync(new Uint8Array(zip));
  const prefix = `opensearch-${OPENSEARCH_VERSION}/`;
  for (const [name, bytes] of Object.entries(entries)) {
    if (!name.startsWith(prefix)) throw new Error(`unexpected entry ${name} in the OpenSearch zip`);
    const rel = name.slice(prefix.length);
    if (rel === '' || rel.includes('..')) continue;
    const path = join(scratch, rel);
    if (name.endsWith('/')) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
  // Zip unpacking here does not keep Unix modes: the launch scripts must be executable.
  for (const f of readdirSync(join(scratch, 'bin'))) chmodSync(join(scratch, 'bin', f), 0o755);
  rmSync(home, { recursive: true, force: true });
  renameSync(scratch, home);
}

export async function ensureOpenSearchInstalled(log: (line: string) => void = () => {}): Promise<OpenSearchInstall> {
  const started = Date.now();
  const home = join(LOCAL_DIR, `opensearch-${OPENSEARCH_VERSION}`);
  const marker = join(home, '.installed');
  if (existsSync(marker)) return { home, version: OPENSEARCH_VERSION, fresh: false, ms: Date.now() - started };
  mkdirSync(LOCAL_DIR, { recursive: true });
  const zip = await download(ZIP_URL, join(LOCAL_DIR, `opensearch-${OPENSEARCH_VERSION}.zip`), log);
  extract(zip, home);
  writeFileSync(marker, `${ZIP_URL}\nsha512 ${ZIP_SHA512}\n`);
  log(`installed OpenSearch ${OPENSEARCH_VERSION} in ${home}`);
  return { home, version: OPENSEARCH_VERSION, fresh: true, ms: Date.now() - started };
}
