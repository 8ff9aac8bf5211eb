// Checks an audit chain as its bytes stream past, in bounded memory, and names the first place it breaks: a
// line edited (the next line's `prev` no longer matches it), lines removed (sequence numbers skipped), a line
// inserted or two swapped (numbers out of order), then against the head the state keeps, a cut tail or a
// whole log replaced. Lines before the chain began (written by an older version) are counted, not judged.

import { GENESIS_HASH, chainFieldsOf, headSignedWith, lineHash } from './audit-chain.js';
import type { AuditHead } from './audit-chain.js';
import { LineChunks } from './line-chunks.js';

export type ChainProblemKind =
  'edited' | 'removed' | 'inserted' | 'swapped' | 'unchained' | 'cut' | 'replaced' | 'added' | 'signature';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The 1-based line (or, in a database, the event in stored order) where the chain breaks. */
  line: number;
  message: string;
}

export interface ChainReport {
  /** Lines read and checked (up to the first problem). */
  lines: number;
  /** Lines before the chain began: written before this version, not covered. */
  unchained: number;
  /** The last chained line's sequence number and hash. */
  last: { seq: number; hash: string; line: number } | undefined;
  /** Lines after the head the state records (a run that stopped between its audit and its state write). */
  uncovered: number;
  /** Bytes after the last newline: a write in progress or torn, left out. */
  partialBytes: number;
  /** Whether the head's signature was checked with a key, and held. */
  signed: 'checked' | 'unchecked' | 'unsigned';
  problem: ChainProblem | undefined;
}

export interface VerifyOptions {
  /** The head the state keeps; undefined when it keeps none (yet). */
  head: AuditHead | undefined;
  /** True where the head is written with every line (a database); false where lines may run ahead of it. */
  headCoversAll: boolean;
  /** What the head's signature binds (a lineage, a database state), and the key to check it with. */
  scope: string;
  key: string | undefined;
  /** How a place is named in messages: `line 12`, or a database's `event seq 12`. */
  place: (line: number, seq?: number) => string;
}

interface Pending {
  line: number;
  seq: number;
  prev: string;
  hash: string;
}

export class ChainVerifier {
  private readonly lines = new LineChunks();
  private line = 0;
  private unchained = 0;
  private started = false;
  private seq = 0;
  private hash = GENESIS_HASH;
  private lastLine = 0;
  private headLine: { line: number; hash: string } | undefined;
  /** A line with skipped sequence numbers: removed lines, unless the next line says they were swapped. */
  private suspect: Pending | undefined;
  /** A line whose `prev` does not match: the line before it edited, unless the next line says it was inserted. */
  private mismatch: Pending | undefined;
  private problem: ChainProblem | undefined;

  constructor(private readonly options: VerifyOptions) {}

  /** True once a problem is found: nothing more needs reading. */
  get broken(): boolean {
    return this.problem !== undefined;
  }

  push(chunk: Buffer): void {
    if (this.problem !== undefined) return;
    this.lines.push(chunk, (bytes, start, end) => {
      this.lineAt(bytes, start, end);
      return this.problem === undefined;
    });
  }

  end(): ChainReport {
    if (this.suspect !== undefined && this.problem === undefined) this.removedBefore(this.suspect);
    if (this.mismatch !== undefined && this.problem === undefined) this.editedBefore(this.mismatch);
    if (this.problem === undefined) this.judgeHead();
    const last = this.started ? { seq: this.seq, hash: this.hash, line: this.lastLine } : undefined;
    const head = this.options.head;
    const uncovered = last === undefined || head === undefined ? (last?.seq ?? 0) : Math.max(0, last.seq - head.seq);
    return {
      lines: this.line,
      unchained: this.unchained,
      last,
      uncovered: this.problem === undefined ? uncovered : 0,
      partialBytes: this.problem === undefined ? this.lines.partialBytes : 0,
      signed: this.signed(),
      problem: this.problem,
    };
  }

  private lineAt(bytes: Buffer, start: number, end: number): void {
    this.line++;
    const fields = chainFieldsOf(bytes, start, end);
    const place = (line: number, seq?: number) => this.options.place(line, seq);
    if (fields === undefined) {
      if (!this.started) {
        this.unchained++;
        return;
      }
      return this.fail(
        'unchained',
        this.line,
        `${place(this.line)} has no chain fields, after the chain began: a line inserted, or rewritten without them`,
      );
    }
    const hash = lineHash(bytes.subarray(start, end));
    const current: Pending = { line: this.line, seq: fields.seq, prev: fields.prev, hash };
    if (this.suspect !== undefined) return this.afterSuspect(this.suspect, current);
    if (this.mismatch !== undefined) return this.afterMismatch(this.mismatch, current);
    this.judge(current);
  }

  private judge(current: Pending): void {
    const place = (line: number, seq?: number) => this.options.place(line, seq);
    const expected = this.seq + 1;
    if (!this.started && current.seq === 1 && current.prev !== GENESIS_HASH)
      return this.fail(
        'inserted',
        current.line,
        `${place(current.line, 1)} begins the chain but does not name the genesis hash: it was not written by cxone-exports`,
      );
    if (current.seq === expected) {
      if (current.prev === this.hash) return this.accept(current);
      this.mismatch = current;
      return;
    }
    if (current.seq > expected) {
      // Skipped numbers are removed lines, unless the next line is the missing one (two lines swapped).
      this.suspect = current;
      return;
    }
    this.fail(
      'inserted',
      current.line,
      `${place(current.line, current.seq)} has sequence number ${current.seq} where ${expected} was due${current.seq === this.seq ? `, as ${place(current.line - 1)} has: one of the two was inserted` : ': a line inserted, or lines moved'}`,
    );
  }

