/**
 * Shell entry point for the local services:
 *   npx tsx scripts/services/services.ts install   # download + verify OpenSearch into .local/ (idempotent)
 *   npx tsx scripts/services/services.ts up        # start moto + OpenSearch on free loopback ports until Ctrl-C
 */
import { startMoto, TEST_AWS_ENV } from '../../test/support/moto';
import { startOpenSearch } from '../../test/support/opensearch';
import { ensureOpenSearchInstalled } from './opensearch-install';

async function main(command: string | undefined): Promise<void> {
  if (command === 'install') {
    const install = await ensureOpenSearchInstalled(console.log);
    console.log(`OpenSearch ${install.version} at ${install.home} (${install.fresh ? `installed in ${install.ms} ms` : 'already installed'})`);
    return;
  }
  if (command === 'up') {
    const [moto, search] = await Promise.all([startMoto(), startOpenSearch({ log: console.log })]);
    console.log(`moto:       ${moto.endpoint}   (AWS_ENDPOINT_URL; credentials ${TEST_AWS_ENV.AWS_ACCESS_KEY_ID}, region ${TEST_AWS_ENV.AWS_REGION})`);
    console.log(`OpenSearch: ${search.endpoint}   (${search.version}, no security plugin)`);
    console.log('Ctrl-C stops both.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await Promise.all([moto.stop(), search.stop()]);
    return;
  }
  throw new Error(`usage: services.ts install|up (got ${command ?? 'nothing'})`);
}

main(process.argv[2]).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
