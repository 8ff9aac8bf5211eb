// The pg backend through PgBouncer as Debian ships it, in transaction pooling and in session pooling, as teams
// reach their databases: every command works, two appliers as on two hosts never run at once, a runner killed
// on another host frees its lock by itself, nothing is left locked, and the statement timeout is in force.

import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { applyRepo } from '../support/apply-repo.js';
import { killWhileMaking } from '../support/kill-while-making.js';
import { runOnHost } from '../support/other-host.js';
import { pgBouncer } from '../support/pgbouncer.js';
import type { PoolMode } from '../support/pgbouncer.js';
import { freshSchema, sql, testDatabase, withLockedTables } from '../support/postgres.js';
import { runCliAsync } from '../support/run-cli.js';
import { freePort, SERVE_SECRET, startServe } from '../support/serve-process.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';

const database = testDatabase();
const MODES: PoolMode[] = ['transaction', 'session'];
const poolers = Object.fromEntries(MODES.map((mode) => [mode, pgBouncer(mode)]));

describe.each(MODES)('the pg backend through PgBouncer in %s pooling', (mode) => {
  const pooled = () => ({ CXONE_EXPORTS_PG_URL: poolers[mode]!().url(database.name) });
  const repo = (exports: Record<string, string>, extra = '', top = '') => {
    const schema = freshSchema();
    const dir = applyRepo({
      exports,
      config: `${top}apply:\n  spacingMs: 0\nbackend:\n  type: pg\n  schema: ${schema}\n${extra}`,
    });
    return { dir, schema };
  };

  it('runs backend init, plan, apply, refresh, serve, state list and audit export, and leaves nothing locked', async () => {
    const port = await freePort();
    const sim = await startSimulator({
      callbackSecret: SERVE_SECRET,
      lifecycle: { minDurationMs: 100, msPerMillionRows: 0, failureRate: 0 },
    });
    const { dir, schema } = repo(
      { a: 'da-1', b: 'da-2' },
      '',
      `defaults:\n  callbackUrl: http://127.0.0.1:${port}/webhook/cxone-callback\n`,
    );
    const env = { ...simEnvironment(sim), ...pooled() };
    const run = (args: string[]) => runCliAsync(args, { cwd: dir, env });
    for (const args of [['backend', 'init'], ['plan']]) {
      const result = await run(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const serve = await startServe(dir, port, pooled());
    try {
      const applied = await run(['apply', '--auto-approve']);
      expect(applied.code, applied.stderr).toBe(0);
      // serve records both completions through the pooler, and answers CXone 200.
      await expect
        .poll(() => sim.record().executions.filter((e) => e.callback?.status === 200).length, { timeout: 10_000 })
        .toBe(2);
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(
        /cxone_exports_executions_total\{[^}]*status="completed"[^}]*\} 2/,
      );
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
    for (const args of [['refresh'], ['state', 'list']]) {
      const result = await run(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const exported = await run(['audit', 'export']);
    expect(exported.code, exported.stderr).toBe(0);
    const events = exported.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event: string });
    expect(events.filter((e) => e.event === 'execution.completed')).toHaveLength(2);
    expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
    expect(await sql(database.url, `SELECT 1 FROM ${schema}.locks`)).toEqual([]);
  });

  it('never runs two appliers as on two hosts at once: the second is refused, the first completes', async () => {
    let first: ChildProcess | undefined;
    let second: Awaited<ReturnType<typeof runOnHost>> | undefined;
    const sim = await startSimulator({
      onSubmission: async ({ phase, dataActionId }) => {
        if (phase !== 'created' || dataActionId !== 'da-2' || second !== undefined) return undefined;
        second = await runOnHost('runner-b', ['apply', '--auto-approve'], { cwd: dir, env });
        return undefined;
      },
    });
    const { dir, schema } = repo({ a: 'da-1', b: 'da-2', c: 'da-3' });
    const env = { ...simEnvironment(sim), ...pooled() };
    const firstRun = await runOnHost('runner-a', ['apply', '--auto-approve'], {
      cwd: dir,
      env,
      onSpawn: (child) => (first = child),
    });
    expect(first).toBeDefined();
    expect(firstRun.code, firstRun.stderr).toBe(0);
    expect(second?.code).toBe(1);
    expect(second?.stderr).toMatch(/the state is locked by apply \(lock [^,]+, [^@]+@runner-a, .*lease renewed until/);
    const perExport = sim
      .record()
      .executions.map((e) => e.dataActionId)
      .sort();
    expect(perExport).toEqual(['da-1', 'da-2', 'da-3']);
    expect(await sql(database.url, `SELECT 1 FROM ${schema}.locks`)).toEqual([]);
  });

  it('frees the lock of a runner killed on another host: the next apply takes it when the lease ends', async () => {
    const kill = killWhileMaking('da-2');
    const sim = await startSimulator({
      onSubmission: kill.onSubmission,
    });
    const { dir, schema } = repo({ a: 'da-1', b: 'da-2', c: 'da-3' }, '  lockLease: 3s\n');
    const env = { ...simEnvironment(sim), ...pooled() };
    const killed = await runOnHost('runner-a', ['apply', '--auto-approve'], {
      cwd: dir,
      env,
      onSpawn: kill.onSpawn,
    });
    expect(killed.code).toBe(137);
    const next = await runOnHost('runner-b', ['apply', '--auto-approve', '--lock-timeout', '4m'], { cwd: dir, env });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/took over the lock .* of apply .*@runner-a\), whose lease ended at/);
    const executions = sim.record().executions;
    expect(executions.map((e) => e.dataActionId).sort()).toEqual(['da-1', 'da-2', 'da-3']);
    expect(await sql(database.url, `SELECT 1 FROM ${schema}.locks`)).toEqual([]);
  });

  it('keeps backend.statementTimeout in force: a locked table ends a plan within it, naming what waited', async () => {
    const sim = await startSimulator();
    const { dir, schema } = repo({ a: 'da-1' }, '  statementTimeout: 2s\n');
    const env = { ...simEnvironment(sim), ...pooled() };
    expect((await runCliAsync(['backend', 'init'], { cwd: dir, env })).code).toBe(0);
    await withLockedTables(database.url, [`${schema}.states`, `${schema}.entries`], async () => {
      const started = Date.now();
      const waited = await runCliAsync(['plan'], { cwd: dir, env });
      expect(waited.code).toBe(1);
      expect(waited.stderr).toContain('did not finish a statement within 2 s (backend.statementTimeout)');
      // Ended by the server's timeout, not the client's backstop 5 s later, nor never.
      expect(Date.now() - started).toBeLessThan(6_500);
    });
    // And the server ended the statement too: nothing of this plan still waits there.
    expect(
      await sql(
        database.url,
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      ),
    ).toEqual([]);
  });
});
