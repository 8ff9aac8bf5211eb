// The append-only audit log: whole JSON lines, fsynced before the state write that depends on them. A line torn
// by a crash mid-append is moved aside to audit.jsonl.torn on open, never silently dropped.

import { makeDirectory } from '../files/file-kind.js';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { appendDurably } from '../files/durable-write.js';
import { redactSecrets } from '../redaction.js';
import type { AuditEvent } from './audit-event.js';
import { scanAuditLog } from './scan-audit-log.js';
import { fsPromises } from '../on-first-use.js';

export interface AuditSink {
  append(events: readonly AuditEvent[]): Promise<void>;
}

/** Where a state directory's audit log lives: beside the state, as `audit.jsonl`. */
export function auditLogPath(stateDir: string): string {
  return join(stateDir, 'audit.jsonl');
}

export class AuditLog implements AuditSink {
  private constructor(readonly path: string) {}

  /** Opens (and repairs) the log at `path`; the file is created on the first append. */
  static async open(path: string): Promise<{ log: AuditLog; repairedBytes: number }> {
    await makeDirectory(dirname(path));
    const repairedBytes = await repairTornTail(path);
    return { log: new AuditLog(path), repairedBytes };
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Each event is one line; redaction is a second guard, since callers already keep secrets out.
    const text = events.map((event) => `${redactSecrets(JSON.stringify(event))}\n`).join('');
    // All the lines or none: a failed append (a full disk) is cut back before the error reaches the caller.
    await appendDurably(this.path, text);
  }
}

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
