// apply under duress: crashes at every step, concurrent runs, Ctrl-C, and secrets that must never be written.

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaCheck } from '../../src/diagnostics/schema-validator.js';
import { applyRepo, cli, command, readAudit, readState } from '../support/apply-repo.js';
import { holdSubmissions } from '../support/held-submissions.js';
import { stderrSays } from '../support/run-cli.js';
import { startSimulator } from '../support/simulator.js';

/**
 * Where apply is killed, seen from CXone (the simulator holds its answer while the client is killed): the intent
 * of b is written and its POST arrives but creates nothing; b's execution exists but its answer never arrives;
 * b's result is recorded and c's POST arrives. What the next plan must show for a, b and c.
 */
const CRASH_POINTS = [
  { at: "b's POST arrives", dataActionId: 'da-2', phase: 'received', plan: { a: 'no-op', b: 'resubmit', c: 'create' } },
  {
    at: "b's execution exists",
    dataActionId: 'da-2',
    phase: 'created',
    plan: { a: 'no-op', b: 'resubmit', c: 'create' },
  },
  { at: "c's POST arrives", dataActionId: 'da-3', phase: 'received', plan: { a: 'no-op', b: 'no-op', c: 'resubmit' } },
] as const;

describe('apply crash safety', () => {
  it.each(CRASH_POINTS)(
    'after a kill -9 when $at, the next apply finishes without a second execution',
    async (point) => {
      let victim: ChildProcess | undefined;
      const sim = await startSimulator({
        onSubmission: async ({ phase, dataActionId }) => {
          if (victim === undefined || phase !== point.phase || dataActionId !== point.dataActionId) return undefined;
          const exited = once(victim, 'exit');
          victim.kill('SIGKILL');
          await exited;
          victim = undefined;
          return 'drop';
        },
      });
      const dir = applyRepo({
        exports: { a: 'da-1', b: 'da-2', c: 'da-3' },
        config: 'apply:\n  concurrency: 1\n  spacingMs: 0\n',
      });
      const run = cli(sim, dir);
      const crashed = await run(['apply', '--auto-approve'], { onSpawn: (child) => (victim = child) });
      expect(crashed.code).toBe(137);

      // Whatever was on disk at the crash parses.
      if (existsSync(join(dir, '.cxone-exports', 'state.json')))
        expect(schemaCheck('state')(await readState(dir))).toEqual([]);
      for (const event of readAudit(dir)) expect(schemaCheck('audit-event')(event)).toEqual([]);
      const plan = JSON.parse((await run(['plan', '--json'])).stdout) as {
        changes: { name: string; action: string }[];
      };
      expect(Object.fromEntries(plan.changes.map((c) => [c.name, c.action]))).toEqual(point.plan);

      const recovered = await run(['apply', '--auto-approve']);
      expect(recovered.code).toBe(0);
      expect(recovered.stderr).toMatch(/broke the lock .* no longer running/);
      const executions = sim.record().executions;
      expect(executions.map((e) => e.datasetId)).toHaveLength(3);
      expect(new Set(executions.map((e) => e.idempotencyKey)).size).toBe(3);
      const state = await readState(dir);
      for (const name of ['a', 'b', 'c']) {
        expect(state.exports[name]!.pending).toBeNull();
        expect(executions.map((e) => e.executionId)).toContain(state.exports[name]!.lastExecution!.executionId);
      }
      expect((await run(['plan'])).stdout).toBe('No changes. Exports match the state.\n');
    },
  );
});

