// The local file store on a real file system: atomic and durable writes, compare-and-swap, backups, refusals
// that leave the file untouched, and a lock that holds across processes.

import { systemClock } from '../../src/clock.js';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockState } from '../../src/state/lock-state.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { StateConflictError, StateLockedError, StateUnreadableError } from '../../src/state/state-errors.js';
import type { LockInfo } from '../../src/state/state-store.js';
import { miniRepo } from '../support/fixtures.js';
import { seedState } from '../support/seed-state.js';
import { appliedEntry, definition } from '../support/state-builders.js';

const storeIn = (dir: string, extra: Partial<ConstructorParameters<typeof LocalFileStore>[0]> = {}) =>
  new LocalFileStore({ stateDir: join(dir, '.cxone-exports'), displayDir: '.cxone-exports', ...extra });
const statePath = (dir: string) => join(dir, '.cxone-exports', 'state.json');
const a = definition('a');

describe('LocalFileStore: reading and writing', () => {
  it('reads a missing file as empty state with a new lineage each time', async () => {
    const store = storeIn(miniRepo({}));
    const first = await store.read();
    const second = await store.read();
    expect(first).toMatchObject({ exists: false, state: { version: 1, serial: 0, exports: {} } });
    expect(first.state.lineage).not.toBe(second.state.lineage);
  });

  it('writes serial 1 first, keeps it through a commit without changes, and sorts exports', async () => {
    const dir = miniRepo({});
    const store = storeIn(dir);
    const empty = (await store.read()).state;
    const b = definition('b');
    expect(empty.serial).toBe(0);
    const one = await seedState(store, { b: appliedEntry(b), a: appliedEntry(a) });
    expect(one.serial).toBe(1);
    expect(Object.keys((JSON.parse(readFileSync(statePath(dir), 'utf8')) as { exports: object }).exports)).toEqual([
      'a',
      'b',
    ]);
    expect(await store.commit({ lineage: one.lineage, set: {}, remove: [], events: [] }, 1)).toBe(1);
    const two = await seedState(store, { a: appliedEntry(a) });
    expect(two.serial).toBe(2);
    expect((await store.read()).state).toEqual(two);
  });

  it('backs up the state once per run, before the first change', async () => {
    const dir = miniRepo({});
    const first = storeIn(dir);
    await seedState(first, { a: appliedEntry(a) });
    expect(existsSync(join(dir, '.cxone-exports', 'state.json.backup'))).toBe(false);
    const before = readFileSync(statePath(dir), 'utf8');

    const run = storeIn(dir);
    await seedState(run, {});
    await seedState(run, { a: appliedEntry(a) });
    expect(readFileSync(join(dir, '.cxone-exports', 'state.json.backup'), 'utf8')).toBe(before);
  });

  it('refuses a write when the serial moved (compare-and-swap), writing nothing', async () => {
    const dir = miniRepo({});
    const store = storeIn(dir);
    const s1 = await seedState(store, { a: appliedEntry(a) });
    await seedState(storeIn(dir), {});
    const onDisk = readFileSync(statePath(dir), 'utf8');
    const logOnDisk = readFileSync(join(dir, '.cxone-exports', 'state.wal'), 'utf8');
    const stale = { lineage: s1.lineage, set: { b: appliedEntry(definition('b')) }, remove: [], events: [] };
    await expect(store.commit(stale, 1)).rejects.toThrow(StateConflictError);
    await expect(store.commit(stale, 1)).rejects.toThrow('changed while this command ran (serial 1 → 2)');
    expect(readFileSync(statePath(dir), 'utf8')).toBe(onDisk);
    expect(readFileSync(join(dir, '.cxone-exports', 'state.wal'), 'utf8')).toBe(logOnDisk);
  });

  it('keeps the old state whole when a crash comes between the temp write and the rename', async () => {
    const dir = miniRepo({});
    await seedState(storeIn(dir), { a: appliedEntry(a) });
    const before = readFileSync(statePath(dir), 'utf8');
    // What a crash between the two steps leaves: a temp file beside state.json, here half-written.
    const torn = join(dir, '.cxone-exports', '.state.json.0badc0de.tmp');
    writeFileSync(torn, before.slice(0, before.length / 2));
    expect(readFileSync(statePath(dir), 'utf8')).toBe(before);
    const store = storeIn(dir);
    expect((await store.read()).state.serial).toBe(1);
    // The next write neither reads nor trips over it.
    expect((await seedState(store, {})).serial).toBe(2);
    expect((await storeIn(dir).read()).state.exports).toEqual({});
  });
});

