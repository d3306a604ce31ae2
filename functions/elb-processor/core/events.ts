/** One S3 object to process, from either event shape. */
export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
  /** Why the object cannot be processed (its key is not valid URL encoding); `key` is then as received. */
  problem?: string;
}

interface S3NotificationRecord {
  eventSource?: string;
  eventName?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string; versionId?: string; eTag?: string } };
}

interface EventBridgeObjectCreated {
  source?: string;
  'detail-type'?: string;
  detail?: { bucket?: { name?: string }; object?: { key?: string; 'version-id'?: string; etag?: string } };
}

/**
 * Objects named by an S3 event notification (`Records[]`, keys URL-encoded with `+` for
 * space) or an EventBridge "Object Created" event (`detail`, keys not encoded).
 * Throws on anything else: a wrongly wired trigger should fail loudly, not be ignored.
 */
export function objectsFromEvent(event: unknown): ObjectRef[] {
  const e = event as { Records?: S3NotificationRecord[] } & EventBridgeObjectCreated;
  if (Array.isArray(e.Records)) {
    return e.Records.filter((r) => r.eventSource === 'aws:s3' && (r.eventName ?? '').startsWith('ObjectCreated')).map((r) => {
      const bucket = r.s3?.bucket?.name;
      const rawKey = r.s3?.object?.key;
      if (!bucket || rawKey === undefined) throw new Error('S3 event record without bucket name or object key');
      const extra = { versionId: r.s3?.object?.versionId, eTag: r.s3?.object?.eTag };
      try {
        return clean({ bucket, key: decodeURIComponent(rawKey.replace(/\+/g, ' ')), ...extra });
      } catch (err) {
        // One bad key must not fail the other objects of the event: it becomes a failed object with the reason.
        return { ...clean({ bucket, key: rawKey, ...extra }), problem: `object key is not valid URL encoding (${(err as Error).message})` };
      }
    });
  }
  if (e.source === 'aws.s3' && e['detail-type'] === 'Object Created' && e.detail) {
    const bucket = e.detail.bucket?.name;
    const key = e.detail.object?.key;
    if (!bucket || key === undefined) throw new Error('EventBridge Object Created event without bucket name or object key');
    return [clean({ bucket, key, versionId: e.detail.object?.['version-id'], eTag: e.detail.object?.etag })];
  }
  throw new Error('unsupported event: expected S3 notification Records or an EventBridge "Object Created" event');
}

function clean(o: ObjectRef): ObjectRef {
  const out: ObjectRef = { bucket: o.bucket, key: o.key };
  if (o.versionId) out.versionId = o.versionId;
  if (o.eTag) out.eTag = o.eTag;
  return out;
}
