// Issue 5's figures: apply of 500 exports across 50 data actions against the simulator with a 20 requests/s
// tenant limit and spacingMs 100, compared with the minimum the limits allow: max(500 / 20 s, 10 × 100 ms).
// Then the same with 10% of requests answered 503.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, simEnvironment, timeNode, verdict } from './measure.mjs';
import { withBenchDatabase } from './pg-database.mjs';

const EXPORTS = 500;
const DATA_ACTIONS = 50;
const TENANT_RPS = 20;
const SPACING_MS = 100;

export async function benchApply({ cli, runs }) {
  const rounds = Math.max(1, Math.min(runs, 3));
  const minimumMs = Math.max((EXPORTS / TENANT_RPS) * 1000, (EXPORTS / DATA_ACTIONS) * SPACING_MS);
  console.log(
    `apply: ${EXPORTS} exports across ${DATA_ACTIONS} data actions, tenant limit ${TENANT_RPS}/s, spacing ${SPACING_MS} ms; theoretical minimum ${fmt(minimumMs / 1000)} s; ${rounds} runs each`,
  );
  const results = [];
  for (const [label, failRate, target, backend] of [
    ['no faults', 0, 1.25, 'local'],
    ['10% 503s', 0.1, 1.6, 'local'],
    ['state in pg', 0, 1.25, 'pg'],
  ]) {
    const walls = [];
    const rss = [];
    let duplicates = 0;
    let missing = 0;
    let failedRequests = 0;
    for (let round = 0; round < rounds; round++) {
      const outcome =
        backend === 'pg'
          ? await withBenchDatabase((url) => oneRun(cli, failRate, round, url))
          : await oneRun(cli, failRate, round);
      walls.push(outcome.wallMs);
      rss.push(outcome.rssMb);
      duplicates += outcome.duplicates;
      missing += outcome.missing;
      failedRequests += outcome.failedRequests;
    }
    const ratio = median(walls) / minimumMs;
    console.log(
      `  ${label.padEnd(10)} median ${fmt(median(walls) / 1000, 2)} s  ratio ${fmt(ratio, 2)}  peak RSS ${fmt(Math.max(...rss))} MB  duplicate executions ${duplicates}  exports not submitted ${missing}  503s absorbed ${failedRequests}`,
    );
    results.push(
      verdict(
        `apply with ${label} / minimum`,
        `${fmt(ratio, 2)}x`,
        `<= ${target}x, no duplicates, all submitted`,
        ratio <= target && duplicates === 0 && missing === 0,
      ),
    );
  }
  return results.every(Boolean);
}

/**
 * One apply; with `pgUrl`, the state lives in that PostgreSQL database instead of the local files. `limits`:
 * the tenant's requests per second (null: none) and the spacing per data action.
 */
export async function oneRun(
  cli,
  failRate,
  round,
  pgUrl,
  limits = { tenantRps: TENANT_RPS, spacingMs: SPACING_MS },
  schema = 'cxone_exports',
) {
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-apply-'));
  const sim = spawn(
    process.execPath,
    [
      cli,
      'sim',
      '--port',
      '0',
      ...(limits.tenantRps === null ? [] : ['--rate-limit', String(limits.tenantRps)]),
      '--min-duration',
      '600000',
      '--seed',
      String(round + 1),
      ...(failRate > 0 ? ['--fail-rate', String(failRate)] : []),
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  try {
    const env = await simEnvironment(sim);
    mkdirSync(join(root, 'exports'));
    for (let i = 0; i < EXPORTS; i++) {
      writeFileSync(
        join(root, 'exports', `e-${i}.yaml`),
        `apiVersion: cxone-exports/v1\nkind: CsvExport\nmetadata:\n  name: e-${i}\nspec:\n  dataActionId: da-${i % DATA_ACTIONS}\n  datasetId: ds-${i}\n  format:\n    maxRows: ${1000 + i}\n`,
      );
    }
    writeFileSync(
      join(root, 'cxone-exports.config.yaml'),
      `apply:\n  concurrency: 8\n  spacingMs: ${limits.spacingMs}\n${limits.tenantRps === null ? '' : `  maxRequestsPerSecond: ${limits.tenantRps}\n`}  maxAttempts: 8\n  backoff: { baseMs: 100, capMs: 2000 }\n  circuitBreaker: { failureThreshold: 20, cooldownMs: 5000 }\n${pgUrl === undefined ? '' : `backend:\n  type: pg\n  schema: ${schema}\n`}`,
    );
    const saved = { ...process.env };
    Object.assign(process.env, env, { CI: '1' }, pgUrl === undefined ? {} : { CXONE_EXPORTS_PG_URL: pgUrl });
    const timing = timeNode([cli, 'apply', '--auto-approve', '--json'], { runs: 1, cwd: root, discardStdout: true });
    process.env = saved;
    const record = await (await fetch(`${env.CXONE_API_URL}/_sim/executions`)).json();
    const keys = record.executions.map((e) => e.idempotencyKey);
    const datasets = new Set(record.executions.map((e) => e.datasetId));
    return {
      wallMs: timing.wallMs[0],
      rssMb: timing.rssMb[0],
      duplicates: keys.length - new Set(keys).size + (record.executions.length - datasets.size),
      missing: EXPORTS - datasets.size,
      failedRequests: record.requests.filter((r) => r.status === 503).length,
    };
  } finally {
    sim.kill('SIGINT');
    rmSync(root, { recursive: true, force: true });
  }
}
