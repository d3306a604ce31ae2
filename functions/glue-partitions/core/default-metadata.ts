import type { PexipMetadata } from './metadata';
import { validatePexipMetadata } from './metadata';
// The original project's file, shipped as data (source and license: ../metadata/SOURCE.md).
import metadata from '../metadata/pexip_logs_metadata.json';

/** The bundled metadata (validated once, on first use). */
let cached: PexipMetadata | undefined;
export function defaultPexipMetadata(): PexipMetadata {
  cached ??= validatePexipMetadata(metadata, 'bundled pexip_logs_metadata.json');
  return cached;
}
