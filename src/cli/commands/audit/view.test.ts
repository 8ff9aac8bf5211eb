import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/support/recording-logger.js';
import type { AuditEvent } from '../../../audit/audit-event.js';
import { auditExportView } from './view.js';

describe('the audit export view', () => {
  it('writes events as JSON lines, streamed lines as they are, and lines that are not events as a warning', async () => {
    const logger = recordingLogger();
    const stdout = new PassThrough();
    const taken: string[] = [];
    stdout.on('data', (chunk: Buffer) => taken.push(chunk.toString('utf8')));
    const view = auditExportView({ logger }, stdout);
    const event = { timestamp: '2026-12-02T10:00:00.000Z', event: 'submitted' } as unknown as AuditEvent;
    view.event(event);
    await view.lines('{"a":1}\n{"a":2}\n');
    view.notEvents(2, 'state/audit.jsonl');
    expect(logger.written.out).toEqual([JSON.stringify(event)]);
    expect(taken.join('')).toBe('{"a":1}\n{"a":2}\n');
    expect(logger.written.warn).toEqual(['Warning: 2 lines of state/audit.jsonl are not events; left out.']);
  });

  it('rejects when stdout fails, so the export stops', async () => {
    const stdout = new PassThrough();
    stdout.destroy();
    await expect(auditExportView({ logger: recordingLogger() }, stdout).lines('x\n')).rejects.toThrow();
  });
});
