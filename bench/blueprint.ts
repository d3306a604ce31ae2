/**
 * The baseline the shipper is measured against: a small re-implementation, written for this
 * benchmark from the documented behaviour of the AWS console's "LogsToElasticsearch" Node.js
 * blueprint (the function the console creates for "Stream to Amazon OpenSearch Service"). No
 * code of the blueprint is vendored or copied. What it does per subscription payload:
 *
 *   base64 → gunzip → JSON.parse → for every log event:
 *     source = extractedFields (numeric-looking values as numbers, a value containing JSON also
 *              as `$<key>`) when present, else the JSON object found from the message's first
 *              `{` to its end (validated by parsing it, then parsed again), else {};
 *     source['@id'], ['@timestamp'] (ISO), ['@message'], ['@owner'], ['@log_group'], ['@log_stream'];
 *     body += JSON.stringify({ index: { _index: 'cwl-YYYY.MM.DD', _id } }) + '\n' + JSON.stringify(source) + '\n'
 *   → one SigV4-signed POST /_bulk → JSON.parse of the answer, failed items collected.
 *
 * Differences kept in its favour: the (long obsolete) `_type` is left out, Kinesis records are
 * decoded in one invocation and their bodies sent in requests of up to 5 MiB (the blueprint sends
 * one request per payload, which would cost it more round trips), and signing uses the same
 * library as the shipper. It does not mask secrets (the shipper does).
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { KinesisStreamEvent } from 'aws-lambda';
import aws4 from 'aws4';

interface Payload {
  messageType: string;
  owner: string;
  logGroup: string;
  logStream: string;
  logEvents: { id: string; timestamp: number; message: string; extractedFields?: Record<string, string> }[];
}

function isNumeric(v: string): boolean {
  return !Number.isNaN(parseFloat(v)) && Number.isFinite(Number(v));
}

function isValidJson(text: string): boolean {
  try {
    JSON.parse(text);
  } catch {
    return false;
  }
  return true;
}

function extractJson(message: string): string | null {
  const start = message.indexOf('{');
  if (start < 0) return null;
  const sub = message.substring(start);
  return isValidJson(sub) ? sub : null;
}

function buildSource(message: string, extracted: Record<string, string> | undefined): Record<string, unknown> {
  if (extracted) {
    const source: Record<string, unknown> = {};
    for (const key in extracted) {
      const value = extracted[key];
      if (!Object.prototype.hasOwnProperty.call(extracted, key) || !value) continue;
      if (isNumeric(value)) {
        source[key] = Number(value);
        continue;
      }
      const json = extractJson(value);
      if (json !== null) source[`$${key}`] = JSON.parse(json);
      source[key] = value;
    }
    return source;
  }
  const json = extractJson(message);
  return json !== null ? (JSON.parse(json) as Record<string, unknown>) : {};
}

const two = (n: number): string => `0${n}`.slice(-2);

/** The blueprint's transform of one decoded payload into NDJSON bulk text ('' for control messages). */
export function blueprintTransform(payload: Payload): string {
  if (payload.messageType === 'CONTROL_MESSAGE') return '';
  let body = '';
  for (const e of payload.logEvents) {
    const t = new Date(1 * e.timestamp);
    const index = ['cwl-' + t.getUTCFullYear(), two(t.getUTCMonth() + 1), two(t.getUTCDate())].join('.');
    const source = buildSource(e.message, e.extractedFields);
    source['@id'] = e.id;
    source['@timestamp'] = new Date(1 * e.timestamp).toISOString();
    source['@message'] = e.message;
    source['@owner'] = payload.owner;
    source['@log_group'] = payload.logGroup;
    source['@log_stream'] = payload.logStream;
    body += [JSON.stringify({ index: { _index: index, _id: e.id } }), JSON.stringify(source)].join('\n') + '\n';
  }
  return body;
}

/** The blueprint's core for one Kinesis record's data: decode + transform to bulk text. */
export function blueprintRecord(data: string): string {
  return blueprintTransform(JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as Payload);
}

const MAX_REQUEST = 5 * 1024 * 1024;

/** The whole blueprint handler over a Kinesis batch, posting to `endpoint` (http, for the local stub). */
export function blueprintHandler(endpoint: string, region: string) {
  const url = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true });
  const post = (body: string): Promise<{ failed: number }> => {
    const req = aws4.sign({
      host: url.host, path: '/_bulk', method: 'POST', service: 'es', region, body,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!, sessionToken: process.env.AWS_SESSION_TOKEN });
    return new Promise((resolve, reject) => {
      const r = http.request({ agent, hostname: url.hostname, port: url.port, path: '/_bulk', method: 'POST', headers: req.headers as Record<string, string> }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          const info = JSON.parse(text) as { errors?: boolean; items?: Record<string, { status: number }>[] };
          let failed = 0;
          if (info.errors) for (const item of info.items ?? []) if ((item.index?.status ?? 0) >= 300) failed++;
          resolve({ failed });
        });
      });
      r.on('error', reject);
      r.end(body);
    });
  };
  return async (event: KinesisStreamEvent): Promise<{ failed: number; requests: number; bytes: number }> => {
    let body = '';
    let failed = 0;
    let requests = 0;
    let bytes = 0;
    for (const record of event.Records) {
      body += blueprintRecord(record.kinesis.data);
      if (body.length >= MAX_REQUEST) {
        bytes += Buffer.byteLength(body);
        requests++;
        failed += (await post(body)).failed;
        body = '';
      }
    }
    if (body) {
      bytes += Buffer.byteLength(body);
      requests++;
      failed += (await post(body)).failed;
    }
    return { failed, requests, bytes };
  };
}
