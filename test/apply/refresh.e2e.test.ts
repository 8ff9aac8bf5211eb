// refresh against executions CXone no longer knows: one unknown execution is recorded as lost and the rest go on;
// only when every lookup answers 404 is the status path itself in doubt.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { applyRepo, command, readAudit, readState } from '../support/apply-repo.js';
import { startSimulator } from '../support/simulator.js';
import { seedState } from '../support/seed-state.js';

describe('refresh', () => {
  it('records an execution CXone does not know as lost, keeps going, and plans a retry that says why', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 600_000, msPerMillionRows: 0, failureRate: 0 } });
    // lostAfter 1 ms: the 404 a refresh first sees is noted, and the next refresh (a process later) ends it.
    const dir = applyRepo({
      exports: { a: 'da-1', b: 'da-2', c: 'da-3' },
      config: 'apply:\n  spacingMs: 0\nlimits:\n  lostAfter: 1ms\n',
    });
    const run = command(sim, dir);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    // b's execution is one CXone has never heard of (purged, or another tenant's).
    const store = new LocalFileStore({ stateDir: join(dir, '.cxone-exports') });
    const { state } = await store.read();
    const b = state.exports.b!;
    await seedState(store, {
      ...state.exports,
      b: { ...b, lastExecution: { ...b.lastExecution!, executionId: 'exe-vanished' } },
    });

    for (let pass = 0; pass < 3; pass++) {
      const refreshed = await run(['refresh']);
      expect(refreshed.code, refreshed.stderr).toBe(0);
      if (pass === 0) expect(refreshed.stdout).toContain('Refresh complete: 0 finished, 3 still running.');
      else if (pass === 1)
        expect(refreshed.stdout).toContain(
          'Refresh complete: 0 finished, 1 lost (CXone no longer knows them; the next plan retries them), 2 still running.',
        );
      else expect(refreshed.stdout).toContain('Refresh complete: 0 finished, 2 still running.');
    }
    const after = await readState(dir);
    expect(after.exports.b!.lastExecution).toMatchObject({
      status: 'lost',
      error: expect.stringMatching(
        /^CXone has no execution exe-vanished for data action da-2 \(GET \/api\/v2\/dataprep\/dataactions\/\{dataActionId\}\/executions\/\{executionId\} answered 404\) \(answering 404 since .*\)$/,
      ) as string,
    });
    expect(after.exports.a!.lastExecution!.status).toBe('queued');
    expect(readAudit(dir).filter((e) => e.status === 'lost')).toHaveLength(1);
    const plan = await run(['plan']);
    expect(plan.stdout).toMatch(/# b will be retried \(last execution lost at .*: CXone has no execution exe-vanished/);
  });

  it('says the status path is in doubt when every lookup answers 404', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 600_000, msPerMillionRows: 0, failureRate: 0 } });
    const dir = applyRepo({
      exports: { a: 'da-1', b: 'da-2' },
      config: 'apply:\n  spacingMs: 0\napi:\n  statusPath: /api/v9/elsewhere/{dataActionId}/{executionId}\n',
    });
    const run = command(sim, dir);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    const refreshed = await run(['refresh']);
    expect(refreshed.code).toBe(1);
    expect(refreshed.stderr).toContain(
      'status lookup answered 404 for every execution asked about (2); the status path may be wrong',
    );
    expect((await readState(dir)).exports.a!.lastExecution!.status).toBe('queued');
  });
});
