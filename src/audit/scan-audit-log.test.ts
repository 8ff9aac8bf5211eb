import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from './audit-event.js';
import { scanAuditLog } from './scan-audit-log.js';

const line = (event: string, id: number) =>
  JSON.stringify({
    timestamp: 't',
    event,
    export: null,
    executionId: `exe-${id}`,
    actor: 'a',
    runId: 'r',
    toolVersion: 'v',
  });

function logFile(text: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cxone-scan-')), 'audit.jsonl');
  writeFileSync(path, text);
  return path;
}

describe('scanAuditLog', () => {
  it('delivers the wanted events in file order across chunk boundaries, and counts every line', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) =>
      line(i % 3 === 0 ? 'execution.completed' : i % 3 === 1 ? 'callback.rejected' : 'execution.intent', i),
    );
    const path = logFile(`${lines.join('\n')}\n`);
    const seen: AuditEvent[] = [];
    const summary = await scanAuditLog(path, {
      events: ['execution.completed', 'callback.rejected'],
      onEvent: (e) => seen.push(e),
    });
    expect(summary).toMatchObject({ lines: 30_000, badLines: 0 });
    expect(seen).toHaveLength(20_000);
    expect(seen.map((e) => Number(e.executionId!.slice(4)))).toEqual(
      Array.from({ length: 30_000 }, (_, i) => i).filter((i) => i % 3 !== 2),
    );
  });

  it('skips a damaged line with its number, and never reads a last line without its newline', async () => {
    const path = logFile(
      `${line('execution.completed', 1)}\n{"event":"execution.completed" oops\n\n${line('execution.completed', 2)}\n${line('execution.completed', 3).slice(0, 40)}`,
    );
    const bad: number[] = [];
    const seen: string[] = [];
    const summary = await scanAuditLog(path, {
      events: ['execution.completed'],
      onEvent: (e) => seen.push(e.executionId!),
      onBadLine: (n) => bad.push(n),
    });
    expect(seen).toEqual(['exe-1', 'exe-2']);
    expect(bad).toEqual([2]);
    expect(summary).toMatchObject({ lines: 4, badLines: 1 });
  });

  it('skips a line longer than any event, and reads on after it', async () => {
    const path = logFile(`${'x'.repeat(3 * 1024 * 1024)}\n${line('execution.completed', 7)}\n`);
    const seen: string[] = [];
    const bad: number[] = [];
    await scanAuditLog(path, { onEvent: (e) => seen.push(e.executionId!), onBadLine: (n) => bad.push(n) });
    expect(seen).toEqual(['exe-7']);
    expect(bad).toEqual([1]);
  });

  it('reads a missing log as empty', async () => {
    expect(await scanAuditLog(join(tmpdir(), 'no-such-dir-xyz', 'audit.jsonl'), { onEvent: () => undefined })).toEqual({
      lines: 0,
      badLines: 0,
      endOffset: 0,
    });
  });

  it('reads on from where the last scan ended, leaving an unfinished last line for the next one', async () => {
    const first = `${line('execution.completed', 1)}\n`;
    const partial = line('execution.completed', 2);
    const path = logFile(`${first}${partial.slice(0, 30)}`);
    const seen: string[] = [];
    const scan = await scanAuditLog(path, { onEvent: (e) => seen.push(e.executionId!) });
    expect(scan.endOffset).toBe(Buffer.byteLength(first));
    writeFileSync(path, `${first}${partial}\n${line('execution.completed', 3)}\n`);
    const next = await scanAuditLog(path, { from: scan.endOffset, onEvent: (e) => seen.push(e.executionId!) });
    expect(seen).toEqual(['exe-1', 'exe-2', 'exe-3']);
    expect(next.lines).toBe(2);
  });
});
