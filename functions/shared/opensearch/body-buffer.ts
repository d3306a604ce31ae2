/**
 * Request bodies as bytes: items are encoded into a buffer as they are added (action line,
 * source, newline), so a large batch never holds tens of thousands of strings while it is sent.
 * A `Chunk` is one request body; each `Slot` records where one item sits in it, so failed items
 * can be copied into a smaller body for a retry without re-encoding. Pure memory management, no I/O.
 */
import { actionLine } from './ndjson';

const NEWLINE = 10;

/** One item inside an encoded body. */
export interface Slot<R> {
  ref: R;
  index: string;
  id: string | undefined;
  action: 'create' | 'index';
  start: number;
  sourceStart: number;
  end: number;
  /** The caller's source when it was truncated (failures report the original). */
  original: string | undefined;
  lastStatus: number;
  lastError: string;
}

export interface Chunk<R> {
  buf: Buffer;
  used: number;
  slots: Slot<R>[];
  /** The index every item belongs to when the body goes to `/<index>/_bulk` (action lines without `_index`). */
  index?: string | undefined;
}

export function newChunk<R>(bytes: number, index?: string): Chunk<R> {
  return { buf: Buffer.allocUnsafe(bytes), used: 0, slots: [], index };
}

/** Copies the given slots' bytes into a new chunk (retries send only what failed). */
export function subChunk<R>(from: Chunk<R>, slots: Slot<R>[]): Chunk<R> {
  let size = 0;
  for (const s of slots) size += s.end - s.start;
  const out = newChunk<R>(size, from.index);
  for (const s of slots) {
    const len = s.end - s.start;
    const shift = out.used - s.start;
    from.buf.copy(out.buf, out.used, s.start, s.end);
    s.start += shift;
    s.sourceStart += shift;
    s.end += shift;
    out.used += len;
    out.slots.push(s);
  }
  return out;
}

/** The item's source as text (failures report it). */
export function sourceOf<R>(chunk: Chunk<R>, s: Slot<R>): string {
  return chunk.buf.toString('utf8', s.sourceStart, s.end - 1);
}

/** Appends `line` + `source` + newline at `chunk.used` (the caller reserved the room); returns the slot. */
export function appendItem<R>(
  chunk: Chunk<R>,
  item: { ref: R; index: string; id?: string | undefined; action: 'create' | 'index' },
  line: string,
  source: string,
  original: string | undefined,
): Slot<R> {
  const buf = chunk.buf;
  const start = chunk.used;
  let at = start + buf.write(line, start, 'utf8');
  const sourceStart = at;
  at += buf.write(source, at, 'utf8');
  buf[at++] = NEWLINE;
  chunk.used = at;
  const slot: Slot<R> = { ref: item.ref, index: item.index, id: item.id, action: item.action, start, sourceStart, end: at, original, lastStatus: 0, lastError: '' };
  chunk.slots.push(slot);
  return slot;
}

/**
 * Appends several items with one UTF-8 write (one call into the runtime per batch of items
 * instead of two per item, which cost more than the copying itself); `lines[i]` is item i's
 * action line. The caller reserved room for the UTF-16 length × 3 + 1 per item. Slots get exact
 * byte offsets: character offsets when everything was ASCII (bytes written = characters),
 * otherwise found from the newlines written. Returns whether everything was ASCII.
 */
export function appendItems<R>(
  chunk: Chunk<R>,
  items: readonly { ref: R; index: string; id?: string | undefined; action: 'create' | 'index'; source: string }[],
  lines: readonly string[],
): boolean {
  let text = '';
  for (let i = 0; i < items.length; i++) text += `${lines[i]!}${items[i]!.source}\n`;
  const buf = chunk.buf;
  const start = chunk.used;
  const written = buf.write(text, start, 'utf8');
  const ascii = written === text.length;
  let at = start;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const slotStart = at;
    let sourceStart: number;
    if (ascii) {
      sourceStart = at + lines[i]!.length;
      at = sourceStart + item.source.length + 1;
    } else {
      // Multi-byte text: the bytes tell where each line ends (action lines and sources are single
      // JSON lines; UTF-8 never has a 0x0A byte inside a character).
      sourceStart = buf.indexOf(NEWLINE, at) + 1;
      at = buf.indexOf(NEWLINE, sourceStart) + 1;
    }
    chunk.slots.push({ ref: item.ref, index: item.index, id: item.id, action: item.action, start: slotStart, sourceStart, end: at, original: undefined, lastStatus: 0, lastError: '' });
  }
  chunk.used = start + written;
  return ascii;
}

/** A chunk holding one slot re-encoded with a new source (a document cut down after a 413). */
export function reencodeOne<R>(s: Slot<R>, source: string, index?: string): Chunk<R> {
  const line = actionLine(s, index !== undefined);
  const chunk = newChunk<R>(Buffer.byteLength(line) + Buffer.byteLength(source) + 1, index);
  const slot = appendItem(chunk, s, line, source, s.original);
  // Keep the caller's slot object (it carries the attempt's status and error).
  Object.assign(s, { start: slot.start, sourceStart: slot.sourceStart, end: slot.end });
  chunk.slots[0] = s;
  return chunk;
}

/**
 * Full-size body buffers, reused across requests and invocations (at most `keep` kept): no 5 MiB
 * allocation and first-touch page faults per request. Smaller buffers are not pooled.
 */
export interface BufferPool {
  take(bytes: number): Buffer;
  give(buf: Buffer): void;
}

export function createBufferPool(fullBytes: number, keep: number): BufferPool {
  const pool: Buffer[] = [];
  return {
    take: (bytes) => (bytes === fullBytes && pool.length > 0 ? pool.pop()! : Buffer.allocUnsafe(bytes)),
    give: (buf) => {
      if (buf.length === fullBytes && pool.length <= keep) pool.push(buf);
    },
  };
}
