// Issue 37's figures: twelve tenants × 50 exports, each tenant's API limited to 10 requests a second (the
// simulator answers 429 beyond it, and each environment paces itself with apply.maxRequestsPerSecond: 10).
// `--env all apply` against the slowest single tenant's apply alone, measured in the same round; and the peak
// RSS of the run across all twelve.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, simEnvironment, timeNode, verdict } from './measure.mjs';

const TENANTS = 12;
const EXPORTS = 50;
const TENANT_RPS = 10;

export async function benchTenants({ cli, runs }) {
  const rounds = Math.max(1, Math.min(runs, 3));
  console.log(
    `tenants: ${TENANTS} tenants × ${EXPORTS} exports, each tenant at ${TENANT_RPS} requests/s; ${rounds} rounds of each single tenant alone, then all at once`,
  );
  const names = Array.from({ length: TENANTS }, (_, i) => `tenant-${String(i + 1).padStart(2, '0')}`);
  const sims = [];
  try {
    for (let i = 0; i < TENANTS; i++) {
      const sim = spawn(
        process.execPath,
        [
          cli,
          'sim',
          '--port',
          '0',
          '--rate-limit',
          String(TENANT_RPS),
          '--min-duration',
          '600000',
          '--seed',
          String(i + 1),
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      sims.push({ child: sim, env: await simEnvironment(sim) });
    }
    const env = { CI: '1' };
    const config = [
      'apply:',
      '  concurrency: 4',
      '  spacingMs: 0',
      `  maxRequestsPerSecond: ${TENANT_RPS}`,
      'environments:',
    ];
    names.forEach((name, i) => {
      const prefix = `CXONE_${name.toUpperCase().replace(/-/g, '_')}_`;
      env[`${prefix}CLIENT_ID`] = sims[i].env.CXONE_CLIENT_ID;
      env[`${prefix}CLIENT_SECRET`] = sims[i].env.CXONE_CLIENT_SECRET;
      config.push(
        `  ${name}:`,
        `    apiUrl: ${sims[i].env.CXONE_API_URL}`,
        `    authUrl: ${sims[i].env.CXONE_AUTH_URL}`,
      );
    });
    const slowestSingles = [];
    const all = [];
    const rss = [];
    for (let round = 0; round < rounds; round++) {
      // A fresh repository (and so fresh states) for each measured apply: each submits all its exports.
      const singles = names.map((name) => {
        const root = repository(config);
        try {
          return timeNode([cli, '--env', name, 'apply', '--auto-approve', '--json'], {
            runs: 1,
            cwd: root,
            discardStdout: true,
            env,
          }).wallMs[0];
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      });
      slowestSingles.push(Math.max(...singles));
      const root = repository(config);
      try {
        const timing = timeNode([cli, '--env', 'all', 'apply', '--auto-approve', '--json'], {
          runs: 1,
          cwd: root,
          discardStdout: true,
          env,
        });
        all.push(timing.wallMs[0]);
        rss.push(timing.rssMb[0]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
    let submitted = 0;
    for (const sim of sims) {
      const record = await (await fetch(`${sim.env.CXONE_API_URL}/_sim/executions`)).json();
      submitted += new Set(record.executions.map((e) => e.datasetId)).size;
    }
    const ratio = median(all) / median(slowestSingles);
    console.log(
      `  slowest single tenant median ${fmt(median(slowestSingles) / 1000, 2)} s  all ${TENANTS} at once median ${fmt(median(all) / 1000, 2)} s  ratio ${fmt(ratio, 2)}  peak RSS ${fmt(Math.max(...rss))} MB  exports seen by every tenant ${submitted}/${TENANTS * EXPORTS}`,
    );
    return [
      verdict('--env all apply / slowest single tenant alone', `${fmt(ratio, 2)}x`, '<= 1.3x', ratio <= 1.3),
      verdict('peak RSS of --env all apply', `${fmt(Math.max(...rss))} MB`, '< 400 MB', Math.max(...rss) < 400),
      verdict(
        'every tenant received every export',
        `${submitted}`,
        `${TENANTS * EXPORTS}`,
        submitted === TENANTS * EXPORTS,
      ),
    ].every(Boolean);
  } finally {
    for (const sim of sims) sim.child.kill('SIGINT');
  }
}

function repository(config) {
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-tenants-'));
  mkdirSync(join(root, 'exports'));
  for (let i = 0; i < EXPORTS; i++)
    writeFileSync(
      join(root, 'exports', `e-${i}.yaml`),
      `apiVersion: cxone-exports/v1\nkind: CsvExport\nmetadata:\n  name: e-${i}\nspec:\n  dataActionId: da-${i}\n  datasetId: ds-${i}\n  format:\n    maxRows: ${1000 + i}\n`,
    );
  writeFileSync(join(root, 'cxone-exports.config.yaml'), `${config.join('\n')}\n`);
  return root;
}
