// `serve` on the pg backend while its database goes away and comes back, under a steady load of callbacks that
// are delivered again until acknowledged, as CXone does: 503s while it is down, /healthz says so, recording
// resumes by itself, and every acknowledged event is durable, recorded once.

import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { closeStore } from '../../src/state/state-store.js';
import { miniRepo } from '../support/fixtures.js';
import { pgStore, sql } from '../support/postgres.js';
import { privatePostgres } from '../support/private-postgres.js';
import { completion, postCallback } from '../support/receiver.js';
import { freePort, SERVE_SECRET, startServe } from '../support/serve-process.js';
import { queuedExports, seedState } from '../support/state-builders.js';

const EXECUTIONS = 300;

describe('serve on the pg backend, its database restarted under load', () => {
  it('answers 503 while the database is down, reports it, and loses nothing it acknowledged', async () => {
    const server = await privatePostgres();
    const schema = 'receivers';
    const seeded = pgStore(server.url, schema);
    await seedState(seeded, queuedExports(EXECUTIONS));
    await closeStore(seeded);

    const dir = miniRepo({ 'cxone-exports.config.yaml': `backend:\n  type: pg\n  schema: ${schema}\n` });
    const port = await freePort();
    const serve = await startServe(dir, port, { CXONE_EXPORTS_PG_URL: server.url });
    const base = `http://127.0.0.1:${port}`;

    // CXone's side: each completion is delivered until it is acknowledged.
    let unavailable = 0;
    let sawOutage: () => void = () => undefined;
    const outageSeen = new Promise<void>((resolve) => (sawOutage = resolve));
    const deliver = async (i: number) => {
      for (;;) {
        const answer = await postCallback(base, completion(`exe-${i}`), { secret: SERVE_SECRET });
        if (answer.status === 200) return answer;
        expect(answer.status).toBe(503);
        unavailable++;
        sawOutage();
        // CXone backs off before delivering again; a short pause keeps the load from spinning.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const wave = (from: number, to: number) =>
      Promise.all(Array.from({ length: to - from }, (_, k) => deliver(from + k)));

    // A third before the outage, a third during it (delivered again until the database is back), a third after.
    const third = EXECUTIONS / 3;
    const answers = [...(await wave(0, third))];
    server.stop();
    const during = wave(third, 2 * third);
    await outageSeen;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'failing' });
    server.start();
    answers.push(...(await during), ...(await wave(2 * third, EXECUTIONS)));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    serve.kill('SIGTERM');
    await once(serve, 'exit');

    expect(unavailable).toBeGreaterThan(0);
    expect(answers.filter((a) => a.body.status === 'recorded')).toHaveLength(EXECUTIONS);
    const completions = await sql<{ n: string; executions: string }>(
      server.url,
      `SELECT count(*)::text AS n, count(DISTINCT event->>'executionId')::text AS executions
         FROM ${schema}.events WHERE kind = 'execution.completed'`,
    );
    expect(completions[0]).toEqual({ n: String(EXECUTIONS), executions: String(EXECUTIONS) });
    const after = pgStore(server.url, schema);
    const stored = (await after.read()).state;
    await closeStore(after);
    expect(Object.values(stored.exports).filter((e) => e.lastExecution?.status !== 'completed')).toEqual([]);
  }, 120_000);
});
