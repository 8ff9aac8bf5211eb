import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../../../test/support/recording-logger.js';
import type { AuditEvent } from '../../../audit/audit-event.js';
import { auditExportView } from './view.js';

function captured() {
  const stdout = new PassThrough();
  const taken: string[] = [];
  stdout.on('data', (chunk: Buffer) => taken.push(chunk.toString('utf8')));
  return { stdout, text: () => taken.join('') };
}

const submitted: AuditEvent = {
  seq: 7,
  prev: 'a'.repeat(64),
  timestamp: '2026-11-12T03:00:01.250Z',
  event: 'execution.submitted',
  export: 'recordings-eu',
  executionId: 'exe-1',
  datasetId: 'ds-recordings',
  status: 'queued',
  environment: 'prod-acme',
  actor: 'ci\u001b[31m',
  runId: 'r',
  toolVersion: '1',
};

describe('the audit export view', () => {
  it('passes stored lines through as they are, and warns once per environment of lines that are not events', async () => {
    const logger = recordingLogger();
    const out = captured();
    const view = auditExportView({ logger }, out.stdout, 'jsonl');
    await view.lines('{"a":1}\n{"a":2}\n');
    await view.matched(JSON.stringify(submitted), submitted);
    view.notEvent();
    view.notEvent();
    view.done('state/audit.jsonl');
    view.done('state/audit.jsonl');
    expect(out.text()).toBe(`{"a":1}\n{"a":2}\n${JSON.stringify(submitted)}\n`);
    expect(logger.written.warn).toEqual(['Warning: 2 lines of state/audit.jsonl are not events; left out.']);
  });

  it('shows a table a reviewer reads, with the dataset of an execution on the line that ends it', async () => {
    const out = captured();
    const view = auditExportView({ logger: recordingLogger() }, out.stdout, 'table');
    await view.matched('', submitted);
    const completed: AuditEvent = { ...submitted, event: 'execution.completed', status: 'completed', rowsExported: 42 };
    delete completed.datasetId;
    await view.matched('', completed);
    const rows = out.text().split('\n');
    expect(rows[0]).toMatch(/^TIME +ENVIRONMENT +EVENT +EXPORT +EXECUTION +DATASET +DETAIL$/);
    expect(rows[1]).toMatch(
      /^2026-11-12 03:00:01 +prod-acme +execution.submitted +recordings-eu +exe-1 +ds-recordings +queued, by ci/,
    );
    expect(rows[2]).toMatch(/ds-recordings +completed, 42 rows, by ci/);
    // What comes from a file is shown, never interpreted by the terminal.
    expect(out.text()).not.toContain('\u001b');
  });

  it('rejects when stdout fails, so the export stops', async () => {
    const stdout = new PassThrough();
    stdout.destroy();
    await expect(auditExportView({ logger: recordingLogger() }, stdout, 'jsonl').lines('x\n')).rejects.toThrow();
  });
});
