// The append-only audit log: whole JSON lines, fsynced before the state write that depends on them. A line torn
// by a crash mid-append is moved aside to audit.jsonl.torn on open, never silently dropped.

import { appendFile, mkdir, open, readFile, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { appendDurably } from '../files/durable-write.js';
import { redactSecrets } from '../redaction.js';
import type { AuditEvent } from './audit-event.js';

export interface AuditSink {
  append(events: readonly AuditEvent[]): Promise<void>;
}

export class AuditLog implements AuditSink {
  private constructor(readonly path: string) {}

  /** Opens (and repairs) the log at `path`; the file is created on the first append. */
  static async open(path: string): Promise<{ log: AuditLog; repairedBytes: number }> {
    await mkdir(dirname(path), { recursive: true });
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
  const size = await stat(path).then((s) => s.size, () => 0);
  if (size === 0) return 0;
  const text = await readFile(path);
  if (text[text.length - 1] === 0x0a) return 0;
  const lastNewline = text.lastIndexOf(0x0a);
  const fragment = text.subarray(lastNewline + 1);
  await appendFile(`${path}.torn`, Buffer.concat([fragment, Buffer.from('\n')]));
  await truncate(path, lastNewline + 1);
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return fragment.length;
}

/** Every event in the log, skipping nothing: a line that does not parse is an error naming its number. */
export async function readAuditLog(path: string): Promise<AuditEvent[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as AuditEvent;
      } catch {
        throw new Error(`${path}:${index + 1} is not a JSON line`);
      }
    });
}
