import { describe, expect, it } from 'vitest';
import { createCxoneClient } from '../cxone/create-client.js';
import type { InterruptSignal } from './on-interrupt.js';
import { MemoryStore } from '../state/memory-store.js';
import { appliedEntry, definition, seedState } from '../../test/support/state-builders.js';
import { recordingApplyView } from '../../test/support/recording-views.js';
import { simConfig, simEnvironment, startSimulator } from '../../test/support/simulator.js';
import { testClock } from '../../test/support/test-clock.js';
import type { CxoneSimulator } from '../simulator/cxone-simulator.js';
import { runApply } from './apply-operation.js';
import type { ApplyEnvironment } from './apply-operation.js';
import { applyRequest as requestFor } from '../../test/support/apply-request.js';

/** The operation's environment: the memory store, the simulator's client, and interrupts the test sends. */
function environment(sim: CxoneSimulator, store: MemoryStore, more: Partial<ApplyEnvironment> = {}) {
  let interrupt: (signal: InterruptSignal) => void = () => undefined;
  const clock = testClock(Date.now());
  const env: ApplyEnvironment = {
    store,
    connect: (hooks) => createCxoneClient(simConfig(sim), { env: simEnvironment(sim), clock, ...hooks }),
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => undefined;
    },
    clock,
    ...more,
  };
  return { env, interrupt: (signal: InterruptSignal) => interrupt(signal) };
}

describe('the apply operation, on the memory backend and the simulator', () => {
  it('refuses callback URLs CXone cannot reach, or that cross a network in clear, before anything is locked', async () => {
    const sim = await startSimulator();
    const store = new MemoryStore();
    const withCallback = (name: string, callbackUrl: string) => {
      const made = definition(name);
      return { ...made, spec: { ...made.spec, callbackUrl } };
    };
    const remoteApi = { callbackReach: { apiUrl: 'https://api.us1.cxone.com', environment: 'production' } };
    const loopback = [withCallback('a', 'http://127.0.0.1:8080/webhook/cxone-callback')];
    const view = recordingApplyView();
    await expect(runApply(requestFor(loopback, remoteApi), environment(sim, store).env, view)).rejects.toThrow(
      /^in production, these callback URLs point at this machine, but apiUrl is https:\/\/api\.us1\.cxone\.com/,
    );
    const offMachine = [withCallback('b', 'http://10.20.30.40/webhook/cxone-callback')];
    await expect(runApply(requestFor(offMachine), environment(sim, store).env, view)).rejects.toThrow(
      'plain-http callback URLs must lead only to this machine',
    );
    expect(view.said).toEqual([]);
    expect(await store.lockHolder()).toBeUndefined();
    expect(sim.record().executions).toHaveLength(0);

    // Told that CXone reaches this machine after all (a tunnel), the run goes on.
    const told = { ...remoteApi, allowLoopbackCallbacks: true };
    expect(await runApply(requestFor(loopback, told), environment(sim, store).env, view)).toMatchObject({
      failed: 0,
      unsuccessful: [],
    });
    expect(sim.record().executions).toHaveLength(1);
  });

  it('submits each change, records it in the state with its audit events, and reports it', async () => {
    const sim = await startSimulator();
    const store = new MemoryStore();
    const view = recordingApplyView();
    const end = await runApply(requestFor([definition('a'), definition('b')]), environment(sim, store).env, view);
    expect(end).toMatchObject({ failed: 0, unsuccessful: [] });
    expect(view.said).toContain('planned a:create,b:create');
    expect(view.said.at(-1)).toBe('finished a:submitted,b:submitted');
    const { state } = await store.read();
    expect(Object.values(state.exports).map((entry) => entry.lastExecution?.status)).toEqual(['queued', 'queued']);
    expect(store.events.map((event) => event.event)).toEqual([
      'execution.intent',
      'execution.submitted',
      'execution.intent',
      'execution.submitted',
    ]);
    expect(sim.record().executions).toHaveLength(2);
  });

  it('refuses a reviewed plan when the state moved on during the review, and submits nothing', async () => {
    const sim = await startSimulator();
    const store = new MemoryStore();
    const a = definition('a');
    const x = definition('x');
    await seedState(store, { x: appliedEntry(x) });
    const view = recordingApplyView();
    // While a person reads the plan, another run applies `a`.
    const approve = async () => {
      await seedState(store.handle(), { a: appliedEntry(a) });
    };
    const refused = (await runApply(requestFor([a, x], { approve }), environment(sim, store).env, view).catch(
      (error: unknown) => error,
    )) as Error;
    expect(refused.message).toMatch(
      /the state moved on \(serial 1 → 2\) and the plan changed: .*while the plan was being reviewed/,
    );
    expect(view.said).toEqual(['planned a:create,x:no-op']);
    expect(sim.record().executions).toHaveLength(0);
  });

  it('holds back what the environment it is promoted from has not completed', async () => {
    const sim = await startSimulator();
    const a = definition('a');
    const b = definition('b');
    const source = new MemoryStore();
    await seedState(source, { a: appliedEntry(a) });
    const view = recordingApplyView();
    const { env } = environment(sim, new MemoryStore(), {
      promotionSource: { environment: 'sandbox', definitions: [a, b], store: source },
    });
    await runApply(requestFor([a, b]), env, view);
    expect(view.said).toContain('planned a:create,b:blocked');
    expect(sim.record().executions.map((execution) => execution.dataActionId)).toEqual(['da-1']);
  });

  it('on Ctrl-C starts nothing new, lets the request in flight finish, and says what it skipped', async () => {
    let interrupt: (signal: InterruptSignal) => void = () => undefined;
    const sim = await startSimulator({
      onSubmission: ({ phase }) => {
        if (phase === 'received') interrupt('SIGINT');
        return undefined;
      },
    });
    const store = new MemoryStore();
    const view = recordingApplyView();
    const setUp = environment(sim, store);
    interrupt = setUp.interrupt;
    const end = await runApply(requestFor([definition('a'), definition('b')]), setUp.env, view);
    expect(end).toMatchObject({ failed: 0, unsuccessful: [], interrupted: 'SIGINT' });
    expect(view.said).toContain('interrupted SIGINT');
    expect(view.said).toContain('submitted a');
    expect(view.said.some((line) => line.startsWith('skipped b'))).toBe(true);
    expect(sim.record().executions).toHaveLength(1);
    // What was submitted is recorded: the next apply resubmits nothing for `a`.
    expect((await store.read()).state.exports.a?.lastExecution?.status).toBe('queued');
  });

  it('stops at a state write the machine refuses, before anything leaves', async () => {
    const sim = await startSimulator();
    class FullDiskStore extends MemoryStore {
      override commit(): Promise<number> {
        const error = Object.assign(new Error('no space left on device'), {
          code: 'ENOSPC',
          syscall: 'write',
          path: '/state/state.json',
        });
        return Promise.reject(error);
      }
    }
    const store = new FullDiskStore();
    const view = recordingApplyView();
    const failed = (await runApply(requestFor([definition('a')]), environment(sim, store).env, view).catch(
      (error: unknown) => error,
    )) as Error;
    expect(failed.message).toContain('the run could not record its progress: cannot write /state/state.json');
    expect(sim.record().executions).toHaveLength(0);
    expect((await store.read()).exists).toBe(false);
  });
});
