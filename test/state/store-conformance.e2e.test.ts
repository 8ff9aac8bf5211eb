// One contract, every backend: what a caller of a state store may rely on, run against each implementation.
// A new backend joins by adding one entry to BACKENDS; one that persists to a medium a crash can damage brings
// a damage kit, and the torn-write and refusal tests run against it too.

import { systemClock } from '../../src/clock.js';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { join } from 'node:path';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { afterEach, describe, expect, it } from 'vitest';
import { lockInfo, lockState } from '../../src/state/lock-state.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { UsageError } from '../../src/errors.js';
import { StateConflictError, StateLockedError, StateUnreadableError } from '../../src/state/state-errors.js';
import type { ExportState, State } from '../../src/state/state-model.js';
import {
  closeStore,
  commitsConcurrently,
  compactsState,
  importsState,
  repairsAuditLog,
  setsUp,
} from '../../src/state/state-store.js';
import type { LockInfo, OwnerOptions, StateStore } from '../../src/state/state-store.js';
import { StateLockLostError } from '../../src/state/state-errors.js';
import { StateOwnerError } from '../../src/state/state-owner.js';
import type { StateOwner } from '../../src/state/state-owner.js';
import { miniRepo } from '../support/fixtures.js';
import { pgBouncer } from '../support/pgbouncer.js';
import { freshSchema, pgStore, sql, testDatabase } from '../support/postgres.js';
import { appliedEntry, definition } from '../support/state-builders.js';

/** What a crash or another tool can do to a persisted state, and a way to look at it as it is. */
interface DamageKit {
  /** A commit cut short by a crash: its last bytes never reached the medium. */
  tearLastWrite: () => void | Promise<void>;
  /** The stored state no longer reads as a state, and how the refusal says so. */
  corrupt: () => void | Promise<void>;
  corruptReason: RegExp;
  /** The stored state was written by a newer cxone-exports. */
  fromTheFuture: () => void | Promise<void>;
  /** What is stored, to show that a refusal left it as it was. */
  raw: () => string | Promise<string>;
}

interface Backend {
  store: StateStore;
  /** A second handle on the same stored state (another process), opened for the owner given, if any. */
  reopen: (owner?: OwnerOptions) => StateStore;
  damage?: DamageKit;
}

const database = testDatabase();
const transactionPooler = pgBouncer('transaction');

/** Stores a test opened, closed after it (a database backend holds connections). */
const stores: StateStore[] = [];
function opened<S extends StateStore>(store: S): S {
  stores.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => closeStore(store)));
});

