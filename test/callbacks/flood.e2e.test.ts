// Refused requests cannot grow the audit log without bound: every one is counted in the metrics, and the audit
// holds one line per reason per window plus a summary with the count. Counters equal what the log says.

import { testClock } from '../support/test-clock.js';
import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/audit-log.js';
import { stampEvent } from '../../src/audit/audit-event.js';
import { END_EVENTS, ExecutionEnds } from '../../src/audit/execution-ends.js';
import { scanAuditLog } from '../../src/audit/scan-audit-log.js';
import { ReceiverMetrics, seedMetricsFromAuditLog } from '../../src/callbacks/receiver-metrics.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { completion, postCallback, repoWithQueuedExecutions, startReceiver } from '../support/receiver.js';

/** The events of the audit log at `path`, as the receiver reads them. */
const auditEvents = (path: string) => new LocalFileStore({ stateDir: dirname(path), auditPath: path });

const SECRET = 'whsec-flood';
const identity = { actor: 'test', runId: 'run-1', gitSha: undefined, toolVersion: '0.1.0' };

/** Sends `total` refused requests over `connections` parallel loops, as fast as they go. */
async function flood(
  url: string,
  total: number,
  connections: number,
  options: Parameters<typeof postCallback>[2],
): Promise<number[]> {
  const statuses: number[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (sent < total) {
        sent++;
        statuses.push((await postCallback(url, completion('exe-0'), options)).status);
      }
    }),
  );
  return statuses;
}

const rejectedTotal = (text: string) =>
  [...text.matchAll(/cxone_exports_callbacks_rejected_total\{reason="[^"]+"\} (\d+)/g)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );

describe('a flood of refused callbacks', () => {
  it('counts every refusal, and audits a bounded number of lines per reason and window', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    // Starts at the real time, so that signatures made now are within the allowed skew.
    const started = Date.now();
    const clock = testClock(started);
    const { url, metrics, rejections } = await startReceiver(dir, { secrets: [SECRET] }, { clock });
    const auditPath = join(dir, '.cxone-exports', 'audit.jsonl');

    const unsigned = await flood(url, 1500, 16, {});
    const wrong = await flood(url, 500, 16, { secret: 'whsec-wrong' });
    expect([...unsigned, ...wrong].every((status) => status === 401)).toBe(true);
    expect(rejectedTotal((await metrics.render()).body)).toBe(2000);
    // One line per reason so far: the first refusal of each.
    const firstLines = await readAuditLog(auditPath);
    expect(firstLines.map((e) => [e.reason, e.count])).toEqual([
      ['missing-credentials', 1],
      ['bad-signature', 1],
    ]);

    // The next window: its first refusal closes the last one with a summary line.
    clock.advance(61_000);
    await flood(url, 100, 4, {});
    await rejections.close();
    const audit = await readAuditLog(auditPath);
    // Per reason and window: the first line and one summary.
    expect(audit.length).toBe(6);
    expect(statSync(auditPath).size).toBeLessThan(3000);
    expect(audit.reduce((sum, e) => sum + (e.count ?? 1), 0)).toBe(2100);
    expect(audit.find((e) => e.reason === 'missing-credentials' && e.count === 1499)).toMatchObject({
      sources: ['127.0.0.1'],
      until: new Date(started + 60_000).toISOString(),
    });

    // A receiver started on this log counts exactly what the running one counted.
    const restarted = new ReceiverMetrics();
    await seedMetricsFromAuditLog(restarted, auditEvents(auditPath));
    expect(rejectedTotal((await restarted.render()).body)).toBe(rejectedTotal((await metrics.render()).body));
  });

  it('after a crash between the audit line and the state write, redelivered callbacks are counted once, as status counts them', async () => {
    const { dir } = await repoWithQueuedExecutions(20);
    const auditPath = join(dir, '.cxone-exports', 'audit.jsonl');
    // What a kill -9 mid-batch leaves: completion lines for exe-0..9 that the state never recorded.
    const orphaned = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify(
        stampEvent(identity, '2026-11-28T10:00:00.000Z', {
          event: 'execution.completed',
          export: `export-${i}`,
          executionId: `exe-${i}`,
          status: 'completed',
          rowsExported: 500,
          latencyMs: 250_000,
          formatValidated: true,
          sanitizationApplied: false,
          reason: 'callback',
        }),
      ),
    );
    writeFileSync(auditPath, `${orphaned.join('\n')}\n`);

    const metrics = new ReceiverMetrics();
    await seedMetricsFromAuditLog(metrics, auditEvents(auditPath));
    const { url } = await startReceiver(dir, { secrets: [SECRET] }, {});
    // CXone redelivers all 20 (the 10 were never acknowledged).
    for (let i = 0; i < 20; i++)
      expect((await postCallback(url, completion(`exe-${i}`), { secret: SECRET })).status).toBe(200);
    for (const event of await readAuditLog(auditPath))
      if (END_EVENTS.includes(event.event)) metrics.recordExecution(event);

    const ends = new ExecutionEnds();
    await scanAuditLog(auditPath, { events: END_EVENTS, onEvent: (event) => ends.add(event) });
    expect(ends.list()).toHaveLength(20);
    expect((await metrics.render()).body).toMatch(/cxone_exports_executions_total\{status="completed"\} 20\n/);
    const reseeded = new ReceiverMetrics();
    await seedMetricsFromAuditLog(reseeded, auditEvents(auditPath));
    expect((await reseeded.render()).body).toMatch(/cxone_exports_executions_total\{status="completed"\} 20\n/);
  });
});
