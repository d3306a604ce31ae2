// Placeholder until the shipper issue lands: the log-pipeline construct bundles this folder.
export async function handler(): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  throw new Error('shipper: not implemented yet');
}
