import { isUtf8 } from 'node:buffer';

/**
 * Splits a byte stream into lines without ever holding more than one line (bounded by
 * `maxLineBytes`) beyond the current chunk. Handles `\n`, `\r\n` and a lone `\r` (old Mac
 * endings, or a writer that dropped the `\n`: every record must come out, not the first one
 * with the rest hidden behind it; AWS escapes control bytes inside fields, so a raw CR is
 * always a line end), a last line without a terminator, and lines longer than the bound: those are reported as `tooLong` with their
 * first `maxLineBytes` bytes, and the rest of the line is skipped, so one corrupt line cannot
 * exhaust memory. Line numbers are 1-based and count every line, blank ones included.
 */
export interface LineSink {
  (line: string, lineNumber: number, tooLong: boolean): void;
}

/**
 * The same lines as bytes: `buf[start, end)` (valid only during the call). A too-long line is
 * given as its first `maxLineBytes` bytes. Decode with `LineSplitter.decode` to count invalid UTF-8.
 */
export interface ByteLineSink {
  (buf: Buffer, start: number, end: number, lineNumber: number, tooLong: boolean): void;
}

const LF = 10;
const CR = 13;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflow = false;
  private lineNumber = 0;
  /** The last chunk ended with a CR: a LF first in the next chunk is part of that CRLF. */
  private afterCR = false;
  /** Bytes consumed so far (input to the splitter, i.e. uncompressed). */
  bytes = 0;
  /** Lines holding bytes that are not UTF-8 (decoded as U+FFFD, so counted rather than replaced silently). */
  invalidUtf8Lines = 0;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer, sink: LineSink): void {
    this.pushBytes(chunk, this.asText(sink));
  }

  /** Call once at the end of the stream: emits a last line that had no terminator. */
  end(sink: LineSink): void {
    this.endBytes(this.asText(sink));
  }

  /**
   * A line's bytes as text; lines holding bytes that are not UTF-8 are counted (`invalidUtf8Lines`).
   * A too-long line is cut, maybe inside a character: it is a failed line already, so it is not counted.
   */
  decode(buf: Buffer, start: number, end: number, tooLong: boolean): string {
    return tooLong ? buf.toString('utf8', start, end) : this.text(buf, start, end);
  }

  private asText(sink: LineSink): ByteLineSink {
    return (buf, start, end, lineNumber, tooLong) => sink(this.decode(buf, start, end, tooLong), lineNumber, tooLong);
  }

  /** As `push`, handing each line over as bytes (no string unless the sink makes one). */
  pushBytes(chunk: Buffer, sink: ByteLineSink): void {
    this.bytes += chunk.length;
    let start = 0;
    if (this.afterCR && chunk.length > 0) {
      // A CRLF split across chunks: the LF belongs to the line the CR ended.
      this.afterCR = false;
      if (chunk[0] === LF) start = 1;
    }
    let cr = -2; // next CR at or after `start`; -1 when the chunk holds no more, -2 before the first search
    for (;;) {
      const lf = chunk.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        next = cr + 1 < chunk.length ? (chunk[cr + 1] === LF ? cr + 2 : cr + 1) : cr + 1;
        if (cr + 1 === chunk.length) this.afterCR = true;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        this.keep(chunk.subarray(start));
        return;
      }
      if (this.pendingBytes === 0 && !this.overflow) {
        if (end - start > this.maxLineBytes) {
          sink(chunk, start, start + this.maxLineBytes, ++this.lineNumber, true);
        } else {
          sink(chunk, start, end, ++this.lineNumber, false);
        }
      } else {
        this.keep(chunk.subarray(start, end));
        this.emitPending(sink);
      }
      start = next;
    }
  }

  /** As `end`, for `pushBytes`. */
  endBytes(sink: ByteLineSink): void {
    if (this.pendingBytes > 0 || this.overflow) this.emitPending(sink);
  }

  private text(buf: Buffer, start: number, end: number): string {
    const s = buf.toString('utf8', start, end);
    // A U+FFFD is rare in logs: only then are the bytes checked.
    if (s.indexOf('\uFFFD') !== -1 && !isUtf8(buf.subarray(start, end))) this.invalidUtf8Lines++;
    return s;
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.overflow) return;
    const room = this.maxLineBytes + 1 - this.pendingBytes; // +1: enough to know the line is too long
    if (piece.length > room) {
      this.pending.push(piece.subarray(0, room));
      this.pendingBytes += room;
      this.overflow = true;
      return;
    }
    this.pending.push(piece);
    this.pendingBytes += piece.length;
  }

  private emitPending(sink: ByteLineSink): void {
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const tooLong = this.overflow || buf.length > this.maxLineBytes;
    const end = Math.min(buf.length, this.maxLineBytes);
    sink(buf, 0, end, ++this.lineNumber, tooLong);
    this.pending = [];
    this.pendingBytes = 0;
    this.overflow = false;
  }
}
