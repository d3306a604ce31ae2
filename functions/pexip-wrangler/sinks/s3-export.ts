import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createGzip } from 'node:zlib';
import type { S3Like } from '../../shared/dead-letter';
import type { ExportObject } from '../core/exports';
import { describeAwsError, isTransientAwsError } from './aws-errors';

/** The lines gzip'd as they are written: no uncompressed copy of a whole object is ever built. */
export async function gzipLines(count: number, lineOf: (k: number) => string): Promise<Buffer> {
  const z = createGzip();
  const chunks: Buffer[] = [];
  z.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    z.on('end', resolve);
    z.on('error', reject);
  });
  for (let k = 0; k < count; k++) {
    if (!z.write(`${lineOf(k)}\n`)) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(chunks);
}

export interface ExportResult {
  written: string[];
  bytes: number;
  transient: { object: ExportObject; reason: string }[];
  permanent: { object: ExportObject; reason: string }[];
}

/** Puts each planned object (gzip NDJSON, one record a line), a few at a time. */
export async function putExportObjects(s3: S3Like, bucket: string, objects: ExportObject[], jsonOf: (i: number) => string, parallel = 4): Promise<ExportResult> {
  const result: ExportResult = { written: [], bytes: 0, transient: [], permanent: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < objects.length) {
      const object = objects[next++]!;
      try {
        const zipped = await gzipLines(object.lines.length, (k) => jsonOf(object.lines[k]!));
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: zipped, ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' }));
        result.written.push(object.key);
        result.bytes += zipped.length;
      } catch (err) {
        const reason = `S3 export to s3://${bucket}/${object.key} failed: ${describeAwsError(err)}`;
        (isTransientAwsError(err) ? result.transient : result.permanent).push({ object, reason });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, objects.length) }, worker));
  return result;
}
