// `audit verify` on the pg backend, against the real PostgreSQL (through PgBouncer too, in the e2e-pooled
// project): after an apply and receivers committing side by side the chain holds; an edited, removed or added
// event row, or a cut tail, is named by its sequence number.

import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { applyRepo, command } from '../support/apply-repo.js';
import { freshSchema, pgStore, sql, testDatabase } from '../support/postgres.js';
import { startSimulator } from '../support/simulator.js';

const database = testDatabase();

function event(runId: string, i: number): AuditEvent {
  return {
    timestamp: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
    event: 'execution.completed',
    export: `r-${runId}-${i}`,
    status: 'completed',
    actor: 'receiver',
    runId,
    toolVersion: '0.1.0',
  };
}

describe('audit verify on the pg backend', () => {
  it('holds after an apply and receivers side by side, and names the event of every rewrite', async () => {
    const sim = await startSimulator();
    const schema = freshSchema();
    const dir = applyRepo({
      exports: { a: 'da-1', b: 'da-2' },
      config: `apply:\n  spacingMs: 0\nbackend:\n  type: pg\n  schema: ${schema}\n`,
    });
    const run = command(sim, dir, database.env);
    expect((await run(['apply', '--auto-approve'])).code).toBe(0);

    // Two receivers record different exports at once, and one refuses callbacks: the chain never forks.
    const receivers = [pgStore(database.url, schema), pgStore(database.url, schema)];
    try {
      const { state } = await receivers[0]!.read();
      await Promise.all(
        receivers.map((store, r) =>
          (async () => {
            for (let i = 0; i < 20; i++) {
              const name = `r-${r}-${i}`;
              const entry = { ...state.exports.a!, metadata: { ...state.exports.a!.metadata, name } };
              await store.commit(
                { lineage: state.lineage, set: { [name]: entry }, remove: [], events: [event(String(r), i)] },
                state.serial,
              );
              if (i % 5 === 0) await store.appendEvents([{ ...event(String(r), i), event: 'callback.rejected' }]);
            }
          })(),
        ),
      );
    } finally {
      await Promise.all(receivers.map((store) => store.close()));
    }
    const total = 4 + 2 * 20 + 2 * 4;
    const verified = await run(['audit', 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`the audit chain holds, ${total} events checked`);

    const ids = (
      await sql<{ id: string }>(database.url, `SELECT e.id::text AS id FROM ${schema}.events e ORDER BY e.id`)
    ).map((row) => row.id);
    expect(ids).toHaveLength(total);
    /** Commits `change`, runs verify, and undoes it with `undo`: each rewrite on the untouched log. */
    const tampered = async (change: string, undo: string) => {
      await sql(database.url, change);
      const result = await run(['audit', 'verify']);
      await sql(database.url, undo);
      expect(result.code).toBe(1);
      return result.stdout;
    };
    const rewrite = (id: string, from: string, to: string) =>
      `UPDATE ${schema}.events SET event = replace(event::text, '${from}', '${to}')::json WHERE id = ${id}`;
    expect(
      await tampered(rewrite(ids[9]!, '"actor":"', '"actor":"x'), rewrite(ids[9]!, '"actor":"x', '"actor":"')),
    ).toMatch(/event seq 10 was changed after it was written: event seq 11 records its hash as [0-9a-f]{12}…/);
    expect(
      await tampered(rewrite(ids.at(-1)!, '"actor":"', '"actor":"x'), rewrite(ids.at(-1)!, '"actor":"x', '"actor":"')),
    ).toContain(`event seq ${total} does not match the head the state records`);
    // A removed row, and the tail cut: moved aside and back, so the rows keep their order.
    await sql(database.url, `CREATE TABLE ${schema}.aside AS SELECT * FROM ${schema}.events WHERE false`);
    const removeRow = (id: string) =>
      `INSERT INTO ${schema}.aside SELECT * FROM ${schema}.events WHERE id = ${id}; DELETE FROM ${schema}.events WHERE id = ${id}`;
    const restore = `INSERT INTO ${schema}.events SELECT * FROM ${schema}.aside; DELETE FROM ${schema}.aside`;
    expect(await tampered(removeRow(ids[19]!), restore)).toContain(
      '1 line was removed after event seq 19: event seq 21 follows with sequence number 21, and sequence number 20 is missing',
    );
    expect(await tampered(removeRow(ids.at(-1)!), restore)).toContain(
      `the tail after event seq ${total - 1} is missing: the state's head is at sequence number ${total}`,
    );
    // A row added after the head, as a copy of the last.
    expect(
      await tampered(
        `INSERT INTO ${schema}.events (state, kind, event) SELECT state, kind, event FROM ${schema}.events WHERE id = ${ids.at(-1)!}`,
        `DELETE FROM ${schema}.events WHERE id > ${ids.at(-1)!}`,
      ),
    ).toContain(`has sequence number ${total} where ${total + 1} was due`);
    const again = await run(['audit', 'verify', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ valid: true, linesChecked: total, uncovered: 0 });
  });
});
