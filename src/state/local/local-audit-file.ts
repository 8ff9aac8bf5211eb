// The local backend's audit access: {stateDir}/audit.jsonl (or the configured file), appended through one
// AuditLog per run under a lock (audit.jsonl.lock) so every process chains onto the true last line, scanned
// from an offset, streamed as bytes for `audit verify`, and read back in batches for a move to another backend.

import { createReadStream } from 'node:fs';
import type { AuditEvent } from '../../audit/audit-event.js';
import type { AuditHead } from '../../audit/audit-chain.js';
import { AuditLog } from '../../audit/audit-log.js';
import { scanAuditLog } from '../../audit/scan-audit-log.js';
import type { ScanOptions, ScanSummary } from '../../audit/scan-audit-log.js';
import { refuseIrregularFile } from '../../files/file-kind.js';
import { fsPromises, readline } from '../../on-first-use.js';
import { AppendLock } from './append-lock.js';

export class LocalAuditFile {
  private log: Promise<{ log: AuditLog; repairedBytes: number }> | undefined;
  private readonly lock: AppendLock;

  /** `shown` is how the file is named in messages. */
  constructor(
    private readonly path: string,
    private readonly shown: string,
    /** False only to measure what the chain costs (`npm run bench`): plain lines, as before the chain. */
    private readonly chained = true,
  ) {
    this.lock = new AppendLock(`${path}.lock`, `${shown}.lock`);
  }

  /** Appends the events as chained lines after `recorded` (see AuditLog.append); returns the head after them. */
  async append(events: readonly AuditEvent[], recorded?: AuditHead): Promise<AuditHead> {
    const { log } = await this.open();
    return this.lock.hold(() => log.append(events, recorded));
  }

  /** The chain's head: where the next append continues. */
  async head(): Promise<AuditHead> {
    const { log } = await this.open();
    return this.lock.hold(() => log.head());
  }

  /** The log's bytes as stored, in chunks, at the pace `write` takes them; nothing when there is no log. */
  async stream(write: (chunk: Buffer) => Promise<void> | void, stop: () => boolean = () => false): Promise<void> {
    await refuseIrregularFile(this.path, this.shown);
    try {
      for await (const chunk of createReadStream(this.path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
        await write(chunk);
        if (stop()) return;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Opens the audit log once, moving a line torn by a crash aside; says how many bytes were moved. */
  open(): Promise<{ log: AuditLog; repairedBytes: number }> {
    this.log ??= refuseIrregularFile(this.path, this.shown).then(() => AuditLog.open(this.path, this.chained));
    return this.log;
  }

  async scan(options: ScanOptions): Promise<ScanSummary> {
    await refuseIrregularFile(this.path, this.shown);
    const from = options.from ?? 0;
    if (from === 0) return scanAuditLog(this.path, options);
    const size = await fsPromises()
      .stat(this.path)
      .then(
        (s) => s.size,
        () => 0,
      );
    if (size === from) return { lines: 0, badLines: 0, endOffset: from };
    // A shorter file was replaced (a checkout, a restore): it is read again from the start.
    return scanAuditLog(this.path, { ...options, from: size < from ? 0 : from });
  }

  /** The events in order, in batches of `size`; a line that is not an event is counted by `onBadLine`. */
  async *batches(size: number, onBadLine: (lineNumber: number) => void): AsyncIterable<AuditEvent[]> {
    let batch: AuditEvent[] = [];
    let lineNumber = 0;
    // A missing log fails the first read (ENOENT): there are no events to move.
    const lines = readline().createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        lineNumber++;
        if (line.trim() === '') continue;
        try {
          batch.push(JSON.parse(line) as AuditEvent);
        } catch {
          onBadLine(lineNumber);
          continue;
        }
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (batch.length > 0) yield batch;
  }
}
