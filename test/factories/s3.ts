import type { S3Event, S3EventRecord } from 'aws-lambda';

/** One object for an S3 event: key as stored (the factory URL-encodes it like S3 does). */
export interface S3ObjectSpec {
  bucket: string;
  key: string;
  size?: number;
  eTag?: string;
  versionId?: string;
  eventName?: string;
  region?: string;
}

/** S3 URL-encodes keys in notifications, with `+` for space. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

export function s3Record(o: S3ObjectSpec): S3EventRecord {
  const region = o.region ?? 'eu-west-1';
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: '2024-05-28T13:40:00.000Z',
    eventName: o.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAELBDELIVERY' },
    requestParameters: { sourceIPAddress: '10.0.0.1' },
    responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'elb-logs',
      bucket: { name: o.bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${o.bucket}` },
      object: {
        key: encodeS3Key(o.key),
        size: o.size ?? 0,
        eTag: o.eTag ?? 'd41d8cd98f00b204e9800998ecf8427e',
        ...(o.versionId ? { versionId: o.versionId } : {}),
        sequencer: '0055AED6DCD90281E5',
      },
    },
  };
}

/** An S3 event notification (what a direct bucket notification delivers to Lambda). */
export function s3Event(...objects: S3ObjectSpec[]): S3Event {
  return { Records: objects.map(s3Record) };
}

/** An EventBridge "Object Created" event (S3 → EventBridge → rule → Lambda); keys are not encoded. */
export function eventBridgeObjectCreated(o: S3ObjectSpec): Record<string, unknown> {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2024-05-28T13:40:00Z',
    region: o.region ?? 'eu-west-1',
    resources: [`arn:aws:s3:::${o.bucket}`],
    detail: {
      version: '0',
      bucket: { name: o.bucket },
      object: { key: o.key, size: o.size ?? 0, etag: o.eTag ?? 'd41d8cd98f00b204e9800998ecf8427e', ...(o.versionId ? { 'version-id': o.versionId } : {}), sequencer: '00617F08299329D189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      reason: 'PutObject',
    },
  };
}
