// `serve` as operators run it: a separate process, fed by the simulator's signed callbacks, and killed -9
// in the middle of a burst without losing any event it acknowledged.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/audit-log.js';
import { signCallback } from '../../src/contract/callback-signature.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { applyRepo, cli } from '../support/apply-repo.js';
import { completion, postCallback, repoWithQueuedExecutions } from '../support/receiver.js';
import { CLI } from '../support/run-cli.js';
import { freePort, startServe } from '../support/serve-process.js';
import { startSimulator } from '../support/simulator.js';

const SECRET = 'whsec-e2e';

const stored = async (dir: string) =>
  (await new LocalFileStore({ stateDir: join(dir, '.cxone-exports') }).read()).state;

describe('cxone-exports serve', () => {
  it('records the signed callbacks of an apply, and status shows them with their rows and latency', async () => {
    const port = await freePort();
    const sim = await startSimulator({
      callbackSecret: SECRET,
      lifecycle: { minDurationMs: 150, msPerMillionRows: 0, failureRate: 0 },
    });
    const dir = applyRepo({
      exports: { a: 'da-1', b: 'da-2' },
      config: `defaults:\n  callbackUrl: http://127.0.0.1:${port}/webhook/cxone-callback\napply:\n  spacingMs: 0\n`,
    });
    const serve = await startServe(dir, port);
    try {
      expect((await cli(sim, dir)(['apply', '--auto-approve'])).code).toBe(0);
      await expect
        .poll(() => sim.record().executions.filter((e) => e.callback?.status === 200).length, { timeout: 10_000 })
        .toBe(2);
      const status = JSON.parse((await cli(sim, dir)(['status', '--json'])).stdout) as {
        exports: { name: string; status: string; rowsExported: number; latencyMs: number }[];
        overall: { completionRate: number; finished: number };
      };
      for (const row of status.exports) {
        const execution = sim.record().executions.find((e) => e.dataActionId === (row.name === 'a' ? 'da-1' : 'da-2'))!;
        expect(row).toMatchObject({
          status: 'completed',
          rowsExported: execution.rowsExported,
          latencyMs: Date.parse(execution.endTime!) - Date.parse(execution.startTime!),
        });
      }
      expect(status.overall).toMatchObject({ finished: 2, completionRate: 1 });
    } finally {
      serve.kill('SIGTERM');
      await once(serve, 'exit');
    }
    // The graceful stop folded the state log into state.json.
    expect((await import('node:fs')).existsSync(join(dir, '.cxone-exports', 'state.wal'))).toBe(false);
  });

  it('shows in /metrics the completions apply --wait records while it runs, without a restart, as status counts them', async () => {
    const port = await freePort();
    const sim = await startSimulator({ lifecycle: { minDurationMs: 50, msPerMillionRows: 0, failureRate: 0 } });
    const dir = applyRepo({ exports: { a: 'da-1', b: 'da-2' }, config: 'apply:\n  spacingMs: 0\n' });
    const serve = await startServe(dir, port);
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).not.toContain(
        'cxone_exports_executions_total{',
      );
      expect((await cli(sim, dir)(['apply', '--auto-approve', '--wait'])).code).toBe(0);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const status = JSON.parse((await cli(sim, dir)(['status', '--json'])).stdout) as {
        overall: { finished: number };
      };
      expect(status.overall.finished).toBe(2);
      expect(metrics).toMatch(/cxone_exports_executions_total\{status="completed",environment="default"\} 2\n/);
    } finally {
      serve.kill('SIGTERM');
      await once(serve, 'exit');
    }
  });

  it('refuses to listen on a public address without callback authentication', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const child = spawn(process.execPath, [CLI, 'serve', '--host', '0.0.0.0', '--port', '0'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(stderr).toContain('refusing to listen on 0.0.0.0 without callback authentication');
  });

  it('keeps every acknowledged event through a kill -9 during a burst', async () => {
    const count = 300;
    const { dir } = await repoWithQueuedExecutions(count);
    const port = await freePort();
    const serve = await startServe(dir, port);
    const exited = once(serve, 'exit');
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (next < count) {
        const id = `exe-${next++}`;
        const answer = await postCallback(`http://127.0.0.1:${port}`, completion(id), { secret: SECRET }).catch(
          () => undefined,
        );
        if (answer?.status === 200) acknowledged.push(id);
        if (!killed && acknowledged.length >= 60) {
          killed = true;
          serve.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, sender));
    await exited;
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expect(acknowledged.length).toBeLessThan(count);

    const state = await stored(dir);
    const audit = await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl'));
    const audited = new Set(audit.filter((e) => e.event === 'execution.completed').map((e) => e.executionId));
    for (const id of acknowledged) {
      const entry = state.exports[`export-${id.slice(4)}`]!;
      expect(entry.lastExecution).toMatchObject({ executionId: id, status: 'completed' });
      expect(audited.has(id)).toBe(true);
    }
  });
});

describe('cxone-exports serve over HTTPS', () => {
  it('serves the callback path with the given certificate and key', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const port = await freePort();
    const tls = join(import.meta.dirname, '..', 'fixtures', 'tls');
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--port', String(port), '--tls-cert', join(tls, 'cert.pem'), '--tls-key', join(tls, 'key.pem')],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', CXONE_CALLBACK_SECRET: SECRET },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = once(child, 'exit');
    try {
      const ca = readFileSync(join(tls, 'cert.pem'));
      const body = JSON.stringify(completion('exe-0'));
      const timestamp = Math.floor(Date.now() / 1000);
      const post = () =>
        new Promise<number>((resolve, reject) => {
          const req = httpsRequest(
            {
              host: '127.0.0.1',
              port,
              path: '/webhook/cxone-callback',
              method: 'POST',
              ca,
              headers: {
                'Content-Type': 'application/json',
                'X-CXone-Timestamp': String(timestamp),
                'X-CXone-Signature': signCallback(SECRET, timestamp, body),
              },
            },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      let status = 0;
      for (let i = 0; i < 50 && status === 0; i++)
        status = await post().catch(async () => (await new Promise((r) => setTimeout(r, 100)), 0));
      expect(status).toBe(200);
      expect((await stored(dir)).exports['export-0']!.lastExecution!.status).toBe('completed');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