  private afterSuspect(suspect: Pending, current: Pending): void {
    this.suspect = undefined;
    const expected = this.seq + 1;
    const place = (line: number, seq?: number) => this.options.place(line, seq);
    if (current.seq === expected && current.prev === this.hash) {
      if (suspect.seq === expected + 1 && suspect.prev === current.hash)
        return this.fail(
          'swapped',
          suspect.line,
          `${place(suspect.line, suspect.seq)} and ${place(current.line, current.seq)} are swapped: sequence number ${suspect.seq} comes before ${current.seq}`,
        );
      return this.fail(
        'inserted',
        suspect.line,
        `${place(suspect.line, suspect.seq)} is not part of the chain (sequence number ${suspect.seq} where ${expected} was due, and the next line continues at ${expected}): it was inserted`,
      );
    }
    this.removedBefore(suspect);
  }

  private afterMismatch(mismatch: Pending, current: Pending): void {
    this.mismatch = undefined;
    if (current.seq === mismatch.seq && current.prev === this.hash)
      return this.fail(
        'inserted',
        mismatch.line,
        `${this.options.place(mismatch.line, mismatch.seq)} was inserted: it does not follow ${this.options.place(this.lastLine)}, and ${this.options.place(current.line)}, with the same sequence number ${current.seq}, does`,
      );
    this.editedBefore(mismatch);
  }

  private editedBefore(mismatch: Pending): void {
    const place = (line: number, seq?: number) => this.options.place(line, seq);
    this.fail(
      'edited',
      mismatch.line - 1,
      `${place(mismatch.line - 1, this.seq)} was changed after it was written: ${place(mismatch.line, mismatch.seq)} records its hash as ${short(mismatch.prev)}, and it hashes to ${short(this.hash)}`,
    );
  }

  private removedBefore(suspect: Pending): void {
    const expected = this.seq + 1;
    const missing = suspect.seq - expected;
    const numbers = missing === 1 ? `number ${expected}` : `numbers ${expected} to ${suspect.seq - 1}`;
    const where = this.started ? `after ${this.options.place(this.lastLine, this.seq)}` : 'at the start of the chain';
    this.fail(
      'removed',
      suspect.line,
      `${missing} line${missing === 1 ? ' was' : 's were'} removed ${where}: ${this.options.place(suspect.line, suspect.seq)} follows with sequence number ${suspect.seq}, and sequence ${numbers} ${missing === 1 ? 'is' : 'are'} missing`,
    );
  }

  private accept(current: Pending): void {
    this.started = true;
    this.seq = current.seq;
    this.hash = current.hash;
    this.lastLine = current.line;
    if (current.seq === this.options.head?.seq) this.headLine = { line: current.line, hash: current.hash };
  }

  /** Against the head the state keeps: the tail is all there, it is the same chain, and nothing came after. */
  private judgeHead(): void {
    const { head, headCoversAll, place } = this.options;
    if (head === undefined || head.seq === 0) {
      if (headCoversAll && this.started)
        this.fail(
          'added',
          this.lastLine,
          `the backend records no head, yet the log holds a chain up to ${place(this.lastLine, this.seq)}: the head was removed`,
        );
      return;
    }
    if (head.seq > this.seq)
      return this.fail(
        'cut',
        this.lastLine,
        this.started
          ? `the tail after ${place(this.lastLine, this.seq)} is missing: the state's head is at sequence number ${head.seq}, ${head.seq - this.seq} line${head.seq - this.seq === 1 ? '' : 's'} further`
          : `the chain is missing: the state's head is at sequence number ${head.seq}, and the log holds no chained line`,
      );
    if (this.headLine === undefined || this.headLine.hash !== head.hash)
      return this.fail(
        'replaced',
        this.headLine?.line ?? this.lastLine,
        `${place(this.headLine?.line ?? this.lastLine, head.seq)} does not match the head the state records (${short(head.hash)}): the log up to there was rewritten, or replaced by another chain`,
      );
    if (headCoversAll && this.seq > head.seq)
      return this.fail(
        'added',
        this.headLine.line + 1,
        `${this.seq - head.seq} line${this.seq - head.seq === 1 ? '' : 's'} after the head (from ${place(this.headLine.line + 1, head.seq + 1)}) ${this.seq - head.seq === 1 ? 'was' : 'were'} added outside cxone-exports`,
      );
    if (this.options.key !== undefined && !headSignedWith(head, this.options.scope, this.options.key))
      this.fail(
        'signature',
        this.headLine.line,
        head.signature === undefined
          ? 'the head the state records is not signed, though a key is set: it was written without the key'
          : 'the head the state records is not signed with this key: it was written by someone without it, or the key is another',
      );
  }

  private signed(): ChainReport['signed'] {
    const head = this.options.head;
    if (head?.signature === undefined) return 'unsigned';
    return this.options.key === undefined ? 'unchecked' : 'checked';
  }

  private fail(kind: ChainProblemKind, line: number, message: string): void {
    this.problem ??= { kind, line, message };
  }
}

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}
