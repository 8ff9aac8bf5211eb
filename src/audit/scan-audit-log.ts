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
  /** A line that is not a JSON object: its 1-based number (counted from `from`). */
  onBadLine?: (lineNumber: number) => void;
  /** The byte offset to start at: the `endOffset` of an earlier scan, to read only what was appended since. */
  from?: number;
}

export interface ScanSummary {
  lines: number;
  badLines: number;
  /** Where the last complete line ends: the next scan of a growing log starts here. */
  endOffset: number;
}

export async function scanAuditLog(path: string, options: ScanOptions): Promise<ScanSummary> {
  const needles = options.events?.map((name) => Buffer.from(`"event":"${name}"`));
  let carry: Buffer | undefined;
  let skippingLongLine = false;
  let lines = 0;
  let badLines = 0;
  let bytesRead = 0;
  const from = options.from ?? 0;
  const damaged = (lineNumber: number) => {
    badLines++;
    options.onBadLine?.(lineNumber);
  };
  const parse = (bytes: Buffer, start: number, stop: number, lineNumber: () => number) => {
    let event: unknown;
    try {
      event = JSON.parse(bytes.toString('utf8', start, stop));
    } catch {
      event = undefined;
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) damaged(lineNumber());
    else options.onEvent(event as AuditEvent);
  };
  /** The lines in bytes[start, end), which ends with a newline: counted, and the wanted ones parsed. */
  const region = (bytes: Buffer, start: number, end: number) => {
    const firstLine = lines + 1;
    lines += countNewlines(bytes, start, end);
    for (const lineStart of wantedLineStarts(bytes, start, end, needles)) {
      const stop = bytes.indexOf(10, lineStart);
      if (stop > lineStart) parse(bytes, lineStart, stop, () => firstLine + countNewlines(bytes, start, lineStart));
    }
  };
  try {
    for await (const chunk of createReadStream(path, {
      highWaterMark: 1024 * 1024,
      start: from,
    }) as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      let start = 0;
      if (carry !== undefined || skippingLongLine) {
        // The line that straddles the previous chunk: joined (it is short), or dropped if it is overlong.
        const newline = chunk.indexOf(10);
        if (newline === -1) {
          if (!skippingLongLine) carry = Buffer.concat([carry!, chunk]);
          if (carry !== undefined && carry.length > MAX_LINE_BYTES) [carry, skippingLongLine] = [undefined, true];
          continue;
        }
        if (skippingLongLine) {
          lines++;
          damaged(lines);
          skippingLongLine = false;
        } else {
          const joined = Buffer.concat([carry!, chunk.subarray(0, newline + 1)]);
          region(joined, 0, joined.length);
        }
        carry = undefined;
        start = newline + 1;
      }
      const end = chunk.lastIndexOf(10) + 1;
      if (end > start) region(chunk, start, end);
      const restStart = Math.max(start, end);
      if (restStart < chunk.length) {
        carry = chunk.subarray(restStart);
        if (carry.length > MAX_LINE_BYTES) [carry, skippingLongLine] = [undefined, true];
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: 0, badLines: 0, endOffset: 0 };
    throw error;
  }
  // A last line without its newline is not consumed: it is read whole by the next scan.
  return { lines, badLines, endOffset: from + bytesRead - (carry?.length ?? 0) };
}

/**
 * Where each wanted line in bytes[start, end) begins, in file order; every line when nothing in particular is
 * wanted. The search runs on the bytes (memmem), so unwanted lines are never decoded.
 */
function wantedLineStarts(bytes: Buffer, start: number, end: number, needles: readonly Buffer[] | undefined): number[] {
  const starts: number[] = [];
  if (needles === undefined) {
    for (let at = start; at < end; at = bytes.indexOf(10, at) + 1) starts.push(at);
    return starts;
  }
  for (const needle of needles) {
    for (let at = bytes.indexOf(needle, start); at !== -1 && at < end; at = bytes.indexOf(needle, at + needle.length)) {
      const lineStart = Math.max(start, bytes.lastIndexOf(10, at) + 1);
      if (starts.at(-1) !== lineStart) starts.push(lineStart);
    }
  }
  if (needles.length === 1) return starts;
  starts.sort((a, b) => a - b);
  return starts.filter((at, i) => i === 0 || starts[i - 1] !== at);
}

function countNewlines(bytes: Buffer, start: number, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(10, start); at !== -1 && at < end; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}
