// Reads audit.jsonl as a stream, line by line, in bounded memory: a log of any size (a flood, years of runs)
// never has to fit in one string. Only lines a caller asks for are parsed. The last piece without a newline is
// an append in progress (or torn by a crash) and is not an event yet; a line that does not parse is reported
// with its number and skipped, so one damaged line cannot stop `status` or `serve`.

import { createReadStream } from 'node:fs';
import type { AuditEvent, AuditEventName } from './audit-event.js';

/** Longer lines are not ours (no event comes near this); they are skipped as damaged. */
const MAX_LINE_BYTES = 1024 * 1024;

export interface ScanOptions {
  /** Parse only lines of these events (all when omitted). */
  events?: readonly AuditEventName[];
  onEvent: (event: AuditEvent) => void;
  /** A line that is not a JSON object: its 1-based number. */
  onBadLine?: (lineNumber: number) => void;
}

export interface ScanSummary {
  lines: number;
  badLines: number;
}

export async function scanAuditLog(path: string, options: ScanOptions): Promise<ScanSummary> {
  const needles = options.events?.map((name) => `"event":"${name}"`);
  let carry: Buffer | undefined;
  let skippingLongLine = false;
  let lines = 0;
  let badLines = 0;
  const bad = () => {
    badLines++;
    options.onBadLine?.(lines);
  };
  const handle = (text: string) => {
    if (needles !== undefined && !needles.some((needle) => text.includes(needle))) return;
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      bad();
      return;
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) bad();
    else options.onEvent(event as AuditEvent);
  };
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      const buffer = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
      let start = 0;
      for (let newline = buffer.indexOf(10, start); newline !== -1; newline = buffer.indexOf(10, start)) {
        lines++;
        if (skippingLongLine) {
          skippingLongLine = false;
          bad();
        } else if (newline > start) handle(buffer.toString('utf8', start, newline));
        start = newline + 1;
      }
      carry = start < buffer.length ? buffer.subarray(start) : undefined;
      if (carry !== undefined && carry.length > MAX_LINE_BYTES) {
        skippingLongLine = true;
        carry = undefined;
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: 0, badLines: 0 };
    throw error;
  }
  return { lines, badLines };
}
