// `npm run bench`: every benchmark of the project against the built CLI, medians and ratios against baselines
// measured in the same run. Exits 1 when a figure misses its target. BENCH_RUNS sets the runs per figure.

import { fileURLToPath } from 'node:url';
import { benchApply } from './apply.bench.mjs';
import { benchAudit } from './audit.bench.mjs';
import { benchAuditChain } from './audit-chain.bench.mjs';
import { benchAuditExport } from './audit-export.bench.mjs';
import { benchClient } from './client.bench.mjs';
import { benchPg } from './pg.bench.mjs';
import { benchPlan } from './plan.bench.mjs';
import { benchPolicies } from './policies.bench.mjs';
import { benchServe } from './serve.bench.mjs';
import { benchStartup } from './startup.bench.mjs';
import { benchStatusPage } from './status-page.bench.mjs';
import { benchTenants } from './tenants.bench.mjs';
import { benchValidate } from './validate.bench.mjs';

const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dist = new URL('../../dist', import.meta.url).href;
const only = process.argv[2];
const runs = Number(process.env.BENCH_RUNS ?? 5);

const benches = {
  startup: benchStartup,
  validate: benchValidate,
  client: benchClient,
  plan: benchPlan,
  policies: benchPolicies,
  apply: benchApply,
  tenants: benchTenants,
  pg: benchPg,
  serve: benchServe,
  'status-page': benchStatusPage,
  audit: benchAudit,
  'audit-export': benchAuditExport,
  'audit-chain': benchAuditChain,
};
const results = [];
for (const [name, bench] of Object.entries(benches)) {
  if (only === undefined || only === name) results.push(await bench({ cli, dist, runs }));
}
if (results.includes(false)) {
  console.log('Some figures missed their targets.');
  process.exitCode = 1;
}
