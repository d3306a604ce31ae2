import { createS3Client } from '../shared/dead-letter';
import { lambdaEntry } from '../shared/entry';
import { loadConfig } from './config';
import { defaultPexipMetadata } from './core/default-metadata';
import { parsePexipMetadata, type PexipMetadata } from './core/metadata';
import { pexipDatabases, pexipTables } from './core/pexip-tables';
import type { ExportCatalog } from './core/partitions';
import { CatalogWriter, createGlueClient } from './glue';
import { createHandler } from './handler';

/** The Lambda entry point: configuration, metadata and clients once per container. */
export const handler = lambdaEntry((env) => {
  const config = loadConfig(env);
  let catalog: Promise<ExportCatalog> | undefined;
  const load = async (): Promise<PexipMetadata> => {
    const uri = config.metadataUri;
    if (!uri) return defaultPexipMetadata();
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = createS3Client(env);
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: uri.bucket, Key: uri.key }));
      return parsePexipMetadata(await out.Body!.transformToString(), `s3://${uri.bucket}/${uri.key}`);
    } finally {
      s3.destroy();
    }
  };
  return createHandler({
    config,
    catalog: () =>
      (catalog ??= load()
        .then((metadata) => ({
          bucket: config.exportBucket,
          prefix: config.exportPrefix,
          tables: pexipTables({ metadata, bucket: config.exportBucket, prefix: config.exportPrefix, projection: false }),
          databases: Object.fromEntries(pexipDatabases(metadata).map((d) => [d.kind, d.name])),
        }))
        // A failed load is retried on the next invocation, not cached.
        .catch((e) => {
          catalog = undefined;
          throw e;
        })),
    writer: new CatalogWriter(createGlueClient(env), config.catalogId),
  });
});
