/**
 * Splits a byte stream into lines without ever holding more than one line (bounded by
 * `maxLineBytes`) beyond the current chunk. Handles `\n` and `\r\n`, a last line without a
 * terminator, and lines longer than the bound: those are reported as `tooLong` with their
 * first `maxLineBytes` bytes, and the rest of the line is skipped, so one corrupt line cannot
 * exhaust memory. Line numbers are 1-based and count every line, blank ones included.
 */
export interface LineSink {
  (line: string, lineNumber: number, tooLong: boolean): void;
}

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflow = false;
  private lineNumber = 0;
  /** Bytes consumed so far (input to the splitter, i.e. uncompressed). */
  bytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer, sink: LineSink): void {
    this.bytes += chunk.length;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        this.keep(chunk.subarray(start));
        return;
      }
      if (this.pendingBytes === 0 && !this.overflow) {
        const end = nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl;
        if (end - start > this.maxLineBytes) {
          sink(chunk.toString('utf8', start, start + this.maxLineBytes), ++this.lineNumber, true);
        } else {
          sink(chunk.toString('utf8', start, end), ++this.lineNumber, false);
        }
      } else {
        this.keep(chunk.subarray(start, nl));
        this.emitPending(sink);
      }
      start = nl + 1;
    }
  }

  /** Call once at the end of the stream: emits a last line that had no terminator. */
  end(sink: LineSink): void {
    if (this.pendingBytes > 0 || this.overflow) this.emitPending(sink);
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.overflow) return;
    const room = this.maxLineBytes + 1 - this.pendingBytes; // +1: room for a trailing \r
    if (piece.length > room) {
      this.pending.push(piece.subarray(0, room));
      this.pendingBytes += room;
      this.overflow = true;
      return;
    }
    this.pending.push(piece);
    this.pendingBytes += piece.length;
  }

  private emitPending(sink: LineSink): void {
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    if (!this.overflow && buf.length > 0 && buf[buf.length - 1] === 13) buf = buf.subarray(0, buf.length - 1);
    const tooLong = this.overflow || buf.length > this.maxLineBytes;
    sink(buf.toString('utf8', 0, Math.min(buf.length, this.maxLineBytes)), ++this.lineNumber, tooLong);
    this.pending = [];
    this.pendingBytes = 0;
    this.overflow = false;
  }
}
