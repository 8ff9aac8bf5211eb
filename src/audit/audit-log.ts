// The append-only audit log: whole JSON lines, chained (audit-chain.ts), fsynced before the state write that
// depends on them. A line torn by a crash mid-append is moved aside to audit.jsonl.torn on open, never silently
// dropped. Appends must not overlap, in this process or another (the local store holds a lock around them).

import { makeDirectory } from '../files/file-kind.js';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { appendDurably } from '../files/durable-write.js';
import { EMPTY_HEAD, chainLines, headOfLine, plainLines } from './audit-chain.js';
import type { AuditHead } from './audit-chain.js';
import type { AuditEvent } from './audit-event.js';
import { scanAuditLog } from './scan-audit-log.js';
import { fsPromises } from '../on-first-use.js';

/** Where a state directory's audit log lives: beside the state, as `audit.jsonl`. */
export function auditLogPath(stateDir: string): string {
  return join(stateDir, 'audit.jsonl');
}

export class AuditLog {
  /** The chain's end as this process last wrote or read it, and the file size it was true at. */
  private tail: { size: number; head: AuditHead } | undefined;

  private constructor(
    readonly path: string,
    private readonly chained: boolean,
  ) {}

  /**
   * Opens (and repairs) the log at `path`; the file is created on the first append. `chained: false` writes
   * plain lines, as versions before the chain did: only for measuring what the chain costs (`npm run bench`).
   */
  static async open(path: string, chained = true): Promise<{ log: AuditLog; repairedBytes: number }> {
    await makeDirectory(dirname(path));
    const repairedBytes = await repairTornTail(path);
    return { log: new AuditLog(path, chained), repairedBytes };
  }

  /** The chain's head after the last append, or as read from the file's last line. */
  head(): Promise<AuditHead> {
    return this.pastTornTail(() => this.readHead());
  }

  /**
   * Appends the events as chained lines; returns the chain's head after them. `recorded` is the head the state
   * records: a log that ends before it lost its tail, and nothing is chained onto it (that would hide the cut).
   */
  async append(events: readonly AuditEvent[], recorded?: AuditHead): Promise<AuditHead> {
    if (events.length === 0) return this.head();
    return this.pastTornTail(() => this.appendAfterTail(events, recorded));
  }

  /** Runs `work`; when another process was killed mid-append, its torn line is moved aside first, not chained on. */
  private async pastTornTail<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof TornTail)) throw error;
      await repairTornTail(this.path);
      return work();
    }
  }

  private async readHead(): Promise<AuditHead> {
    const handle = await fsPromises()
      .open(this.path, 'r')
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
    if (handle === undefined) return EMPTY_HEAD;
    try {
      return await this.headAt(handle, (await handle.stat()).size);
    } finally {
      await handle.close();
    }
  }

  private async appendAfterTail(events: readonly AuditEvent[], recorded: AuditHead | undefined): Promise<AuditHead> {
    let appended: { size: number; head: AuditHead } | undefined;
    try {
      // All the lines or none: a failed append (a full disk) is cut back before the error reaches the caller.
      await appendDurably(this.path, async (handle, size) => {
        // Each event is one line behind its chain fields; redaction is a second guard, as callers keep secrets out.
        const tail = this.chained ? await this.headAt(handle, size) : EMPTY_HEAD;
        if (recorded !== undefined && this.chained) refuseIfCut(this.path, tail, recorded);
        const { text, head } = this.chained ? chainLines(events, tail) : { text: plainLines(events), head: tail };
        appended = { size: size + Buffer.byteLength(text), head };
        return text;
      });
    } catch (error) {
      this.tail = undefined;
      throw error;
    }
    this.tail = appended!;
    return appended!.head;
  }

  /**
   * The head at `size`: the one this process wrote, unless the file changed since; then its last line's. A last
   * line without its newline (another writer killed mid-append) is TornTail.
   */
  private async headAt(handle: FileHandle, size: number): Promise<AuditHead> {
    if (this.tail?.size === size) return this.tail.head;
    const start = await lastLineStart(handle, size - 1);
    const line = Buffer.alloc(Math.max(0, size - start));
    if (line.length > 0) await handle.read(line, 0, line.length, start);
    if (line.length > 0 && line.at(-1) !== 0x0a) throw new TornTail();
    // A log written before the chain (its last line has no chain fields) starts one here.
    const head = (line.length > 1 ? headOfLine(line.subarray(0, -1)) : undefined) ?? EMPTY_HEAD;
    this.tail = { size, head };
    return head;
  }
}

/** The log ends in a torn line: it is moved aside, and the append tried again. */
class TornTail extends Error {}

/** Refuses to extend a log whose tail is shorter than, or other than, the head the state records. */
function refuseIfCut(path: string, tail: AuditHead, recorded: AuditHead): void {
  if (tail.seq > recorded.seq || (tail.seq === recorded.seq && tail.hash === recorded.hash)) return;
  throw new AuditTailError(
    tail.seq < recorded.seq
      ? `${path} ends at sequence number ${tail.seq}, but the state records its head at ${recorded.seq}: the log's tail was cut, or the file replaced; nothing was written`
      : `${path} ends at sequence number ${tail.seq} with another line than the state records: the log was rewritten; nothing was written`,
    {
      hint: 'Run `cxone-exports audit verify` to see where, and restore the log from Git (git checkout -- <the log>) or a backup before running again.',
    },
  );
}

/** The audit log no longer ends where the state says it does: writing on would hide what happened to it. */
export class AuditTailError extends UsageError {}

async function repairTornTail(path: string): Promise<number> {
  const handle = await fsPromises()
    .open(path, 'r+')
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  if (handle === undefined) return 0;
  try {
    const size = (await handle.stat()).size;
    const lineStart = await lastLineStart(handle, size);
    if (lineStart === size) return 0;
    // Only the torn tail is read, never the whole log: it may be very large.
    const fragment = Buffer.alloc(size - lineStart);
    await handle.read(fragment, 0, fragment.length, lineStart);
    await fsPromises().appendFile(`${path}.torn`, Buffer.concat([fragment, Buffer.from('\n')]));
    await handle.truncate(lineStart);
    await handle.sync();
    return fragment.length;
  } finally {
    await handle.close();
  }
}

/** Where the last line begins: just after the last newline (the file's size when it ends with one). */
async function lastLineStart(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline !== -1) return start + newline + 1;
    end = start;
  }
  return 0;
}

/** Every event in the log, in order (for tests and small logs); a line that does not parse is an error. */
export async function readAuditLog(path: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  await scanAuditLog(path, {
    onEvent: (event) => events.push(event),
    onBadLine: (line) => {
      throw new Error(`${path}:${line} is not a JSON line`);
    },
  });
  return events;
}

/** The warning for lines a scan skipped: they count for nothing, and the file says where. */
export function damagedLinesWarning(displayPath: string, badLines: number): string {
  return `Warning: ${badLines} line${badLines === 1 ? '' : 's'} of ${displayPath} ${badLines === 1 ? 'is' : 'are'} not JSON and ${badLines === 1 ? 'was' : 'were'} skipped. Find ${badLines === 1 ? 'it' : 'them'} with: grep -vn '^{' ${displayPath}`;
}
