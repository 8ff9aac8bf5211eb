import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-event.js';
import { emptyState } from '../state/state-model.js';
import type { State } from '../state/state-model.js';
import type { StatePatch, StateStore } from '../state/state-store.js';
import { StateJournal } from './state-journal.js';

function memoryStore(failOnWrite?: number) {
  const writes: State[] = [];
  const order: string[] = [];
  const store = {
    location: 'memory',
    read: () => Promise.reject(new Error('unused')),
    readIfChanged: () => Promise.reject(new Error('unused')),
    write: async (next: State, expected: number) => {
      order.push('state');
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failOnWrite === writes.length + 1) throw new Error('disk full');
      const written = { ...structuredClone(next), serial: expected + 1 };
      writes.push(written);
      return written;
    },
    patch: async (changes: StatePatch, expected: number) => {
      order.push('state');
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failOnWrite === writes.length + 1) throw new Error('disk full');
      const previous = writes.at(-1) ?? emptyState(changes.lineage);
      const exports = { ...previous.exports, ...changes.set };
      for (const name of changes.remove) delete exports[name];
      writes.push({ ...previous, exports, serial: expected + 1 });
      return expected + 1;
    },
    compact: () => Promise.resolve(),
    lockLocation: 'memory',
    tryLock: () => Promise.reject(new Error('unused')),
    unlock: () => Promise.reject(new Error('unused')),
    forceUnlock: () => Promise.reject(new Error('unused')),
    backup: () => Promise.resolve(),
  } satisfies StateStore;
  const audit = {
    lines: [] as AuditEvent[],
    append(events: readonly AuditEvent[]) {
      order.push('audit');
      this.lines.push(...events);
      return Promise.resolve();
    },
  };
  return { store, writes, audit, order };
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
  it('groups changes that arrive together into one audit append and one state write, audit first', async () => {
    const { store, writes, audit, order } = memoryStore();
    const journal = new StateJournal(emptyState('L'), store, audit);
    const commits = Array.from({ length: 10 }, (_, i) =>
      journal.commit({ exports: [`e${i}`], mutate: (s) => void delete s.exports[`e${i}`], events: [event(`e${i}`)] }),
    );
    await Promise.all(commits);
    expect(audit.lines).toHaveLength(10);
    expect(writes.length).toBeLessThanOrEqual(2);
    expect(order.slice(0, 2)).toEqual(['audit', 'state']);
    expect(journal.serial).toBe(writes.length);
  });

  it('after a failed write, refuses every further commit', async () => {
    const { store, audit } = memoryStore(1);
    const journal = new StateJournal(emptyState('L'), store, audit);
    await expect(journal.commit({ exports: ['x'], mutate: () => undefined, events: [] })).rejects.toThrow('disk full');
    await expect(journal.commit({ exports: ['x'], mutate: () => undefined, events: [] })).rejects.toThrow('disk full');
  });
});
