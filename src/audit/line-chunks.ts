// Whole lines out of a stream of byte chunks (a file read in pieces, a database's COPY): a chunk may end inside a
// line, or inside a character, and the piece is kept until its newline comes. Lines are handed over as byte
// ranges, so a caller that only hashes or searches them never decodes them.

export class LineChunks {
  private carry: Buffer | undefined;

  /** Bytes after the last newline so far: a line still being written, or torn. */
  get partialBytes(): number {
    return this.carry?.length ?? 0;
  }

  /**
   * Hands `onLine` each line the chunk completes, without its newline, in order; `onLine` returns false to stop
   * (the rest of the chunk is dropped, and nothing is kept for the next one).
   */
  push(chunk: Buffer, onLine: (bytes: Buffer, start: number, end: number) => boolean | void): void {
    let start = 0;
    if (this.carry !== undefined) {
      const newline = chunk.indexOf(10);
      if (newline === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const joined = Buffer.concat([this.carry, chunk.subarray(0, newline + 1)]);
      this.carry = undefined;
      if (onLine(joined, 0, joined.length - 1) === false) return;
      start = newline + 1;
    }
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      if (onLine(chunk, start, end) === false) return;
      start = end + 1;
    }
    // A copy: the chunk's buffer may be reused by whoever read it.
    if (start < chunk.length) this.carry = Buffer.from(chunk.subarray(start));
  }
}
