// The CLI on the pg backend, against the real PostgreSQL and the simulator: apply and plan with no state files,
// the lock between two applies, an unreachable database, a crash mid-apply, the schema for roles that may not
// create it, moving a local state in, and the audit export.

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepo, cli, command } from '../support/apply-repo.js';
import { clockFrom } from '../support/test-clock.js';
import { repoWithBundledExports } from '../support/fixtures.js';
import { freshSchema, pgStore, sql, testDatabase, withLockedTables } from '../support/postgres.js';
import { EMPTY_HEAD, chainLines } from '../../src/audit/audit-chain.js';
import { lockInfo } from '../../src/state/lock-state.js';
import { PG_SCHEMA_VERSION } from '../../src/state/pg/pg-schema.js';
import { holdSubmissions } from '../support/held-submissions.js';
import { stderrSays } from '../support/run-cli.js';
import { startSimulator } from '../support/simulator.js';
import { waitForAsync } from '../support/wait-for.js';

const database = testDatabase();

/** A repository whose config puts the state in a schema of its own in the test database. */
function pgRepo(exports: Record<string, string>, extra = '', schema = freshSchema()): { dir: string; schema: string } {
  const dir = applyRepo({
    exports,
    config: `apply:\n  concurrency: 1\n  spacingMs: 0\nbackend:\n  type: pg\n  schema: ${schema}\n${extra}`,
  });
  return { dir, schema };
}

interface PlanJson {
  changes: { name: string; action: string }[];
}

