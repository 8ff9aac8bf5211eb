import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-event.js';
import { MemoryStore } from '../state/memory-store.js';
import type { StateCommit } from '../state/state-store.js';
import { emptyState } from '../state/state-model.js';
import { StateJournal } from './state-journal.js';
import { appliedEntry, definition } from '../../test/support/state-builders.js';

/** The in-memory store, counting commits, and failing the n-th one as a full disk would. */
class CountingStore extends MemoryStore {
  commits = 0;
  constructor(private readonly failOn?: number) {
    super();
  }
  override async commit(change: StateCommit, expectedSerial: number): Promise<number> {
    this.commits++;
    if (this.commits === this.failOn) throw new Error('disk full');
    return super.commit(change, expectedSerial);
  }
}

const event = (name: string): AuditEvent => ({
  timestamp: 't',
  event: 'state.forget',
  export: name,
  actor: 'a',
  runId: 'r',
  toolVersion: 'v',
});

describe('StateJournal', () => {
  it('groups changes that arrive together into few commits, each with its events, and nothing lost', async () => {
    const store = new CountingStore();
    const journal = new StateJournal(emptyState('L'), store);
    const commits = Array.from({ length: 10 }, (_, i) =>
      journal.commit({ exports: [`e${i}`], mutate: (s) => void delete s.exports[`e${i}`], events: [event(`e${i}`)] }),
    );
    await Promise.all(commits);
    expect(store.events.map((e) => e.export)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
    expect(store.commits).toBeLessThanOrEqual(2);
    expect(journal.serial).toBe((await store.read()).state.serial);
  });

  it("settles each caller's promise only once its own entry and event are stored", async () => {
    const store = new CountingStore();
    const journal = new StateJournal(emptyState('L'), store);
    const entry = appliedEntry(definition('x'));
    const seen = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        journal
          .commit({ exports: [`e${i}`], mutate: (s) => void (s.exports[`e${i}`] = entry), events: [event(`e${i}`)] })
          .then(async () => ({
            entry: (await store.read()).state.exports[`e${i}`] !== undefined,
            event: store.events.some((e) => e.export === `e${i}`),
          })),
      ),
    );
    expect(seen).toEqual(Array.from({ length: 6 }, () => ({ entry: true, event: true })));
  });

  it('after a failed commit, refuses every further commit', async () => {
    const journal = new StateJournal(emptyState('L'), new CountingStore(1));
    await expect(journal.commit({ exports: ['x'], mutate: () => undefined, events: [] })).rejects.toThrow('disk full');
    await expect(journal.commit({ exports: ['x'], mutate: () => undefined, events: [] })).rejects.toThrow('disk full');
  });
});
