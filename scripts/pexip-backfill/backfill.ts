import { createReadStream, openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createGunzip, gzip as gzipCb } from 'node:zlib';
import { exportFolder, EXPORT_OBJECT_SUFFIX, type PexipKind } from '../../functions/pexip-wrangler/contract';
import { wrangleLine } from '../../functions/pexip-wrangler/core/wrangle';

const gzip = promisify(gzipCb);

/**
 * Wrangles syslog files from the syslog server (plain or gzip, as logrotate leaves them) into the
 * wrangler's S3 layout, line by line: records wait in per-folder buffers that are written as
 * numbered part objects when they grow (the largest first once the total passes the cap), so
 * memory stays bounded whatever the file size. Keys derive from the file's path and the part
 * number, so loading the same files again overwrites instead of duplicating rows.
 */
export interface ObjectSink {
  /** Where objects go, for messages (`s3://bucket/` or a folder). */
  readonly where: string;
  put(key: string, body: Buffer): Promise<void>;
}

export interface BackfillOptions {
  paths: string[];
  sink: ObjectSink;
  prefix: string;
  /** Kind of every line; by default from the file name (audispd → audit, apache/httpd → web), else each line's shape. */
  kind?: PexipKind;
  /** Uncompressed bytes of one part object. @default 32 MiB */
  partBytes?: number;
  /** Uncompressed bytes buffered across all folders before the largest is written. @default 96 MiB */
  bufferBytes?: number;
  progress?: (text: string) => void;
}

export interface BackfillSummary {
  files: number;
  linesRead: number;
  records: number;
  parseErrors: number;
  objectsWritten: number;
  /** Records written per class. */
  classes: Record<string, number>;
}

/** Regular files under the given files and folders, sorted, hidden ones skipped. */
export function listFiles(paths: string[]): string[] {
  const out: string[] = [];
  const todo = paths.map((p) => resolve(p));
  while (todo.length > 0) {
    const p = todo.pop()!;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (!e.startsWith('.')) todo.push(join(p, e));
    } else if (st.isFile()) out.push(p);
  }
  return out.sort();
}

export function kindOfFile(path: string): PexipKind | undefined {
  const name = basename(path).toLowerCase();
  if (name.startsWith('audispd') || name.startsWith('audit')) return 'audit';
  if (name.startsWith('apache') || name.startsWith('httpd')) return 'web';
  return undefined;
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

interface Pending {
  folder: string;
  lines: string[];
  bytes: number;
  part: number;
}

export async function backfill(opts: BackfillOptions): Promise<BackfillSummary> {
  const partBytes = opts.partBytes ?? 32 * 2 ** 20;
  const bufferBytes = opts.bufferBytes ?? 96 * 2 ** 20;
  const summary: BackfillSummary = { files: 0, linesRead: 0, records: 0, parseErrors: 0, objectsWritten: 0, classes: {} };
  const progress = opts.progress ?? (() => undefined);

  for (const file of listFiles(opts.paths)) {
    summary.files++;
    const kind = opts.kind ?? kindOfFile(file);
    const node = basename(dirname(file)); // /var/log/syslog/<host>/<program>.log
    // Host folder and file name: the same file loaded again, from any mount point, gets the same keys.
    const sourceId = `${node}-${basename(file)}`.replace(/[^A-Za-z0-9._-]/g, '_');
    const pending = new Map<string, Pending>();
    const parts = new Map<string, number>();
    let buffered = 0;
    const flush = async (p: Pending): Promise<void> => {
      const part = (parts.get(p.folder) ?? 0) + 1;
      parts.set(p.folder, part);
      const key = `${p.folder}backfill-${sourceId}-${String(part).padStart(4, '0')}${EXPORT_OBJECT_SUFFIX}`;
      await opts.sink.put(key, await gzip(p.lines.join('')));
      summary.objectsWritten++;
      buffered -= p.bytes;
      pending.delete(p.folder);
    };

    const input = createReadStream(file);
    const text = isGzip(file) ? input.pipe(createGunzip()) : input;
    const reader = createInterface({ input: text, crlfDelay: Infinity });
    let lastEpochMs: number | undefined;
    let lines = 0;
    let lastReport = Date.now();
    for await (const line of reader) {
      lines++;
      summary.linesRead++;
      if (line.trim() === '') continue;
      // A line without a time of its own is placed at the previous line's.
      const w = wrangleLine(line, { kind, fallbackEpochMs: lastEpochMs, fallbackNode: node });
      if (w.parseError === undefined || lastEpochMs === undefined) lastEpochMs = w.epochMs;
      summary.records++;
      if (w.parseError !== undefined) summary.parseErrors++;
      summary.classes[w.cls] = (summary.classes[w.cls] ?? 0) + 1;
      const folder = exportFolder(opts.prefix, w.kind, w.cls, w.epochMs);
      let p = pending.get(folder);
      if (!p) pending.set(folder, (p = { folder, lines: [], bytes: 0, part: 0 }));
      const json = `${JSON.stringify(w.record)}\n`;
      p.lines.push(json);
      p.bytes += json.length;
      buffered += json.length;
      if (p.bytes >= partBytes) await flush(p);
      else if (buffered >= bufferBytes) await flush([...pending.values()].reduce((a, b) => (b.bytes > a.bytes ? b : a)));
      if (Date.now() - lastReport >= 2000) {
        lastReport = Date.now();
        progress(`${file}: ${lines} lines, ${summary.records} records so far, ${summary.parseErrors} parse errors`);
      }
    }
    for (const p of [...pending.values()]) await flush(p);
    progress(`${file}: ${lines} lines done`);
  }
  return summary;
}

/** The summary as a user reads it at the end of a run. */
export function formatSummary(s: BackfillSummary, where: string): string {
  const width = Math.max(5, ...Object.keys(s.classes).map((c) => c.length));
  const classes = Object.entries(s.classes).sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => `  ${c.padEnd(width)}  ${n}`);
  return [
    `backfill: ${s.files} files, ${s.linesRead} lines read, ${s.records} records, ${s.parseErrors} parse errors, ${s.objectsWritten} objects written to ${where}`,
    'records per class:',
    ...classes,
  ].join('\n');
}
