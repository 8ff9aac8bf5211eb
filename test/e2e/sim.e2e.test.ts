// `cxone-exports sim` as a user runs it: it prints pasteable NAME=value lines, answers the contract with them,
// and stops cleanly on Ctrl-C.

import { systemClock } from '../../src/clock.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { buildExecutionPayload } from '../../src/contract/execution-payload.js';
import { createCxoneClient } from '../../src/cxone/create-client.js';
import { repoWithBundledExports, testConfig } from '../support/fixtures.js';
import { CLI, runCli } from '../support/run-cli.js';

describe('cxone-exports sim', () => {
  it('prints the environment to use, serves the contract with it, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [CLI, 'sim', '--port', '0', '--min-duration', '10'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await expect.poll(() => stdout.split('\n').filter(Boolean).length, { timeout: 10_000 }).toBe(6);
      const env = Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
      );
      expect(Object.keys(env)).toEqual([
        'CXONE_AUTH_URL',
        'CXONE_API_URL',
        'CXONE_CLIENT_ID',
        'CXONE_CLIENT_SECRET',
        'CXONE_ACCESS_KEY_ID',
        'CXONE_ACCESS_KEY_SECRET',
      ]);
      expect(env.CXONE_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      for (const flow of ['client_credentials', 'access_key'] as const) {
        const client = createCxoneClient(testConfig({ auth: { flow } }, env), { env, clock: systemClock });
        const payload = buildExecutionPayload({
          dataActionId: 'da-1',
          datasetId: 'ds-1',
          format: { delimiter: '\t', quoteCharacter: '"', escapeCharacter: '\\', maxRows: 10, columnAlignment: false },
        });
        const submitted = await client.executions.submit(payload, { idempotencyKey: `e2e-${flow}` });
        expect(submitted.executionId).toMatch(/^exe_/);
        expect((await client.executions.getStatus('da-1', submitted.executionId)).executionId).toBe(
          submitted.executionId,
        );
      }
      expect(stderr).toContain('CXone simulator listening on');
    } finally {
      child.kill('SIGINT');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stderr).toContain('simulator stopped (SIGINT): 6 requests, 2 executions');
  });

  it("with --env, prints the names that environment's credentials are read from", async () => {
    // Issue 22, point 5: unprefixed names left two local tenants to guesswork.
    const child = spawn(process.execPath, [CLI, '--env', 'production', 'sim', '--port', '0'], {
      cwd: repoWithBundledExports(),
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await new Promise<void>((resolve) =>
        child.stdout.on('data', () => {
          if (stdout.split('\n').filter(Boolean).length === 6) resolve();
        }),
      );
      expect(stdout.split('\n').map((line) => line.split('=')[0])).toEqual([
        'CXONE_AUTH_URL',
        'CXONE_API_URL',
        'CXONE_PRODUCTION_CLIENT_ID',
        'CXONE_PRODUCTION_CLIENT_SECRET',
        'CXONE_PRODUCTION_ACCESS_KEY_ID',
        'CXONE_PRODUCTION_ACCESS_KEY_SECRET',
        '',
      ]);
    } finally {
      child.kill('SIGINT');
    }
    expect(((await once(child, 'exit')) as [number | null])[0]).toBe(0);
  });

  it('rejects bad fault knobs with a usage message', () => {
    const result = runCli(['sim', '--fail-rate', '2'], { cwd: process.cwd() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "option '--fail-rate <fraction>' argument '2' is invalid. expected a fraction from 0 to 1",
    );
  });
});
