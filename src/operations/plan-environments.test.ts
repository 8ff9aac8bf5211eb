import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSavedPlan } from '../plan/saved-plan.js';
import { MemoryStore } from '../state/memory-store.js';
import { definitionYaml, miniRepo, testConfig } from '../../test/support/fixtures.js';
import { testClock } from '../../test/support/test-clock.js';
import { planEnvironments } from './plan-environments.js';
import type { PlanEnvironmentsRequest } from './plan-environments.js';

/** A repository with two definitions, its config (exportsDir absolute), and the operation's surroundings. */
function setUp() {
  const dir = miniRepo({ 'exports/a.yaml': definitionYaml('a'), 'exports/b.yaml': definitionYaml('b') });
  const config = testConfig({ exportsDir: join(dir, 'exports') });
  const saved: string[] = [];
  const run = (request: Partial<PlanEnvironmentsRequest>) =>
    planEnvironments(
      { configs: [config], every: false, targets: [], replace: [], ignorePromotion: false, ...request },
      {
        cwd: dir,
        env: {},
        clock: testClock(Date.parse('2026-12-01T10:00:00Z')),
        configFor: () => Promise.reject(new Error('no other environment')),
        withStore: (_config, work) => work(new MemoryStore()),
      },
      { loopbackCallbacks: () => undefined, saved: (file) => saved.push(file) },
    );
  return { dir, run, saved };
}

describe('the plan operation of the plan command', () => {
  it('plans the environment at the clock’s time, and saves it sealed when asked', async () => {
    const { dir, run, saved } = setUp();
    const out = join(dir, 'tfplan.json');
    const [planned] = await run({ out: { path: out, shown: 'tfplan.json' } });
    expect(planned!.plan.changes.map((c) => [c.name, c.action])).toEqual([
      ['a', 'create'],
      ['b', 'create'],
    ]);
    expect(planned!.plan.createdAt).toBe('2026-12-01T10:00:00.000Z');
    expect(saved).toEqual(['tfplan.json']);
    const sealed = parseSavedPlan(readFileSync(out, 'utf8'), 'tfplan.json');
    expect(sealed.changes.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('refuses to save a plan of every environment, or one made at another instant, and writes nothing', async () => {
    const { dir, run, saved } = setUp();
    const out = { path: join(dir, 'tfplan.json'), shown: 'tfplan.json' };
    await expect(run({ every: true, out })).rejects.toThrow("--out saves one environment's plan");
    await expect(run({ at: '2026-12-02T06:00:00.000Z', out })).rejects.toThrow('--at previews a plan');
    expect(saved).toEqual([]);
    expect(() => readFileSync(out.path)).toThrow();
  });
});
