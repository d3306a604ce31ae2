import { createS3Client } from '../functions/shared/dead-letter';
import { formatSummary, parseArgs } from '../functions/dead-letter-replay/core';
import { replay } from '../functions/dead-letter-replay/replay';

/** `npm run replay -- --bucket <dead-letter bucket> …`: see functions/dead-letter-replay/core.ts USAGE and the README. */
async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2), process.env);
  const s3 = createS3Client(process.env);
  try {
    const summary = await replay(opts, s3, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`${formatSummary(summary, opts.dryRun)}\n`);
    process.exitCode = summary.stillRefused > 0 ? 2 : 0;
  } finally {
    s3.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
