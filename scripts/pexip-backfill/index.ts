/**
 * `npm run pexip:backfill -- [--bucket <name> | --out <folder>] [--prefix pexip/] [--kind support|audit|web] <files or folders>`
 *
 * Loads syslog history (plain or gzip files from /var/log/syslog/<host>/) into the Pexip wrangler's
 * S3 layout, so a new deployment has the logs it missed. `--bucket` writes to S3 (the SDK's usual
 * credentials and AWS_ENDPOINT_URL*), `--out` to a local folder with the same keys.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createS3Client } from '../../functions/shared/dead-letter';
import { KEY_PREFIX_RULE } from '../../functions/shared/contract';
import { PEXIP_DEFAULTS, PEXIP_ENV, PEXIP_KINDS, type PexipKind } from '../../functions/pexip-wrangler/contract';
import { backfill, formatSummary, type ObjectSink } from './backfill';

export function folderSink(root: string): ObjectSink {
  const base = resolve(root);
  return {
    where: `${base}/`,
    async put(key, body) {
      const path = join(base, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    },
  };
}

export function s3Sink(bucket: string): ObjectSink {
  const s3 = createS3Client(process.env);
  return {
    where: `s3://${bucket}/`,
    async put(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' }));
    },
  };
}

export interface CliArgs {
  paths: string[];
  bucket?: string;
  out?: string;
  prefix: string;
  kind?: PexipKind;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliArgs | string {
  const args: CliArgs = { paths: [], prefix: env[PEXIP_ENV.exportPrefix] ?? PEXIP_DEFAULTS.exportPrefix, bucket: env[PEXIP_ENV.exportBucket] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | undefined => argv[++i];
    if (a === '--bucket') args.bucket = value();
    else if (a === '--out') args.out = value();
    else if (a === '--prefix') args.prefix = value() ?? '';
    else if (a === '--kind') args.kind = value() as PexipKind;
    else if (a.startsWith('--')) return `unknown option ${a}`;
    else args.paths.push(a);
  }
  if (args.paths.length === 0) return 'give the syslog files or folders to load';
  if (!args.bucket && !args.out) return `give --bucket <name> (or ${PEXIP_ENV.exportBucket}) or --out <folder>`;
  if (args.bucket && args.out) return 'give --bucket or --out, not both';
  if (!KEY_PREFIX_RULE.pattern.test(args.prefix)) return `--prefix must be ${KEY_PREFIX_RULE.describe}, got "${args.prefix}"`;
  if (args.kind !== undefined && !(PEXIP_KINDS as readonly string[]).includes(args.kind)) return `--kind must be one of ${PEXIP_KINDS.join(', ')}`;
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`pexip:backfill: ${args}\nusage: npm run pexip:backfill -- [--bucket <name> | --out <folder>] [--prefix pexip/] [--kind support|audit|web] <files or folders>\n`);
    process.exit(2);
  }
  const sink = args.out ? folderSink(args.out) : s3Sink(args.bucket!);
  const summary = await backfill({ paths: args.paths, sink, prefix: args.prefix, kind: args.kind, progress: (t) => process.stderr.write(`${t}\n`) });
  process.stdout.write(`${formatSummary(summary, `${sink.where}${args.prefix}`)}\n`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`pexip:backfill failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