describe('apply concurrency and interruption', () => {
  it('a second apply fails with the lock holder, or waits for it with --lock-timeout', async () => {
    // The first apply's submissions are held at CXone, with its lock, until the others have met that lock.
    const held = holdSubmissions();
    const sim = await startSimulator({ onSubmission: held.onSubmission });
    const dir = applyRepo({ exports: { a: 'da-1', b: 'da-1', c: 'da-1' } });
    const run = cli(sim, dir);
    const first = run(['apply', '--auto-approve']);
    await held.firstArrived;
    const refused = await run(['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the state is locked by apply \(lock [0-9a-f-]+, .*pid \d+/);
    let spawned: (child: ChildProcess) => void = () => undefined;
    const waiter = new Promise<ChildProcess>((resolve) => (spawned = resolve));
    const waited = run(['apply', '--auto-approve', '--lock-timeout', '30s'], { onSpawn: (child) => spawned(child) });
    await stderrSays(await waiter, 'Waiting up to 30s for the state lock held by apply (lock ');
    held.release();
    expect((await first).code).toBe(0);
    const second = await waited;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('No changes.');
    expect(sim.record().executions).toHaveLength(3);
    expect(schemaCheck('state')(await readState(dir))).toEqual([]);
  });

  it('on Ctrl-C, starts nothing new, records what finished, releases the lock, prints the summary and exits 130', async () => {
    const sim = await startSimulator({ faults: { latencyMs: 300 } });
    const dir = applyRepo({ exports: { a: 'da-1', b: 'da-1', c: 'da-1', d: 'da-1' } });
    const result = await cli(sim, dir)(['apply', '--auto-approve'], {
      onSpawn: (child) => {
        // Interrupt once the first export is through, so the run is mid-way whatever the machine's speed.
        let sent = false;
        child.stdout!.on('data', (chunk: Buffer) => {
          if (!sent && chunk.toString().includes('submitted (')) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('SIGINT received: starting nothing new');
    expect(result.stdout).toMatch(/Apply complete: [1-3] submitted, 0 failed, [1-3] skipped\. State serial 0 → \d+\./);
    expect(existsSync(join(dir, '.cxone-exports', 'state.lock'))).toBe(false);
    const state = await readState(dir);
    const submitted = Object.values(state.exports).filter((e) => e.lastExecution?.executionId != null);
    expect(submitted).toHaveLength(sim.record().executions.length);
    expect(Object.values(state.exports).every((e) => e.pending === null)).toBe(true);
  });
});

describe('secrets', () => {
  it('never reach the state, the audit log, stdout or stderr', async () => {
    const clientSecret = 'cXone-Client-S3cret-9f8e7d6c5b4a';
    const callbackToken = 'cb-token-1a2b3c4d5e6f7a8b';
    const received: string[] = [];
    const sim = await startSimulator({
      credentials: { clientId: 'client-prod', clientSecret, accessKeyId: 'AKID', accessKeySecret: 'AK-secret-value==' },
      forbiddenDataActions: ['da-2'],
      faults: { serverErrors: { first: 1 } },
      onSubmission: ({ phase, callbackUrl }) => {
        if (phase === 'received' && callbackUrl !== undefined) received.push(callbackUrl);
        return undefined;
      },
    });
    const dir = applyRepo({
      exports: { a: 'da-1', b: 'da-2' },
      config: 'defaults:\n  callbackUrl: https://hooks.example.com/cxone\napply:\n  spacingMs: 0\n',
    });
    const env = {
      CXONE_CLIENT_ID: 'client-prod',
      CXONE_CLIENT_SECRET: clientSecret,
      CXONE_CALLBACK_TOKEN: callbackToken,
    };
    const run = command(sim, dir, env);
    const outputs = [
      await run(['-v', 'apply', '--auto-approve']),
      await run(['-v', 'apply', '--auto-approve', '--json']),
      await run(['plan', '--json']),
      await run(['state', 'show', 'a', '--json']),
    ];
    await run(['apply', '--auto-approve'], { env: { CXONE_CLIENT_SECRET: `${clientSecret}-wrong` } }).then((r) =>
      outputs.push(r),
    );
    const files = readdirSync(join(dir, '.cxone-exports')).map((f) =>
      readFileSync(join(dir, '.cxone-exports', f), 'utf8'),
    );
    const everything = [...outputs.flatMap((o) => [o.stdout, o.stderr]), ...files].join('\n');
    expect(everything).toContain('-> 403'); // the -v lines are there
    for (const secret of [clientSecret, callbackToken, encodeURIComponent(clientSecret)])
      expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20,}/);
    // The token did travel where it belongs: in the callback URL sent to CXone. The simulator's records mask it.
    expect(received[0]).toBe(`https://hooks.example.com/cxone?token=${callbackToken}`);
    expect(JSON.stringify(sim.record())).not.toContain(callbackToken);
  });
});
