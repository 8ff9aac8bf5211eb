// One receiver for many tenants: `serve` with a selection of environments takes every selected environment's
// callbacks on one port, records each in the state of the environment whose execution it is, honours each
// environment's own secret, and labels /metrics per environment. The receiver runs as operators run it.

import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CxoneSimulator } from '../../src/simulator/cxone-simulator.js';
import { miniRepo } from '../support/fixtures.js';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { completion, postCallback } from '../support/receiver.js';
import { runCommand } from '../support/run-command.js';
import { freePort, startServe } from '../support/serve-process.js';
import { simEnvironment, startSimulator } from '../support/simulator.js';

const TENANTS = ['acme-production', 'globex-production'] as const;
const SECRETS = { 'acme-production': 'whsec-acme', 'globex-production': 'whsec-globex' } as const;

const variable = (environment: string, name: string) => `CXONE_${environment.toUpperCase().replace(/-/g, '_')}_${name}`;

/** The state as every command sees it: state.json and the log of changes after it. */
async function stateOf(dir: string, environment: string) {
  return (await new LocalFileStore({ stateDir: join(dir, '.cxone-exports', environment) }).read()).state;
}

describe('one receiver for many tenants', () => {
  it("records each tenant's callbacks in its own state, with its own secret, and one /metrics for all", async () => {
    const port = await freePort();
    const sims: Record<string, CxoneSimulator> = {};
    for (const environment of TENANTS)
      sims[environment] = await startSimulator({
        callbackSecret: SECRETS[environment],
        lifecycle: { minDurationMs: 100, msPerMillionRows: 0, failureRate: 0 },
      });
    const config = [
      'defaults:',
      `  callbackUrl: http://127.0.0.1:${port}/webhook/cxone-callback`,
      'apply:',
      '  spacingMs: 0',
      'environments:',
      ...TENANTS.flatMap((e) => [`  ${e}:`, `    apiUrl: ${sims[e]!.url}`, `    authUrl: ${sims[e]!.url}`]),
      // A third tenant the receiver is not for: its state is never written.
      '  initech-sandbox: { apiUrl: https://api-na1.example.com }',
    ].join('\n');
    const dir = miniRepo({
      'cxone-exports.config.yaml': `${config}\n`,
      'exports/agents.yaml':
        'apiVersion: cxone-exports/v1\nkind: CsvExport\nmetadata:\n  name: agents\nspec:\n  dataActionId: da-agents\n  datasetId: ds-agents\n  format: { maxRows: 1000 }\n',
    });
    const env: Record<string, string> = {};
    for (const environment of TENANTS) {
      const credentials = simEnvironment(sims[environment]!);
      env[variable(environment, 'CLIENT_ID')] = credentials.CXONE_CLIENT_ID!;
      env[variable(environment, 'CLIENT_SECRET')] = credentials.CXONE_CLIENT_SECRET!;
      env[variable(environment, 'CALLBACK_SECRET')] = SECRETS[environment];
    }
    const serve = await startServe(dir, port, {
      CXONE_EXPORTS_ENV: '*-production',
      CXONE_CALLBACK_SECRET: '',
      ...Object.fromEntries(TENANTS.map((e) => [variable(e, 'CALLBACK_SECRET'), SECRETS[e]])),
    });
    try {
      expect(serve.stderrText()).toContain(
        'authentication: each environment its own: acme-production HMAC with 1 secret, globex-production HMAC with 1 secret',
      );
      const applied = await runCommand(['--env', '*-production', 'apply', '--auto-approve'], { cwd: dir, env });
      expect(applied.code, applied.stderr).toBe(0);
      for (const environment of TENANTS)
        await expect
          .poll(() => sims[environment]!.record().executions.filter((e) => e.callback?.status === 200).length, {
            timeout: 10_000,
          })
          .toBe(1);
      for (const environment of TENANTS) {
        const last = (await stateOf(dir, environment)).exports.agents!.lastExecution!;
        expect(last.status, environment).toBe('completed');
        expect(last.executionId).toBe(sims[environment]!.record().executions[0]!.executionId);
      }

      // acme's secret does not vouch for globex's execution: not recorded anywhere, and refused.
      const globexExecution = (await stateOf(dir, 'globex-production')).exports.agents!.lastExecution!.executionId!;
      const forged = await postCallback(`http://127.0.0.1:${port}`, completion(globexExecution, { status: 'failed' }), {
        secret: SECRETS['acme-production'],
      });
      expect(forged.status).toBe(404);
      expect((await stateOf(dir, 'globex-production')).exports.agents!.lastExecution!.status).toBe('completed');
      const unsigned = await postCallback(`http://127.0.0.1:${port}`, completion(globexExecution));
      expect(unsigned.status).toBe(401);

      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const environment of TENANTS)
        expect(metrics).toContain(`cxone_exports_executions_total{status="completed",environment="${environment}"} 1`);
      // Valid exposition: each family declared once, whatever the number of environments.
      expect(execFileSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' })).toBe('');
    } finally {
      serve.kill('SIGTERM');
      await once(serve, 'exit');
    }
    expect(serve.exitCode).toBe(0);
    expect(readFileSync(join(dir, '.cxone-exports', 'acme-production', 'audit.jsonl'), 'utf8')).toContain(
      'callback.rejected',
    );
    expect(() => readFileSync(join(dir, '.cxone-exports', 'initech-sandbox', 'state.json'))).toThrow();
  });
});
