// A real full disk (a small tmpfs): every durable write completes or fails whole, the old state and its log
// stay in place, and a run that could not persist says so and exits non-zero.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaCheck } from '../../src/diagnostics/schema-validator.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import type { State } from '../../src/state/state-model.js';
import { applyRepo, cli } from '../support/apply-repo.js';
import { miniRepo } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';
import { mountSmallDisk } from '../support/small-disk.js';
import { startSimulator } from '../support/simulator.js';
import { appliedEntry, definition } from '../support/state-builders.js';
import { seedState } from '../support/seed-state.js';

const EXPORTS = Object.fromEntries(
  Array.from({ length: 40 }, (_, i) => [`export-${String(i).padStart(2, '0')}`, `da-${i}`]),
);

function auditLines(stateDir: string): Record<string, unknown>[] {
  const path = join(stateDir, 'audit.jsonl');
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function storedState(stateDir: string): Promise<State> {
  const state = (await new LocalFileStore({ stateDir }).read()).state;
  expect(schemaCheck('state')(state)).toEqual([]);
  return state;
}

describe('a full disk', () => {
  // From no room at all to room for part of the run: each leaves a different write half-done.
  it.each([0, 4096, 16_384, 65_536])(
    'apply --replace with %i bytes free keeps the old state or the new one, exits non-zero, and releases the lock',
    async (leave) => {
      const sim = await startSimulator();
      const disk = mountSmallDisk(2 * 1024 * 1024);
      const stateDir = join(disk.dir, 'state');
      const dir = applyRepo({
        exports: EXPORTS,
        config: `stateDir: ${stateDir}\napply:\n  spacingMs: 0\n  concurrency: 8\n`,
      });
      const run = cli(sim, dir);
      expect((await run(['apply', '--auto-approve'])).code).toBe(0);
      const before = await storedState(stateDir);

      disk.fill(leave);
      // One case in machine-readable mode: the failure is the same message, not an internal error.
      const full = await run([
        'apply',
        '--auto-approve',
        '--replace',
        'export-0*',
        ...(leave === 16_384 ? ['--json'] : []),
      ]);
      expect(full.stderr).not.toMatch(/Internal error|\n\s+at /);
      expect(full.code).toBe(1);
      expect(full.stderr).toMatch(/no space left on the device \(ENOSPC\)/);
      expect(readdirSync(stateDir).filter((f) => f.startsWith('state.lock') || f.endsWith('.tmp'))).toEqual([]);

      // What is stored is whole, and every change in it is explained by an audit line.
      const after = await storedState(stateDir);
      const audited = new Set(
        auditLines(stateDir).map((e) => `${String(e.export)}:${String(e.executionId ?? e.idempotencyKey)}`),
      );
      for (const [name, entry] of Object.entries(after.exports)) {
        const last = entry.lastExecution!;
        if (entry.pending !== null) expect(audited.has(`${name}:${entry.pending.idempotencyKey}`)).toBe(true);
        if (last.executionId !== before.exports[name]!.lastExecution!.executionId)
          expect(audited.has(`${name}:${last.executionId}`)).toBe(true);
      }

      // With room again, the next apply finishes the job without running anything twice.
      disk.free();
      const again = await run(['apply', '--auto-approve']);
      expect(again.code).toBe(0);
      const keys = sim.record().executions.map((e) => e.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
    },
  );

  it('a snapshot that does not fit leaves state.json and state.wal as they were, and throws', async () => {
    const disk = mountSmallDisk(1024 * 1024);
    const stateDir = join(disk.dir, 'state');
    const store = new LocalFileStore({ stateDir });
    const exports: State['exports'] = {};
    for (let i = 0; i < 200; i++) exports[`e-${i}`] = appliedEntry(definition(`e-${i}`));
    const written = await seedState(store, exports);
    const serial = await store.commit(
      {
        lineage: written.lineage,
        set: { 'e-0': appliedEntry(definition('e-0', ['maxRows: 5'])) },
        remove: ['e-1'],
        events: [],
      },
      written.serial,
    );
    const snapshotBytes = readFileSync(join(stateDir, 'state.json'));
    const walBytes = readFileSync(join(stateDir, 'state.wal'));

    disk.fill(4096);
    await expect(store.compact()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readFileSync(join(stateDir, 'state.json')).equals(snapshotBytes)).toBe(true);
    expect(readFileSync(join(stateDir, 'state.wal')).equals(walBytes)).toBe(true);
    expect(readdirSync(stateDir).sort()).toEqual(['state.json', 'state.wal']);
    const reread = (await new LocalFileStore({ stateDir }).read()).state;
    expect(reread.serial).toBe(serial);
    expect(reread.exports['e-1']).toBeUndefined();
    expect(reread.exports['e-0']!.spec.format.maxRows).toBe(5);
  });

  it('a log record that does not fit is cut back whole, and the state stays readable', async () => {
    const disk = mountSmallDisk(1024 * 1024);
    const stateDir = join(disk.dir, 'state');
    const store = new LocalFileStore({ stateDir });
    const written = await seedState(store, { a: appliedEntry(definition('a')) });
    // The run's first change backs the state up (a whole snapshot): done before the disk is full.
    const serial = await store.commit(
      { lineage: written.lineage, set: { a: written.exports.a! }, remove: [], events: [] },
      written.serial,
    );
    await store.compact();
    const big: State['exports'] = {};
    for (let i = 0; i < 400; i++) big[`big-${i}`] = appliedEntry(definition(`big-${i}`));
    disk.fill(8192);
    await expect(
      store.commit({ lineage: written.lineage, set: big, remove: [], events: [] }, serial),
    ).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    const walPath = join(stateDir, 'state.wal');
    expect(existsSync(walPath) ? readFileSync(walPath, 'utf8') : '').toBe('');
    expect((await new LocalFileStore({ stateDir }).read()).state.exports).toEqual(written.exports);
  });

  it.each([0, 2048, 8192])(
    'state rm with %i bytes free keeps the state whole, and exits 1 saying why',
    async (leave) => {
      const disk = mountSmallDisk(1024 * 1024);
      const stateDir = join(disk.dir, 'state');
      const store = new LocalFileStore({ stateDir });
      const exports: State['exports'] = {};
      for (let i = 0; i < 100; i++) exports[`e-${i}`] = appliedEntry(definition(`e-${i}`));
      await seedState(store, exports);
      const dir = miniRepo({ '.git/HEAD': '', 'cxone-exports.config.yaml': `stateDir: ${stateDir}\n` });

      disk.fill(leave);
      const result = runCli(['state', 'rm', 'e-5'], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no space left on the device \(ENOSPC\)/);
      expect(result.stderr).not.toMatch(/Internal error/);
      const after = await storedState(stateDir);
      // Either untouched, or removed with the audit line that says so; never a half-written file.
      if (after.exports['e-5'] === undefined)
        expect(auditLines(stateDir).some((e) => e.event === 'state.forget' && e.export === 'e-5')).toBe(true);
      expect(Object.keys(after.exports).length).toBeGreaterThanOrEqual(99);
      expect(readdirSync(stateDir).filter((f) => f.startsWith('state.lock') || f.endsWith('.tmp'))).toEqual([]);
    },
  );
});
