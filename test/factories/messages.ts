/**
 * Deterministic, realistic log messages of the kinds CloudWatch Logs carries (~200 bytes
 * each): JSON (structured loggers), the Lambda Node.js runtime format, key=value (logfmt),
 * plain text, and multi-line stack traces. Shapes follow the AWS Lambda documentation and
 * common logger output; the values are invented. Shared by tests and benchmarks.
 */
export type MessageKind = 'json' | 'lambda' | 'kv' | 'text' | 'stack';
export const MESSAGE_KINDS: MessageKind[] = ['json', 'lambda', 'kv', 'text', 'stack'];

const PATHS = ['/api/orders', '/api/users/42', '/health', '/api/cart/items', '/login'];
const LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG'];
const uuid = (i: number): string => `6f1c${String(i).padStart(4, '0')}-9a2b-4c3d-8e4f-${String(i * 7919).padStart(12, '0').slice(-12)}`;
const iso = (i: number): string => new Date(Date.UTC(2024, 0, 2, 3, 4, 5) + i * 13).toISOString();

export function message(kind: MessageKind, i: number): string {
  const path = PATHS[i % PATHS.length]!;
  const level = LEVELS[i % LEVELS.length]!;
  switch (kind) {
    case 'json':
      return JSON.stringify({ level: level.toLowerCase(), time: iso(i), msg: 'request completed', method: 'GET', path, status: 200 + (i % 5), duration_ms: (i * 37) % 1000, user: `u-${i % 977}`, trace_id: uuid(i) });
    case 'lambda':
      return `${iso(i)}\t${uuid(i)}\t${level}\tProcessed order ${100000 + i} for customer c-${i % 4099} in ${(i * 13) % 500} ms (items=${1 + (i % 9)}, total=${(i % 10000) / 100} EUR)\n`;
    case 'kv':
      return `time=${iso(i)} level=${level.toLowerCase()} msg="cache refresh finished" component=catalog keys=${i % 5000} evicted=${i % 17} took=${(i * 3) % 900}ms host=ip-10-0-${i % 255}-${(i * 7) % 255}`;
    case 'text':
      return `[${level}] ${iso(i)} Worker ${i % 16} picked job ${uuid(i)} from queue orders-priority; attempt ${1 + (i % 3)} of 5, backlog ${i % 1200} messages, lag ${(i * 11) % 60}s`;
    case 'stack':
      return `${iso(i)}\t${uuid(i)}\tERROR\tTypeError: Cannot read properties of undefined (reading 'id')\n    at handler (/var/task/index.js:${10 + (i % 90)}:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
  }
}

/** The i-th message of a mixed stream, cycling through every kind. */
export function mixedMessage(i: number): string {
  return message(MESSAGE_KINDS[i % MESSAGE_KINDS.length]!, i);
}

/** A hostile JSON message: `{"a":{"a":…{"m":"<text>"}…}}`, `depth` objects deep (truncation and rendering must not recurse on it). */
export function deepJsonMessage(depth: number, text: string): string {
  return `${'{"a":'.repeat(depth - 1)}{"m":${JSON.stringify(text)}}${'}'.repeat(depth - 1)}`;
}