describe('LocalFileStore: refusals', () => {
  it.each([
    ['corrupt JSON', '{"version": 1, "lineage": "x", ', /is not valid JSON[\s\S]*state\.json\.backup/],
    [
      'a newer version',
      JSON.stringify({ version: 2, lineage: 'x', serial: 1, exports: {} }),
      /state version 2, written by a newer cxone-exports/,
    ],
    [
      'a wrong shape',
      JSON.stringify({ version: 1, lineage: 'x', serial: -1, exports: [] }),
      /does not match the state format/,
    ],
  ])('refuses %s and leaves the file untouched', async (_name, content, message) => {
    const dir = miniRepo({ '.cxone-exports/state.json': content });
    const store = storeIn(dir);
    const error = (await store.read().catch((e: unknown) => e)) as StateUnreadableError;
    expect(error).toBeInstanceOf(StateUnreadableError);
    expect(`${error.message}\n${error.hint}`).toMatch(message);
    expect(error.hint).toContain('untouched');
    await expect(store.commit({ lineage: 'x', set: {}, remove: [], events: [] }, 0)).rejects.toThrow(
      StateUnreadableError,
    );
    expect(readFileSync(statePath(dir), 'utf8')).toBe(content);
  });
});

describe('LocalFileStore: locking', () => {
  const holdLockScript = (stateDir: string) => `
    import { LocalFileStore } from ${JSON.stringify(new URL('../../dist/state/local/local-file-store.js', import.meta.url).href)};
    import { lockState } from ${JSON.stringify(new URL('../../dist/state/lock-state.js', import.meta.url).href)};
    import { systemClock } from ${JSON.stringify(new URL('../../dist/clock.js', import.meta.url).href)};
    const store = new LocalFileStore({ stateDir: ${JSON.stringify(stateDir)} });
    const lock = await lockState(store, 'apply', { clock: systemClock, timeoutMs: 0 });
    process.stdout.write(JSON.stringify(lock.info) + '\\n');
    process.stdin.once('data', async () => { await lock.release(); process.exit(0); });
  `;

  it('refuses a lock held by another process, naming it, and waits for it with a timeout', async () => {
    const dir = miniRepo({});
    const stateDir = join(dir, '.cxone-exports');
    const child = spawn(process.execPath, ['--input-type=module', '-e', holdLockScript(stateDir)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const holder = JSON.parse(line.toString()) as LockInfo;

    const store = storeIn(dir);
    const refused = (await lockState(store, 'apply', { clock: systemClock, timeoutMs: 0 }).catch(
      (e: unknown) => e,
    )) as StateLockedError;
    expect(refused).toBeInstanceOf(StateLockedError);
    expect(refused.message).toContain(`by apply (lock ${holder.id}`);
    expect(refused.message).toContain(`pid ${child.pid}`);
    expect(refused.hint).toContain(`cxone-exports state unlock ${holder.id}`);

    // The holder lets go once the second has found the lock held and begun to wait: no guessed interval.
    const waits: LockInfo[] = [];
    const onWait = (h: LockInfo) => {
      if (waits.push(h) === 1) child.stdin.write('release\n');
    };
    const lock = await lockState(store, 'apply', { clock: systemClock, timeoutMs: 60_000, onWait });
    expect(waits.length).toBeGreaterThan(0);
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(join(stateDir, 'state.lock'))).toBe(false);
  });

  it('breaks a lock left by a dead process on this host, with a warning', async () => {
    const dir = miniRepo({});
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const stale: LockInfo = {
      id: 'stale-1',
      operation: 'apply',
      who: 'ci@here',
      host: hostname(),
      pid: Number(dead.stdout),
      created: '2026-11-27T00:00:00Z',
      version: '0.0.1',
    };
    mkdirSync(join(dir, '.cxone-exports'));
    writeFileSync(join(dir, '.cxone-exports', 'state.lock'), JSON.stringify(stale));
    const broken: LockInfo[] = [];
    const lock = await lockState(storeIn(dir), 'apply', {
      clock: systemClock,
      timeoutMs: 0,
      onStaleLockBroken: (h) => broken.push(h),
    });
    expect(broken.map((h) => h.id)).toEqual(['stale-1']);
    await lock.release();
  });

  it('never breaks a lock from another host', async () => {
    const dir = miniRepo({});
    const remote: LockInfo = {
      id: 'remote-1',
      operation: 'apply',
      who: 'ci@runner-7',
      host: 'runner-7.invalid',
      pid: 1,
      created: '2026-11-27T00:00:00Z',
      version: '0.0.1',
    };
    mkdirSync(join(dir, '.cxone-exports'));
    writeFileSync(join(dir, '.cxone-exports', 'state.lock'), JSON.stringify(remote));
    await expect(lockState(storeIn(dir), 'apply', { clock: systemClock, timeoutMs: 0 })).rejects.toThrow(
      'lock remote-1',
    );
  });

  it('unlocks only the lock with the given id', async () => {
    const dir = miniRepo({});
    const store = storeIn(dir);
    const lock = await lockState(store, 'apply', { clock: systemClock, timeoutMs: 0 });
    await expect(store.forceUnlock('wrong-id')).rejects.toThrow(
      `lock wrong-id is not the one held: the state is locked by apply (lock ${lock.info.id}`,
    );
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(true);
    expect((await store.forceUnlock(lock.info.id)).id).toBe(lock.info.id);
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(false);
  });
});

describe('LocalFileStore: the state log', () => {
  it('appends patches, reads them merged, and folds them into state.json on compact', async () => {
    const dir = miniRepo({});
    const store = storeIn(dir);
    const s1 = await seedState(store, { a: appliedEntry(a) });
    const b = definition('b');
    expect(await store.commit({ lineage: s1.lineage, set: { b: appliedEntry(b) }, remove: [], events: [] }, 1)).toBe(2);
    expect(await store.commit({ lineage: s1.lineage, set: {}, remove: ['a'], events: [] }, 2)).toBe(3);
    expect(
      readFileSync(join(dir, '.cxone-exports', 'state.wal'), 'utf8')
        .split('\n')
        .filter(Boolean),
    ).toHaveLength(2);

    const fresh = await storeIn(dir).read();
    expect(fresh.state.serial).toBe(3);
    expect(Object.keys(fresh.state.exports)).toEqual(['b']);
    await storeIn(dir).compact();
    expect(existsSync(join(dir, '.cxone-exports', 'state.wal'))).toBe(false);
    expect(JSON.parse(readFileSync(statePath(dir), 'utf8'))).toMatchObject({ serial: 3, exports: { b: {} } });
  });

  it('ignores a torn last log line, which was never acknowledged', async () => {
    const dir = miniRepo({});
    const store = storeIn(dir);
    const s1 = await seedState(store, { a: appliedEntry(a) });
    await store.commit({ lineage: s1.lineage, set: { b: appliedEntry(definition('b')) }, remove: [], events: [] }, 1);
    writeFileSync(
      join(dir, '.cxone-exports', 'state.wal'),
      `${readFileSync(join(dir, '.cxone-exports', 'state.wal'), 'utf8')}{"lineage":"${s1.lineage}","serial":3,"set":{`,
      { flag: 'w' },
    );
    const read = await storeIn(dir).read();
    expect(read.state.serial).toBe(2);
    expect(Object.keys(read.state.exports)).toEqual(['a', 'b']);
  });

  it('skips log records a snapshot already holds (a crash before the log was emptied)', async () => {
    const dir = miniRepo({});
    const store = storeIn(dir);
    const s1 = await seedState(store, { a: appliedEntry(a) });
    await store.commit({ lineage: s1.lineage, set: { b: appliedEntry(definition('b')) }, remove: [], events: [] }, 1);
    const log = readFileSync(join(dir, '.cxone-exports', 'state.wal'), 'utf8');
    await storeIn(dir).compact();
    writeFileSync(join(dir, '.cxone-exports', 'state.wal'), log);
    const read = await storeIn(dir).read();
    expect(read.state.serial).toBe(2);
    expect(Object.keys(read.state.exports)).toEqual(['a', 'b']);
  });

  it('refuses a patch when the serial moved', async () => {
    const dir = miniRepo({});
    const store = storeIn(dir);
    const s1 = await seedState(store, { a: appliedEntry(a) });
    await storeIn(dir).commit({ lineage: s1.lineage, set: {}, remove: ['a'], events: [] }, 1);
    await expect(
      store.commit({ lineage: s1.lineage, set: { b: appliedEntry(definition('b')) }, remove: [], events: [] }, 1),
    ).rejects.toThrow(StateConflictError);
  });
});

describe('LocalFileStore: a torn log line', () => {
  it('is cut off before the log is extended, so the next record stands on its own line', async () => {
    const dir = miniRepo({});
    const first = storeIn(dir);
    const s1 = await seedState(first, { a: appliedEntry(a) });
    await first.commit({ lineage: s1.lineage, set: { b: appliedEntry(definition('b')) }, remove: [], events: [] }, 1);
    const wal = join(dir, '.cxone-exports', 'state.wal');
    writeFileSync(wal, `${readFileSync(wal, 'utf8')}{"lineage":"${s1.lineage}","serial":3,"set":{"c`);
    const second = storeIn(dir);
    await second.read();
    expect(await second.commit({ lineage: s1.lineage, set: {}, remove: ['a'], events: [] }, 2)).toBe(3);
    const reread = await storeIn(dir).read();
    expect(reread.state.serial).toBe(3);
    expect(Object.keys(reread.state.exports)).toEqual(['b']);
  });
});
