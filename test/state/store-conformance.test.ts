// One contract, every store: what a caller of a state store may rely on, run against each implementation. A new
// backend joins by adding one line to STORES.

import { join } from 'node:path';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { describe, expect, it } from 'vitest';
import { lockInfo, lockState } from '../../src/state/lock-state.js';
import { LocalFileStore } from '../../src/state/local-file-store.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { StateConflictError, StateLockedError } from '../../src/state/state-errors.js';
import type { StateStore } from '../../src/state/state-store.js';
import { miniRepo } from '../support/fixtures.js';
import { appliedEntry, definition } from '../support/state-builders.js';

const STORES: [string, () => StateStore][] = [
  ['local', () => new LocalFileStore({ stateDir: join(miniRepo({}), '.cxone-exports') })],
  ['memory', () => new MemoryStore()],
];

const forget = (name: string): AuditEvent => ({
  timestamp: '2026-11-28T10:00:00.000Z',
  event: 'state.forget',
  export: name,
  actor: 'test',
  runId: 'r',
  toolVersion: '0.1.0',
});

async function exportsOfEvents(store: StateStore): Promise<string[]> {
  const names: string[] = [];
  await store.scanEvents({ onEvent: (event) => names.push(String(event.export)) });
  return names;
}

describe.each(STORES)('the %s state store', (_name, open) => {
  const a = appliedEntry(definition('a'));
  const b = appliedEntry(definition('b'));

  it('starts empty, then reads back what it stored, with the serial one up', async () => {
    const store = open();
    const empty = await store.read();
    expect(empty).toMatchObject({ exists: false, state: { serial: 0, exports: {} } });
    const written = await store.write({ ...empty.state, exports: { a } }, 0);
    expect(written.serial).toBe(1);
    const read = await store.read();
    expect(read).toMatchObject({ exists: true, state: { lineage: empty.state.lineage, serial: 1 } });
    expect(read.state.exports.a).toEqual(a);
  });

  it('applies patches of set and removed entries, and says whether the state moved', async () => {
    const store = open();
    const first = await store.write({ ...(await store.read()).state, exports: { a } }, 0);
    expect(await store.readIfChanged(first.serial, first.lineage)).toBeUndefined();
    const serial = await store.patch({ lineage: first.lineage, set: { b }, remove: ['a'] }, first.serial);
    expect(serial).toBe(first.serial + 1);
    const moved = await store.readIfChanged(first.serial, first.lineage);
    expect(moved?.state.serial).toBe(serial);
    expect(Object.keys(moved!.state.exports)).toEqual(['b']);
  });

  it('refuses a write or a patch from a stale serial or another lineage, and changes nothing', async () => {
    const store = open();
    const first = await store.write({ ...(await store.read()).state, exports: { a } }, 0);
    await expect(store.write({ ...first, exports: {} }, first.serial - 1)).rejects.toBeInstanceOf(StateConflictError);
    await expect(
      store.patch({ lineage: 'another-lineage', set: { b }, remove: [] }, first.serial),
    ).rejects.toBeInstanceOf(StateConflictError);
    await expect(
      store.patch({ lineage: first.lineage, set: { b }, remove: [] }, first.serial + 5),
    ).rejects.toBeInstanceOf(StateConflictError);
    const read = await store.read();
    expect(read.state.serial).toBe(first.serial);
    expect(Object.keys(read.state.exports)).toEqual(['a']);
  });

  it('commits entries with the events that explain them, or neither when the state moved', async () => {
    const store = open();
    const first = await store.write({ ...(await store.read()).state, exports: { a } }, 0);
    const serial = await store.commit(
      { lineage: first.lineage, set: { b }, remove: ['a'], events: [forget('a'), forget('b')] },
      first.serial,
    );
    expect(serial).toBe(first.serial + 1);
    await expect(
      store.commit({ lineage: first.lineage, set: { a }, remove: [], events: [forget('stale')] }, first.serial),
    ).rejects.toBeInstanceOf(StateConflictError);
    await expect(
      store.commit({ lineage: 'another', set: { a }, remove: [], events: [forget('other')] }, serial),
    ).rejects.toBeInstanceOf(StateConflictError);
    const read = await store.read();
    expect(Object.keys(read.state.exports)).toEqual(['b']);
    expect(await exportsOfEvents(store)).toEqual(['a', 'b']);
  });

  it('stores events alone without moving the serial, in order, and reads back only the kinds asked for', async () => {
    const store = open();
    const first = await store.write({ ...(await store.read()).state, exports: { a } }, 0);
    expect(
      await store.commit({ lineage: first.lineage, set: {}, remove: [], events: [forget('x')] }, first.serial),
    ).toBe(first.serial);
    await store.appendEvents([{ ...forget('y'), event: 'callback.rejected' }]);
    expect((await store.read()).state.serial).toBe(first.serial);
    expect(await exportsOfEvents(store)).toEqual(['x', 'y']);
    const rejected: string[] = [];
    await store.scanEvents({ events: ['callback.rejected'], onEvent: (e) => rejected.push(String(e.export)) });
    expect(rejected).toEqual(['y']);
  });

  it('gives the lock to one holder at a time, and describes the holder to the others', async () => {
    const store = open();
    const mine = lockInfo('apply');
    expect(await store.tryLock(mine)).toEqual({ acquired: true });
    const theirs = await store.tryLock(lockInfo('serve'));
    expect(theirs).toEqual({ acquired: false, holder: mine });
    await expect(lockState(store, 'refresh', { timeoutMs: 0 })).rejects.toBeInstanceOf(StateLockedError);
    // Another id's unlock does nothing; the holder's frees it.
    await store.unlock('not-mine');
    expect((await store.tryLock(lockInfo('serve'))).acquired).toBe(false);
    await store.unlock(mine.id);
    const next = await lockState(store, 'refresh', { timeoutMs: 0 });
    await next.release();
    await next.release();
    expect((await store.tryLock(lockInfo('serve'))).acquired).toBe(true);
  });

  it('force-unlocks only the lock with the given id', async () => {
    const store = open();
    const held = lockInfo('apply');
    await store.tryLock(held);
    await expect(store.forceUnlock('wrong-id')).rejects.toThrow(`lock wrong-id is not the one held`);
    expect(await store.forceUnlock(held.id)).toEqual(held);
    await expect(store.forceUnlock(held.id)).rejects.toThrow('the state is not locked');
  });

  it('waits for a held lock with growing pauses, on a clock the test drives, up to the timeout', async () => {
    const store = open();
    await store.tryLock(lockInfo('apply'));
    let now = 0;
    const pauses: number[] = [];
    const waiting = lockState(store, 'refresh', {
      timeoutMs: 40_000,
      now: () => now,
      sleep: (ms) => {
        pauses.push(ms);
        now += ms;
        return Promise.resolve();
      },
    });
    await expect(waiting).rejects.toBeInstanceOf(StateLockedError);
    expect(pauses).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 9_000]);
  });
});
