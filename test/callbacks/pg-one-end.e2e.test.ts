// One end per execution, whoever records it: `apply --wait` polls while `serve` records callbacks, both on the pg
// backend, for the same executions. When their commits conflict, the one retried decides its event again with its
// change, so the audit holds each execution's end once, as status counts it.

import { describe, expect, it } from 'vitest';
import { applyRepo } from '../support/apply-repo.js';
import { freshSchema, testDatabase } from '../support/postgres.js';
import { runCliAsync } from '../support/run-cli.js';
import { freePort, SERVE_SECRET, startServe } from '../support/serve-process.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';

const database = testDatabase();
const EXPORTS = 40;

describe('apply --wait beside serve on the pg backend', () => {
  it('writes each execution end once in the audit', async () => {
    const port = await freePort();
    const sim = await startSimulator({
      callbackSecret: SERVE_SECRET,
      lifecycle: { minDurationMs: 30, msPerMillionRows: 0, failureRate: 0.2 },
    });
    const schema = freshSchema();
    const exports = Object.fromEntries(Array.from({ length: EXPORTS }, (_, i) => [`e${i}`, `da-${i}`]));
    const dir = applyRepo({
      exports,
      config:
        `defaults:\n  callbackUrl: http://127.0.0.1:${port}/webhook/cxone-callback\n` +
        `apply:\n  concurrency: 8\n  spacingMs: 0\nbackend:\n  type: pg\n  schema: ${schema}\n`,
    });
    const env = { ...simEnvironment(sim), ...database.env };
    const serve = await startServe(dir, port, database.env);
    try {
      const applied = await runCliAsync(['apply', '--auto-approve', '--wait', '--wait-timeout', '60s'], {
        cwd: dir,
        env,
      });
      expect([0, 1]).toContain(applied.code);
      await expect
        .poll(() => sim.record().executions.filter((e) => e.callback?.settled === true).length, { timeout: 20_000 })
        .toBe(EXPORTS);
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
    const events = (await runCliAsync(['audit', 'export'], { cwd: dir, env })).stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { event: string; executionId?: string | null });
    const ends = new Map<string, number>();
    for (const e of events)
      if ((e.event === 'execution.completed' || e.event === 'execution.failed') && typeof e.executionId === 'string')
        ends.set(e.executionId, (ends.get(e.executionId) ?? 0) + 1);
    expect(ends.size).toBe(EXPORTS);
    expect([...ends].filter(([, n]) => n !== 1)).toEqual([]);
    const status = JSON.parse((await runCliAsync(['status', '--json'], { cwd: dir, env })).stdout) as {
      overall: { finished: number };
    };
    expect(status.overall.finished).toBe(EXPORTS);
  });
});