describe('the pg backend, end to end', () => {
  it('applies, plans no changes, and leaves no state files: nothing to commit back', async () => {
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1', b: 'da-2' });
    const run = command(sim, dir, database.env);
    const applied = await run(['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply complete: 2 submitted, 0 failed, 0 skipped. State serial 0 → 4.');
    expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
    expect(existsSync(join(dir, '.cxone-exports'))).toBe(false);
    expect((await run(['state', 'commit-files'])).stdout).toBe('');
    // Nor does a commit-back step without the database URL fail to learn it.
    expect(await command(sim, dir)(['state', 'commit-files'])).toMatchObject({ code: 0, stdout: '' });
    const rows = await sql<{ name: string }>(database.url, `SELECT name FROM ${schema}.entries ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(['a', 'b']);
    const exported = (await run(['audit', 'export'])).stdout.trim().split('\n');
    expect(exported.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual([
      'execution.intent',
      'execution.submitted',
      'execution.intent',
      'execution.submitted',
    ]);
    expect((await run(['audit', 'export', '--since', '1h'])).stdout.trim().split('\n')).toHaveLength(4);
  });

  it('lets one apply hold the lock: a second fails naming the holder, or waits for it', async () => {
    // The first apply's submissions are held at CXone, with its lock, until the others have met that lock.
    const held = holdSubmissions();
    const sim = await startSimulator({ onSubmission: held.onSubmission });
    const { dir } = pgRepo({ a: 'da-1', b: 'da-1', c: 'da-1' });
    const run = cli(sim, dir, database.env);
    const first = run(['apply', '--auto-approve']);
    await held.firstArrived;
    const refused = await run(['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the state is locked by apply \(lock [0-9a-f-]+, .*pid \d+/);
    let spawned: (child: ChildProcess) => void = () => undefined;
    const waiter = new Promise<ChildProcess>((resolve) => (spawned = resolve));
    const waited = run(['apply', '--auto-approve', '--lock-timeout', '60s'], { onSpawn: (child) => spawned(child) });
    await stderrSays(await waiter, 'Waiting up to 1m for the state lock held by apply (lock ');
    held.release();
    expect((await first).code).toBe(0);
    const second = await waited;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('No changes.');
    expect(sim.record().executions).toHaveLength(3);
  });

  it('says which database it cannot reach, shows no password, and submits nothing', async () => {
    const sim = await startSimulator();
    const { dir } = pgRepo({ a: 'da-1' });
    const run = command(sim, dir, { CXONE_EXPORTS_PG_URL: 'postgres://ops:hunter2-very-secret@127.0.0.1:1/exports' });
    for (const args of [['plan'], ['apply', '--auto-approve'], ['status']]) {
      const result = await run(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('cannot reach PostgreSQL at 127.0.0.1:1/exports (ECONNREFUSED)');
      expect(result.stderr + result.stdout).not.toContain('hunter2');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(sim.record().requests).toHaveLength(0);
  });

  it('after a kill -9 mid-apply, the next apply takes the lock over and runs each export exactly once', async () => {
    let victim: ChildProcess | undefined;
    const sim = await startSimulator({
      onSubmission: async ({ phase, dataActionId }) => {
        if (victim === undefined || phase !== 'created' || dataActionId !== 'da-2') return undefined;
        const exited = once(victim, 'exit');
        victim.kill('SIGKILL');
        await exited;
        victim = undefined;
        return undefined;
      },
    });
    const { dir } = pgRepo({ a: 'da-1', b: 'da-2', c: 'da-3' });
    const run = cli(sim, dir, database.env);
    const crashed = await run(['apply', '--auto-approve'], { onSpawn: (child) => (victim = child) });
    expect(crashed.code).toBe(137);
    const plan = JSON.parse((await run(['plan', '--json'])).stdout) as PlanJson;
    expect(Object.fromEntries(plan.changes.map((c) => [c.name, c.action]))).toEqual({
      a: 'no-op',
      b: 'resubmit',
      c: 'create',
    });
    const recovered = await run(['apply', '--auto-approve']);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(recovered.stderr).toMatch(/broke the lock .* no longer running/);
    const executions = sim.record().executions;
    expect(executions).toHaveLength(3);
    expect(new Set(executions.map((e) => e.idempotencyKey)).size).toBe(3);
    expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
  });

  it('with skipSchemaCreation, a missing schema is an error that prints the SQL; backend init creates it', async () => {
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1' }, '  skipSchemaCreation: true\n');
    const run = command(sim, dir, database.env);
    const refused = await run(['plan']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the schema ${schema} has no cxone-exports tables`);
    expect(refused.stderr).toContain(`CREATE TABLE IF NOT EXISTS "${schema}".states`);
    const printed = await run(['backend', 'init', '--print-sql']);
    expect(printed.stdout).toContain(`CREATE SCHEMA IF NOT EXISTS "${schema}";`);
    // An administrator runs the SQL; then the role that may not create works.
    await sql(database.url, printed.stdout);
    expect((await run(['plan'])).code).toBe(0);
  });

  it('refuses tables of a newer schema version, and changes nothing', async () => {
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1' });
    const run = command(sim, dir, database.env);
    expect((await run(['backend', 'init'])).code).toBe(0);
    await sql(database.url, `UPDATE ${schema}.schema_version SET version = 99`);
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const refused = await run(args);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('has tables of schema version 99, made by a newer cxone-exports');
    }
    expect(await sql(database.url, `SELECT * FROM ${schema}.states`)).toEqual([]);
    expect(sim.record().requests).toHaveLength(0);
  });

  it('stops, naming what waited, when a table it needs is locked by another session: nothing waits forever', async () => {
    // Issue 23, point 4: with a table locked from psql, plan printed nothing for 60 s.
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1' }, '  statementTimeout: 1s\n');
    const run = command(sim, dir, database.env);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    await withLockedTables(database.url, [`${schema}.entries`, `${schema}.locks`], async () => {
      for (const args of [['plan'], ['apply', '--auto-approve', '--replace', 'a', '--lock-timeout', '1s']]) {
        const waited = await run(args);
        expect(waited.code, args.join(' ')).toBe(1);
        expect(waited.stderr).toContain('did not finish a statement within 1 s (backend.statementTimeout)');
        expect(waited.stderr).not.toMatch(/\n\s+at /);
      }
      // With the default statement timeout (30 s), taking the lock still waits no longer than --lock-timeout.
      const patient = pgRepo({ a: 'da-1' }, '', schema);
      const quick = await command(sim, patient.dir, database.env)(['apply', '--auto-approve', '--lock-timeout', '1s']);
      expect(quick.code).toBe(1);
      expect(quick.stderr).toContain('did not finish a statement within 1 s');
    });
    expect(sim.record().executions).toHaveLength(1);
    expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
  });

  it('ends an apply stuck on a locked table within its grace once told to stop (issue 23, point 4)', async () => {
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1' }, '  statementTimeout: 10m\n');
    const run = cli(sim, dir, database.env);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    await withLockedTables(database.url, [`${schema}.entries`], async () => {
      let child: ChildProcess | undefined;
      const stuck = run(['apply', '--auto-approve', '--replace', 'a'], { onSpawn: (spawned) => (child = spawned) });
      // Stopped once its read is waiting for the table, as PostgreSQL itself says.
      await waitForAsync(async () => {
        const [row] = await sql<{ n: string }>(
          database.url,
          `SELECT count(*)::text AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name = 'cxone-exports'`,
        );
        return row!.n !== '0';
      }, 'the apply to wait for the locked table');
      child!.kill('SIGTERM');
      const ended = await stuck;
      expect(ended.code).toBe(143);
      expect(ended.stderr).toContain('Stopped: the graceful stop after SIGTERM did not finish in time.');
    });
    expect(sim.record().executions).toHaveLength(1);
  }, 60_000);

  it('tells every connection and schema mistake as a one-line error with its fix, never as a bug', async () => {
    // Issue 23, points 9, 10 and 15: each of these was an "Internal error" with a stack, or went wrong silently.
    const sim = await startSimulator();
    const { dir } = pgRepo({ a: 'da-1' });
    const base = database.url;
    const socket = `postgresql://${database.url.replace(/^postgres:\/\/([^@]*)@[^/]*\//, '$1@/')}?host=/var/run/postgresql`;
    const cases: [string, RegExp | 0][] = [
      [`${base}?sslmode=require`, /does not accept TLS connections|its TLS certificate cannot be verified/],
      [`${base}?options=-c%20statement_timeout%3Dbogus`, /refused a setting of the connection/],
      // A password with an escape that does not decode, and libpq's socket form, both connect.
      [base.replace('://postgres@', '://postgres:%zz@'), 0],
      [socket, 0],
    ];
    for (const [url, expected] of cases) {
      const result = await command(sim, dir, { CXONE_EXPORTS_PG_URL: url })(['plan']);
      expect(result.stderr, url).not.toMatch(/Internal error|\n\s+at /);
      if (expected === 0) expect(result.code, `${url}: ${result.stderr}`).toBe(0);
      else {
        expect(result.code, url).toBe(1);
        expect(result.stderr, url).toMatch(expected);
      }
    }
    // A system schema is refused by the config; a schema holding an application's table of one of our names is
    // refused by the backend, which never takes over a table it did not create.
    const system = pgRepo({ a: 'da-1' }, '', 'pg_temp');
    expect((await command(sim, system.dir, database.env)(['plan'])).stderr).toContain(
      'backend.schema pg_temp is a system schema of PostgreSQL',
    );
    const shared = freshSchema();
    await sql(database.url, `CREATE SCHEMA ${shared}; CREATE TABLE ${shared}.events (id serial, payload text)`);
    const app = pgRepo({ a: 'da-1' }, '', shared);
    const refused = await command(sim, app.dir, database.env)(['plan']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`the schema ${shared} already has events, which cxone-exports did not create`);
    expect(await sql(database.url, `SELECT to_regclass('${shared}.states') AS t`)).toEqual([{ t: null }]);
  });

  it('frees the lock when its holder row is removed by hand, and the holder then writes nothing', async () => {
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1' });
    const holder = pgStore(database.url, schema);
    try {
      const taken = await holder.tryLock(lockInfo('apply', Date.now()));
      expect(taken.acquired).toBe(true);
      // No session holds anything: the row is the lock, and removing it (what state unlock does) frees it.
      await sql(database.url, `DELETE FROM ${schema}.locks`);
      const applied = await command(sim, dir, database.env)(['apply', '--auto-approve']);
      expect(applied.code, applied.stderr).toBe(0);
      const { state } = await holder.read();
      await expect(
        holder.commit({ lineage: state.lineage, set: {}, remove: ['a'], events: [] }, state.serial, {
          fence: (taken as { fence: string }).fence,
        }),
      ).rejects.toThrow('the state lock was lost');
      expect(Object.keys((await holder.read()).state.exports)).toEqual(['a']);
    } finally {
      await holder.close();
    }
    expect(sim.record().executions).toHaveLength(1);
  });

  it('exports every event byte for byte as stored, quotes, escapes and any character included', async () => {
    const schema = freshSchema();
    const store = pgStore(database.url, schema);
    const odd = {
      timestamp: '2026-11-28T10:00:00.000Z',
      event: 'execution.failed' as const,
      export: 'a',
      error: 'a "quoted" \\ back\\slash, a tab\t, a new\nline, é, 😀, \u0001',
      actor: 'test',
      runId: 'r',
      toolVersion: '0.1.0',
    };
    try {
      await store.commit({ lineage: 'L', set: {}, remove: [], events: [odd, { ...odd, export: 'b' }] }, 0);
      const chunks: Buffer[] = [];
      const count = await store.exportEvents(undefined, (chunk) => {
        chunks.push(chunk);
        return Promise.resolve();
      });
      expect(count).toBe(2);
      // The very bytes written: the chained lines, whose hashes `audit verify` checks.
      expect(Buffer.concat(chunks).toString('utf8')).toBe(chainLines([odd, { ...odd, export: 'b' }], EMPTY_HEAD).text);
    } finally {
      await store.close();
    }
  });

  it('upgrades tables of schema version 1 in place, keeping the state, or says so when it may not', async () => {
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1' });
    const run = command(sim, dir, database.env);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);
    // Back to what version 1 made: no owner columns, and version 1 recorded.
    await sql(
      database.url,
      `ALTER TABLE ${schema}.states DROP COLUMN environment, DROP COLUMN tenant_id;
       DELETE FROM ${schema}.schema_version; INSERT INTO ${schema}.schema_version VALUES (1);`,
    );
    const skipping = pgRepo({ a: 'da-1' }, '  skipSchemaCreation: true\n');
    writeFileSync(
      join(skipping.dir, 'cxone-exports.config.yaml'),
      readFileSync(join(skipping.dir, 'cxone-exports.config.yaml'), 'utf8').replace(skipping.schema, schema),
    );
    const refused = await command(sim, skipping.dir, database.env)(['plan']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has tables of schema version 1; this cxone-exports');
    expect(refused.stderr).toContain(`ALTER TABLE "${schema}".states ADD COLUMN IF NOT EXISTS environment text`);

    expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
    expect(await sql(database.url, `SELECT max(version) AS v FROM ${schema}.schema_version`)).toEqual([
      { v: PG_SCHEMA_VERSION },
    ]);
    expect(sim.record().executions).toHaveLength(1);
  });

  it('moves a version 3 database to the lease: a session lock row left there is an ended lease', async () => {
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1', b: 'da-2' });
    const run = command(sim, dir, database.env);
    expect((await run(['backend', 'init'])).code).toBe(0);
    // What version 3 had: no lease end, the holder's session pid required, and a row its holder left behind
    // when another runner's session died with its advisory lock.
    const holder = { ...lockInfo('apply', Date.now()), host: 'runner-gone', who: 'ci@runner-gone' };
    await sql(
      database.url,
      `ALTER TABLE ${schema}.locks DROP COLUMN expires_at;
       INSERT INTO ${schema}.locks (state, info, backend_pid, fence) VALUES ('default', '${JSON.stringify(holder)}', 4242, 7);
       ALTER TABLE ${schema}.locks ALTER COLUMN backend_pid SET NOT NULL;
       DELETE FROM ${schema}.schema_version; INSERT INTO ${schema}.schema_version VALUES (3);`,
    );
    const applied = await run(['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain(`broke the lock ${holder.id} left by apply`);
    expect(await sql(database.url, `SELECT max(version) AS v FROM ${schema}.schema_version`)).toEqual([
      { v: PG_SCHEMA_VERSION },
    ]);
    expect(await sql(database.url, `SELECT 1 FROM ${schema}.locks`)).toEqual([]);
    expect(sim.record().executions).toHaveLength(2);
  });

  it('state migrate --from local moves the bundled example, keeps lineage and serial, and runs once', async () => {
    const sim = await startSimulator();
    const schema = freshSchema();
    const dir = repoWithBundledExports();
    // The bundled config's sandbox, chosen by the variable: its local state moves to the pg state named after it.
    const sandbox = {
      CXONE_EXPORTS_ENV: 'sandbox',
      CXONE_SANDBOX_CLIENT_ID: sim.options.credentials.clientId,
      CXONE_SANDBOX_CLIENT_SECRET: sim.options.credentials.clientSecret,
    };
    // Far from any tick of the bundled schedules, so nothing comes due between the apply and the plan.
    const clock = clockFrom('2026-10-07T10:20:00Z');
    const local = command(sim, dir, sandbox, clock);
    expect((await local(['apply', '--auto-approve'])).code).toBe(0);
    const before = JSON.parse((await local(['state', 'list', '--json'])).stdout) as unknown[];
    const events = readFileSync(join(dir, '.cxone-exports', 'sandbox', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n');

    const config = join(dir, 'cxone-exports.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('  type: local', `  type: pg\n  schema: ${schema}`));
    const run = command(sim, dir, { ...sandbox, ...database.env }, clock);
    const moved = await run(['state', 'migrate', '--from', 'local']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toMatch(
      new RegExp(
        `Moved ${before.length} exports and ${events.length} audit events .* \\(lineage [0-9a-f-]+, serial \\d+\\)`,
      ),
    );
    const plan = (await run(['plan'])).stdout;
    expect(plan).toMatch(/^Environment sandbox: API http:\/\/127\.0\.0\.1:\d+ \(from CXONE_API_URL in the environment/);
    expect(plan).toContain('No changes. Exports match the state.\n');
    expect(await sql(database.url, `SELECT name FROM ${schema}.states`)).toEqual([{ name: 'sandbox' }]);
    expect(JSON.parse((await run(['state', 'list', '--json'])).stdout)).toEqual(before);
    expect((await run(['audit', 'export'])).stdout.trim().split('\n')).toEqual(events);

    const again = await run(['state', 'migrate', '--from', 'local']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to do:');
    expect((await run(['audit', 'export'])).stdout.trim().split('\n')).toHaveLength(events.length);

    // Another state's lineage in the target is refused.
    await sql(database.url, `UPDATE ${schema}.states SET lineage = 'someone-else' WHERE name = 'sandbox'`);
    const refused = await run(['state', 'migrate', '--from', 'local']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('holds another state (lineage someone-else); nothing was moved');
  });

  it('init --backend pg writes a pg config and workflows with no commit-back, and plan works with it', async () => {
    const sim = await startSimulator();
    const dir = mkdtempSync(join(tmpdir(), 'cxone-init-pg-'));
    const run = command(sim, dir, database.env);
    const init = await run(['init', '--backend', 'pg']);
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cxone-exports.config.yaml'), 'utf8')).toMatch(/backend:\n {2}type: pg\n/);
    expect(existsSync(join(dir, '.github/scripts/commit-state.sh'))).toBe(false);
    expect(readFileSync(join(dir, '.github/workflows/cxone-exports-apply.yml'), 'utf8')).toContain(
      'CXONE_EXPORTS_PG_URL: ${{ secrets.CXONE_EXPORTS_PG_URL }}',
    );
    expect((await run(['validate'])).code).toBe(0);
    const plan = await run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('Plan: 1 to submit (1 create), 0 to forget, 0 unchanged.');
  });

  it("applies a saved plan while the database's state is as it was, and refuses it once the state moved", async () => {
    const sim = await startSimulator();
    const { dir, schema } = pgRepo({ a: 'da-1' });
    const run = command(sim, dir, database.env);
    expect((await run(['plan', '--out', 'first.json'])).code).toBe(0);
    const applied = await run(['apply', 'first.json']);
    expect(applied.code, applied.stderr).toBe(0);

    writeFileSync(
      join(dir, 'exports', 'a.yaml'),
      readFileSync(join(dir, 'exports', 'a.yaml'), 'utf8').replace('maxRows: 1000', 'maxRows: 2000'),
    );
    expect((await run(['plan', '--out', 'second.json'])).code).toBe(0);
    expect((await run(['plan', '--out', 'third.json'])).code).toBe(0);
    // Something writes the state meanwhile without changing what the plan does (a receiver recording another
    // export's end): the saved plan still applies (issue 23, point 14).
    await sql(database.url, `UPDATE ${schema}.states SET serial = serial + 1`);
    const applied2 = await run(['apply', 'second.json']);
    expect(applied2.code, applied2.stderr).toBe(0);
    expect(sim.record().executions).toHaveLength(2);
    // Another run applied what third.json would: it is stale now, and says what changed.
    const stale = await run(['apply', 'third.json']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(
      /the saved plan third\.json is stale[\s\S]*the state moved on \(serial \d+ → \d+\) and the plan changed: a was update, is now no-op/,
    );
    expect(sim.record().executions).toHaveLength(2);
  });
});
