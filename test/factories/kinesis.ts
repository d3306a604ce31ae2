import { gunzipSync } from 'node:zlib';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { cwlPayload, encodePayload, type CwlOptions, type CwlEvent, type CwlPayload } from './cwl';

/**
 * Kinesis event-source events for Lambda (shape from the AWS Lambda documentation, "Using
 * Lambda with Kinesis"), with deterministic, increasing sequence numbers.
 */
const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/logs-to-opensearch';
let sequence = 0;

export function resetSequence(): void {
  sequence = 0;
}

/** A record carrying raw `data` (already base64), e.g. for poison-record tests. */
export function kinesisRecord(data: string, opts: { partitionKey?: string; sequenceNumber?: string } = {}): KinesisStreamRecord {
  const sequenceNumber = opts.sequenceNumber ?? `4959033827149025660855969253836157109592157598${String(++sequence).padStart(10, '0')}`;
  const shardId = 'shardId-000000000000';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: opts.partitionKey ?? 'a1b2c3d4e5f6',
      sequenceNumber,
      data,
      approximateArrivalTimestamp: 1704164645.678,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/logs-shipper',
    awsRegion: 'eu-west-1',
    eventSourceARN: STREAM_ARN,
  };
}

/** A record carrying a CloudWatch Logs subscription message (see `cwlPayload`). */
export function cwlRecord(events: number | (string | Partial<CwlEvent>)[] = 1, opts: CwlOptions = {}): KinesisStreamRecord {
  return kinesisRecord(encodePayload(cwlPayload(events, opts)));
}

export function kinesisEvent(records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}

/** The subscription message inside a record (for assertions). */
export function payloadOf(record: KinesisStreamRecord): CwlPayload {
  return JSON.parse(gunzipSync(Buffer.from(record.kinesis.data, 'base64')).toString('utf8')) as CwlPayload;
}

export function seqOf(event: KinesisStreamEvent, record: number): string {
  return event.Records[record]!.kinesis.sequenceNumber;
}

export function idOf(event: KinesisStreamEvent, record: number, logEvent: number): string {
  return payloadOf(event.Records[record]!).logEvents[logEvent]!.id;
}