const BACKENDS: [string, () => Backend][] = [
  [
    'local',
    () => {
      const stateDir = join(miniRepo({}), '.cxone-exports');
      const statePath = join(stateDir, 'state.json');
      const walPath = join(stateDir, 'state.wal');
      return {
        store: new LocalFileStore({ stateDir }),
        reopen: (owner) => new LocalFileStore({ stateDir, ...owner }),
        damage: {
          tearLastWrite: () => appendFileSync(walPath, '{"lineage":"torn","serial":'),
          corrupt: () => writeFileSync(statePath, '{"version": 1, "lineage": '),
          corruptReason: /is not valid JSON/,
          fromTheFuture: () =>
            writeFileSync(statePath, readFileSync(statePath, 'utf8').replace(/"version": \d+/, '"version": 99')),
          raw: () => readFileSync(statePath, 'utf8'),
        },
      };
    },
  ],
  [
    'pg',
    () => {
      const schema = freshSchema();
      const dump = async () =>
        (
          await sql<{ dump: string }>(
            database.url,
            `SELECT json_build_object('states', (SELECT json_agg(s) FROM ${schema}.states s),
                    'entries', (SELECT json_agg(e ORDER BY name) FROM ${schema}.entries e))::text AS dump`,
          )
        )[0]!.dump;
      return {
        store: opened(pgStore(database.url, schema)),
        reopen: (owner) => opened(pgStore(database.url, schema, 'default', owner)),
        damage: {
          // A transaction that wrote and died before COMMIT (the process killed, the network gone).
          tearLastWrite: async () => {
            const client = new pg.Client({ connectionString: database.url });
            await client.connect();
            await client.query('BEGIN');
            await client.query(`UPDATE ${schema}.states SET serial = serial + 1`);
            await client.query(`DELETE FROM ${schema}.entries`);
            await client.end();
          },
          corrupt: async () => void (await sql(database.url, `UPDATE ${schema}.entries SET entry = '{"spec": 5}'`)),
          corruptReason: /does not match the state format/,
          fromTheFuture: async () => void (await sql(database.url, `UPDATE ${schema}.states SET format_version = 99`)),
          raw: dump,
        },
      };
    },
  ],
  [
    // Most teams reach their database through a pooler: every pg promise must hold there as well.
    'pg through PgBouncer in transaction pooling',
    () => {
      const schema = freshSchema();
      const url = transactionPooler().url(database.name);
      return {
        store: opened(pgStore(url, schema)),
        reopen: (owner) => opened(pgStore(url, schema, 'default', owner)),
      };
    },
  ],
  [
    'memory',
    () => {
      const store = new MemoryStore();
      return { store, reopen: (owner) => store.handle(owner) };
    },
  ],
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

/** Stores `exports` as the first state, through the one way state changes. */
async function seed(store: StateStore, exports: Record<string, ExportState>): Promise<State> {
  const { state } = await store.read();
  const serial = await store.commit({ lineage: state.lineage, set: exports, remove: [], events: [] }, state.serial);
  return { ...state, serial, exports };
}

describe.each(BACKENDS)('the %s backend', (_name, open) => {
  const a = appliedEntry(definition('a'));
  const b = appliedEntry(definition('b'));

  it('starts empty, then reads back what it stored, with the serial one up, from any handle', async () => {
    const { store, reopen } = open();
    const empty = await store.read();
    expect(empty).toMatchObject({ exists: false, state: { serial: 0, exports: {} } });
    const first = await seed(store, { a });
    expect(first.serial).toBe(1);
    const read = await reopen().read();
    expect(read).toMatchObject({ exists: true, state: { lineage: first.lineage, serial: 1 } });
    expect(read.state.exports.a).toEqual(a);
  });

  it('commits set and removed entries, and says cheaply whether the state moved', async () => {
    const { store, reopen } = open();
    const first = await seed(store, { a });
    expect(await store.readIfChanged(first.serial, first.lineage)).toBeUndefined();
    const serial = await reopen().commit({ lineage: first.lineage, set: { b }, remove: ['a'], events: [] }, 1);
    expect(serial).toBe(first.serial + 1);
    const moved = await store.readIfChanged(first.serial, first.lineage);
    expect(moved?.state.serial).toBe(serial);
    expect(Object.keys(moved!.state.exports)).toEqual(['b']);
  });

  it('commits entries with the events that explain them, or neither when the serial or lineage moved', async () => {
    const { store } = open();
    const first = await seed(store, { a });
    const serial = await store.commit(
      { lineage: first.lineage, set: { b }, remove: ['a'], events: [forget('a'), forget('b')] },
      first.serial,
    );
    expect(serial).toBe(first.serial + 1);
    await expect(
      store.commit({ lineage: first.lineage, set: { a }, remove: [], events: [forget('stale')] }, first.serial),
    ).rejects.toBeInstanceOf(StateConflictError);
    await expect(
      store.commit({ lineage: first.lineage, set: { a }, remove: [], events: [forget('ahead')] }, serial + 5),
    ).rejects.toBeInstanceOf(StateConflictError);
    await expect(
      store.commit({ lineage: 'another', set: { a }, remove: [], events: [forget('other')] }, serial),
    ).rejects.toBeInstanceOf(StateConflictError);
    const read = await store.read();
    expect(read.state.serial).toBe(serial);
    expect(Object.keys(read.state.exports)).toEqual(['b']);
    expect(await exportsOfEvents(store)).toEqual(['a', 'b']);
  });

  it("a handle that missed another handle's change to an entry is refused, not allowed to overwrite it", async () => {
    const { store, reopen } = open();
    const first = await seed(store, { a });
    const changed = { ...a, definitionHash: `sha256:${'1'.repeat(64)}` };
    await reopen().commit({ lineage: first.lineage, set: { a: changed }, remove: [], events: [] }, first.serial);
    await expect(
      store.commit({ lineage: first.lineage, set: {}, remove: ['a'], events: [forget('a')] }, first.serial),
    ).rejects.toBeInstanceOf(StateConflictError);
    expect((await reopen().read()).state.exports.a).toEqual(changed);
    expect(await exportsOfEvents(store)).toEqual([]);
  });

  it('lets writers of different entries commit side by side only where it compares per entry', async () => {
    const { store, reopen } = open();
    const first = await seed(store, { a });
    await reopen().commit({ lineage: first.lineage, set: { b }, remove: [], events: [] }, first.serial);
    const late = store.commit({ lineage: first.lineage, set: {}, remove: ['a'], events: [] }, first.serial);
    if (commitsConcurrently(store)) {
      expect(await late).toBe(first.serial + 2);
      expect(Object.keys((await reopen().read()).state.exports)).toEqual(['b']);
    } else {
      await expect(late).rejects.toBeInstanceOf(StateConflictError);
      expect(Object.keys((await reopen().read()).state.exports)).toEqual(['a', 'b']);
    }
  });

  it('stores events alone without moving the serial, in order, and reads back only the kinds asked for', async () => {
    const { store } = open();
    const first = await seed(store, { a });
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

  it('reads back many events in the order they were stored, and from an offset only the later ones', async () => {
    const { store } = open();
    const first = await seed(store, { a });
    const names = Array.from({ length: 25 }, (_, i) => `e${i}`);
    for (const batch of [names.slice(0, 12), names.slice(12)])
      await store.commit({ lineage: first.lineage, set: {}, remove: [], events: batch.map(forget) }, first.serial);
    expect(await exportsOfEvents(store)).toEqual(names);
    const head = await store.scanEvents({ onEvent: () => undefined });
    await store.appendEvents([forget('later')]);
    const tail: string[] = [];
    await store.scanEvents({ from: head.endOffset, onEvent: (event) => tail.push(String(event.export)) });
    expect(tail).toEqual(['later']);
  });

  it('gives the lock to one holder at a time, and describes the holder to the others', async () => {
    const { store } = open();
    const mine = lockInfo('apply', Date.now());
    expect(await store.tryLock(mine)).toEqual({ acquired: true, fence: expect.any(String) as string });
    const theirs = await store.tryLock(lockInfo('serve', Date.now()));
    // A backend whose lock is a lease (pg) also says when it ends.
    expect(theirs).toEqual({ acquired: false, holder: expect.objectContaining(mine) as LockInfo });
    await expect(lockState(store, 'refresh', { clock: systemClock, timeoutMs: 0 })).rejects.toBeInstanceOf(
      StateLockedError,
    );
    // Another id's unlock does nothing; the holder's frees it.
    await store.unlock('not-mine');
    expect((await store.tryLock(lockInfo('serve', Date.now()))).acquired).toBe(false);
    await store.unlock(mine.id);
    const next = await lockState(store, 'refresh', { clock: systemClock, timeoutMs: 0 });
    await next.release();
    await next.release();
    expect((await store.tryLock(lockInfo('serve', Date.now()))).acquired).toBe(true);
  });

  it('fences a holder whose lock was taken from it: its commits are refused, with nothing written', async () => {
    const { store, reopen } = open();
    const first = await seed(store, { a });
    const old = await lockState(store, 'apply', { clock: systemClock, timeoutMs: 0 });
    const serial = await store.commit(
      { lineage: first.lineage, set: { b }, remove: [], events: [forget('under the lock')] },
      first.serial,
      { fence: old.fence },
    );
    // Forced out (state unlock), then taken by another: the old holder's next commit writes nothing.
    const other = reopen();
    await other.forceUnlock(old.info.id);
    const next = await lockState(other, 'apply', { clock: systemClock, timeoutMs: 0 });
    expect(next.fence).not.toBe(old.fence);
    await expect(
      store.commit({ lineage: first.lineage, set: {}, remove: ['a'], events: [forget('fenced')] }, serial, {
        fence: old.fence,
      }),
    ).rejects.toBeInstanceOf(StateLockLostError);
    expect(Object.keys((await other.read()).state.exports).sort()).toEqual(['a', 'b']);
    expect(await exportsOfEvents(other)).toEqual(['under the lock']);
    // The new holder writes under its own fence.
    await other.commit({ lineage: first.lineage, set: {}, remove: ['a'], events: [] }, serial, { fence: next.fence });
    await next.release();
    await old.release();
    // Released: a commit under any fence is refused, and the lock is free.
    await expect(
      store.commit({ lineage: first.lineage, set: {}, remove: [], events: [forget('late')] }, serial + 1, {
        fence: next.fence,
      }),
    ).rejects.toBeInstanceOf(StateLockLostError);
    expect((await lockState(reopen(), 'apply', { clock: systemClock, timeoutMs: 0 })).fence).toBeDefined();
  });

  it('force-unlocks only the lock with the given id', async () => {
    const { store } = open();
    const held = lockInfo('apply', Date.now());
    await store.tryLock(held);
    await expect(store.forceUnlock('wrong-id')).rejects.toThrow(`lock wrong-id is not the one held`);
    expect(await store.forceUnlock(held.id)).toEqual(expect.objectContaining(held));
    await expect(store.forceUnlock(held.id)).rejects.toThrow('the state is not locked');
  });

  it('waits for a held lock with growing pauses, on a clock the test drives, up to the timeout', async () => {
    const { store } = open();
    await store.tryLock(lockInfo('apply', Date.now()));
    let now = 0;
    const pauses: number[] = [];
    const waiting = lockState(store, 'refresh', {
      timeoutMs: 40_000,
      clock: {
        now: () => now,
        sleep: (ms) => {
          pauses.push(ms);
          now += ms;
          return Promise.resolve();
        },
      },
    });
    await expect(waiting).rejects.toBeInstanceOf(StateLockedError);
    expect(pauses).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 9_000]);
  });
});

describe.each(BACKENDS)('the %s backend, and whose state it is', (_name, open) => {
  const a = appliedEntry(definition('a'));
  const b = appliedEntry(definition('b'));
  const sandbox = { environment: 'sandbox', tenantId: 'tenant-sbx' };

  it('records its environment and tenant at the first write, and refuses every other before reading', async () => {
    const { reopen } = open();
    const ours = reopen({ owner: sandbox });
    expect(await ours.storedOwner()).toBeUndefined();
    const first = await seed(ours, { a });
    expect(await reopen({ owner: sandbox }).storedOwner()).toEqual(sandbox);
    expect((await reopen({ owner: sandbox }).read()).state).toMatchObject(sandbox);

    const production = reopen({ owner: { environment: 'production' } });
    await expect(production.storedOwner()).rejects.toBeInstanceOf(StateOwnerError);
    await expect(production.read()).rejects.toThrow(/belongs to environment sandbox, not production/);
    await expect(
      production.commit({ lineage: first.lineage, set: { b }, remove: [], events: [forget('b')] }, first.serial),
    ).rejects.toThrow(/belongs to environment sandbox, not production; nothing was read, written or sent/);
    // Another tenant under the same name, and a config without environments, are refused too.
    await expect(reopen({ owner: { environment: 'sandbox', tenantId: 'tenant-prod' } }).read()).rejects.toThrow(
      /belongs to tenant tenant-sbx of environment sandbox, but the config says sandbox is tenant tenant-prod/,
    );
    await expect(reopen({ owner: 'no-environments' }).read()).rejects.toThrow(/this config defines no environments/);
    // Nothing the refused handles tried was stored.
    expect(Object.keys((await reopen().read()).state.exports)).toEqual(['a']);
    expect(await exportsOfEvents(reopen())).toEqual([]);
  });

  it('lets a state that records no owner be adopted by the first environment that writes it, said once', async () => {
    const { store, reopen } = open();
    const first = await seed(store, { a });
    expect(await store.storedOwner()).toEqual({});
    const told: StateOwner[] = [];
    const adopter = reopen({ owner: { environment: 'production' }, onAdopted: (owner) => told.push(owner) });
    // Reading adopts nothing: a plan never writes.
    await adopter.read();
    expect(await reopen().storedOwner()).toEqual({});
    const second = await adopter.commit({ lineage: first.lineage, set: { b }, remove: [], events: [] }, first.serial);
    await adopter.commit({ lineage: first.lineage, set: {}, remove: ['b'], events: [] }, second);
    expect(told).toEqual([{ environment: 'production' }]);
    expect(await reopen().storedOwner()).toEqual({ environment: 'production' });
    await expect(reopen({ owner: sandbox }).read()).rejects.toBeInstanceOf(StateOwnerError);
    // A tenant named later is recorded beside the environment, without another note.
    const tenant = reopen({ owner: { environment: 'production', tenantId: 't-9' }, onAdopted: (o) => told.push(o) });
    await tenant.commit({ lineage: first.lineage, set: { b }, remove: [], events: [] }, second + 1);
    expect(await reopen().storedOwner()).toEqual({ environment: 'production', tenantId: 't-9' });
    expect(told).toHaveLength(1);
  });
});

describe.each(collectable().filter(([, open]) => open().damage !== undefined))(
  'the %s backend, damaged',
  (_name, open) => {
    const a = appliedEntry(definition('a'));
    const b = appliedEntry(definition('b'));

    it('a torn write is not part of the state, and the next commit goes on from the last whole one', async () => {
      const { store, reopen, damage } = open();
      const first = await seed(store, { a });
      const second = await store.commit({ lineage: first.lineage, set: { b }, remove: [], events: [] }, 1);
      await damage!.tearLastWrite();
      const after = reopen();
      const read = await after.read();
      expect(read.state.serial).toBe(second);
      expect(Object.keys(read.state.exports).sort()).toEqual(['a', 'b']);
      const third = await after.commit({ lineage: first.lineage, set: {}, remove: ['a'], events: [] }, second);
      expect(Object.keys((await reopen().read()).state.exports)).toEqual(['b']);
      expect(third).toBe(second + 1);
    });

    it.each([
      ['corrupt', (kit: DamageKit) => kit.corrupt(), (kit: DamageKit) => kit.corruptReason],
      ['newer', (kit: DamageKit) => kit.fromTheFuture(), () => /written by a newer cxone-exports/],
    ] as const)('a %s state is refused with a reason, and left untouched', async (_kind, harm, reasonOf) => {
      const { store, reopen, damage } = open();
      await seed(store, { a });
      await harm(damage!);
      const reason = reasonOf(damage!);
      const before = await damage!.raw();
      const after = reopen();
      await expect(after.read()).rejects.toBeInstanceOf(StateUnreadableError);
      await expect(after.read()).rejects.toThrow(reason);
      // Refused as unreadable, or as a conflict with a state the writer could not have read; either way, untouched.
      await expect(
        after.commit({ lineage: 'any', set: { b }, remove: [], events: [forget('b')] }, 1),
      ).rejects.toBeInstanceOf(UsageError);
      expect(await damage!.raw()).toBe(before);
      if (repairsAuditLog(after)) await after.openAuditLog();
      expect(await exportsOfEvents(after)).toEqual([]);
    });
  },
);

/** The backends that have an optional capability, by name, for the tests of that capability. */
function having(capability: (store: StateStore) => boolean): [string, () => Backend][] {
  return collectable().filter(([, open]) => capability(open().store));
}

/**
 * The backends a capability can be asked of while the tests are collected, before any server of a test's own
 * starts: the pooler's has neither damage nor compaction to offer, and its port is known only once it runs.
 */
function collectable(): [string, () => Backend][] {
  return BACKENDS.filter(([name]) => !name.includes('PgBouncer'));
}

describe.each(having(compactsState))('the %s backend, compacting', (_name, open) => {
  it('folds its log into the snapshot: the same state from every handle, and commits go on from it', async () => {
    const { store, reopen } = open();
    if (!compactsState(store)) throw new Error('filtered on compactsState');
    const first = await seed(store, { a: appliedEntry(definition('a')) });
    const serial = await store.commit(
      { lineage: first.lineage, set: { b: appliedEntry(definition('b')) }, remove: ['a'], events: [] },
      first.serial,
    );
    const before = (await reopen().read()).state;
    await store.compact();
    expect((await reopen().read()).state).toEqual(before);
    expect(before.serial).toBe(serial);
    const next = await reopen().commit({ lineage: first.lineage, set: {}, remove: ['b'], events: [] }, serial);
    expect(next).toBe(serial + 1);
    expect(Object.keys((await store.read()).state.exports)).toEqual([]);
  });
});

describe.each(having(importsState))('the %s backend, importing', (_name, open) => {
  it('takes a whole state with its lineage, serial and events once, and refuses one it does not hold', async () => {
    const { store, reopen } = open();
    if (!importsState(store)) throw new Error('filtered on importsState');
    const a = appliedEntry(definition('a'));
    const moved: State = { version: 1, lineage: 'lineage-moved', serial: 7, exports: { a } };
    async function* events() {
      yield await Promise.resolve([forget('x'), forget('y')]);
    }
    expect(await store.importState(moved, events())).toBe('imported');
    expect((await reopen().read()).state).toMatchObject({ lineage: 'lineage-moved', serial: 7, exports: { a } });
    expect(await exportsOfEvents(reopen())).toEqual(['x', 'y']);
    // The same state again is already there; another one is refused, with the stored state left as it was.
    expect(await store.importState(moved, events())).toBe('already');
    await expect(store.importState({ ...moved, lineage: 'another' }, events())).rejects.toThrow();
    expect((await reopen().read()).state.lineage).toBe('lineage-moved');
  });
});

describe.each(having(setsUp))('the %s backend, setting up', (_name, open) => {
  it('creates its storage once, and says so only the first time', async () => {
    const { store } = open();
    if (!setsUp(store)) throw new Error('filtered on setsUp');
    expect(await store.setUp()).toEqual({ created: true });
    expect(await store.setUp()).toEqual({ created: false });
    expect((await store.read()).exists).toBe(false);
  });
});
