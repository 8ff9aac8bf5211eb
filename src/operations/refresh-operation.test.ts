import { describe, expect, it } from 'vitest';
import { createCxoneClient } from '../cxone/create-client.js';
import { MemoryStore } from '../state/memory-store.js';
import { definition } from '../../test/support/state-builders.js';
import { recordingApplyView } from '../../test/support/recording-views.js';
import { simConfig, simEnvironment, startSimulator } from '../../test/support/simulator.js';
import { testClock } from '../../test/support/test-clock.js';
import type { CxoneSimulator } from '../simulator/cxone-simulator.js';
import { applyRequest, testIdentity } from '../../test/support/apply-request.js';
import { runApply } from './apply-operation.js';
import { runRefresh } from './refresh-operation.js';
import type { RefreshView } from './refresh-operation.js';

function recordingRefreshView(): RefreshView & { said: string[] } {
  const said: string[] = [];
  return {
    said,
    progress: {
      progress: () => undefined,
      finished: (ended) => said.push(`ended ${ended.execution.name} ${ended.status}`),
    },
    nothingToRefresh: () => said.push('nothing to refresh'),
    finished: (report) => said.push(`finished ${report.serialBefore} → ${report.serialAfter}`),
    staleLockBroken: () => undefined,
    waitingForLock: () => undefined,
    auditLogRepaired: () => undefined,
  };
}

const clientOf = (sim: CxoneSimulator) =>
  createCxoneClient(simConfig(sim), { env: simEnvironment(sim), clock: testClock(Date.now()) });

describe('the refresh operation, on the memory backend and the simulator', () => {
  it('records the executions that ended, leaves the others in flight, and has nothing to do once all ended', async () => {
    const sim = await startSimulator({ lifecycle: { minDurationMs: 3_600_000, msPerMillionRows: 0, failureRate: 0 } });
    const store = new MemoryStore();
    const clock = testClock(Date.now());
    await runApply(
      applyRequest([definition('a'), definition('b')]),
      {
        store,
        connect: (hooks) => createCxoneClient(simConfig(sim), { env: simEnvironment(sim), clock, ...hooks }),
        onInterrupt: () => () => undefined,
        clock,
      },
      recordingApplyView(),
    );
    const executionOf = async (name: string) => (await store.read()).state.exports[name]!.lastExecution!;
    // CXone finishes `a`; `b` runs on.
    expect(sim.finishExecution((await executionOf('a')).executionId!)).toBe(true);

    const request = { lockTimeoutMs: 0, lostAfterMs: 86_400_000, identity: testIdentity };
    const env = { store, connect: () => clientOf(sim), clock };
    const first = recordingRefreshView();
    await runRefresh(request, env, first);
    expect(first.said).toEqual(['ended a completed', 'finished 4 → 5']);
    expect((await executionOf('a')).status).toBe('completed');
    expect((await executionOf('b')).status).toBe('queued');
    expect(store.events.at(-1)).toMatchObject({ event: 'execution.completed', export: 'a' });

    sim.finishExecution((await executionOf('b')).executionId!);
    await runRefresh(request, env, recordingRefreshView());
    const last = recordingRefreshView();
    await runRefresh(request, env, last);
    expect(last.said).toEqual(['nothing to refresh']);
  });
});
