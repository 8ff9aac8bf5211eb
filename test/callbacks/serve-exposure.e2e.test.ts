// serve listening beyond loopback, to take CXone's callbacks from the internet: the callback listener answers
// the callback path and /healthz only; /metrics is on a listener of its own, behind a token, or nowhere, by
// configuration (behind a proxy every peer is loopback, so the peer's address decides nothing). Each server runs
// in a network namespace of the test's own, so 0.0.0.0 is reachable from nothing else.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/audit-log.js';
import { signCallback } from '../../src/contract/callback-signature.js';
import { completion, repoWithQueuedExecutions } from '../support/receiver.js';
import { CLI } from '../support/run-cli.js';
import { SERVE_SECRET } from '../support/serve-process.js';

const PROBE = join(import.meta.dirname, '..', 'support', 'netns-http-probe.mjs');
const PORT = 8181;
const METRICS_PORT = 9464;
const base = `http://127.0.0.1:${PORT}`;

interface Request {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** serve with these arguments and environment, and the requests, in a namespace of their own. */
function serveInNamespace(dir: string, args: string[], env: Record<string, string>, requests: Request[]) {
  const spec = join(dir, 'probe.json');
  writeFileSync(
    spec,
    JSON.stringify({
      command: [process.execPath, CLI, 'serve', '--host', '0.0.0.0', '--port', String(PORT), ...args],
      cwd: dir,
      env: { PATH: process.env.PATH, CXONE_CALLBACK_SECRET: SERVE_SECRET, ...env },
      ready: `${base}/healthz`,
      requests,
    }),
  );
  const script = `ip link set lo up && exec "${process.execPath}" "${PROBE}" "${spec}"`;
  const run = spawnSync('unshare', ['--net', 'sh', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { ready: boolean; statuses: number[]; stderr: string; code: number | null };
}

function signed(executionId: string): Request {
  const body = JSON.stringify(completion(executionId));
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    method: 'POST',
    url: `${base}/webhook/cxone-callback`,
    headers: {
      'Content-Type': 'application/json',
      'X-CXone-Timestamp': String(timestamp),
      'X-CXone-Signature': signCallback(SERVE_SECRET, timestamp, Buffer.from(body)),
    },
    body,
  };
}

describe('serve beyond loopback', () => {
  it('does not serve /metrics on the callback listener, to any peer, and says where it is not', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const seen = serveInNamespace(dir, [], {}, [{ url: `${base}/metrics` }, { url: `${base}/healthz` }]);
    expect(seen.statuses).toEqual([404, 200]);
    expect(seen.stderr).toContain('/metrics is not served: callbacks listen on 0.0.0.0, beyond loopback.');
    expect(seen.code).toBe(0);
  });

  it('serves /metrics on a listener of its own on 127.0.0.1, which takes no callbacks', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const metrics = `http://127.0.0.1:${METRICS_PORT}`;
    const seen = serveInNamespace(dir, ['--metrics-port', String(METRICS_PORT)], {}, [
      { url: `${metrics}/metrics` },
      { url: `${base}/metrics` },
      { ...signed('exe-0'), url: `${metrics}/webhook/cxone-callback` },
      signed('exe-0'),
    ]);
    expect(seen.statuses).toEqual([200, 404, 404, 200]);
    expect(seen.stderr).toContain(`/metrics on its own listener: ${metrics}/metrics`);
  });

  it('serves /metrics on the callback listener behind CXONE_METRICS_TOKEN', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const seen = serveInNamespace(dir, [], { CXONE_METRICS_TOKEN: 'metrics-token-1' }, [
      { url: `${base}/metrics` },
      { url: `${base}/metrics`, headers: { Authorization: 'Bearer guessed' } },
      { url: `${base}/metrics`, headers: { Authorization: 'Bearer metrics-token-1' } },
    ]);
    expect(seen.statuses).toEqual([401, 401, 200]);
    expect(seen.stderr).not.toContain('metrics-token-1');
  });

  it('refuses a /metrics listener beyond loopback without a token, before opening anything', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const run = spawnSync(
      process.execPath,
      [CLI, 'serve', '--metrics-host', '0.0.0.0', '--metrics-port', String(METRICS_PORT)],
      { cwd: dir, env: { PATH: process.env.PATH, CXONE_CALLBACK_SECRET: SERVE_SECRET }, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Error: refusing to serve /metrics on 0.0.0.0 without a token');
  });

  it('writes bounded audit for 400 authenticated callbacks of executions nobody knows', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const requests = Array.from({ length: 400 }, (_, i) => signed(`exe-unknown-${i}`));
    const seen = serveInNamespace(dir, [], {}, requests);
    expect(seen.statuses).toEqual(requests.map(() => 404));
    const audit = await readAuditLog(join(dir, '.cxone-exports', 'audit.jsonl'));
    const refusals = audit.filter((e) => e.event === 'callback.rejected');
    expect(refusals.length).toBeLessThanOrEqual(20);
    expect(refusals.reduce((sum, e) => sum + (e.count ?? 1), 0)).toBe(400);
    expect(refusals[0]).toMatchObject({ reason: 'unknown-execution', executionId: 'exe-unknown-0', count: 1 });
  });
});
