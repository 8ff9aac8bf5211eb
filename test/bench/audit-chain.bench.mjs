// Issue 40's figures: what the audit chain costs. apply (500 exports, no rate limits, so the state and audit
// writes are what it waits on) and the callback receiver (10,000 signed callbacks) with the chain and, in the
// same rounds, without it (CXONE_EXPORTS_BENCH_UNCHAINED=1, plain lines as before the chain); and `audit verify`
// of a 1,000,000-line log against `sha256sum` of the same file.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, writeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oneRun } from './apply.bench.mjs';
import { fmt, median, timeNode, verdict } from './measure.mjs';
import { withBenchDatabase } from './pg-database.mjs';
import { serveRound } from './serve.bench.mjs';

const VERIFY_LINES = Number(process.env.BENCH_VERIFY_LINES ?? 1_000_000);
const UNCHAINED = { CXONE_EXPORTS_BENCH_UNCHAINED: '1' };

export async function benchAuditChain({ cli, dist, runs }) {
  const apply = await benchApplyCost(cli, Math.max(2, Math.min(runs, 5)));
  const receiver = await benchReceiverCost(cli, dist, Math.max(2, Math.min(runs, 5)));
  const verify = await benchVerify(cli, dist, Math.max(3, Math.min(runs, 5)));
  return apply && receiver && verify;
}

/** Chained and unchained applies alternate, so a slower spell of the disk weighs on both alike. */
async function benchApplyCost(cli, rounds) {
  console.log(`audit chain: apply of 500 exports with no rate limits, with and without the chain, ${rounds} runs each`);
  const limits = { tenantRps: null, spacingMs: 0 };
  const chained = [];
  const plain = [];
  for (let round = 0; round < rounds; round++) {
    plain.push((await withEnv(UNCHAINED, () => oneRun(cli, 0, round, undefined, limits))).wallMs);
    chained.push((await oneRun(cli, 0, round, undefined, limits)).wallMs);
  }
  const ratio = median(chained.map((wall, i) => wall / plain[i]));
  console.log(
    `  without the chain median ${fmt(median(plain) / 1000, 2)} s; with it ${fmt(median(chained) / 1000, 2)} s`,
  );
  return verdict('apply with the chain / without', `${fmt(ratio, 3)}x`, '<= 1.05x', ratio <= 1.05);
}

async function benchReceiverCost(cli, dist, rounds) {
  const verdicts = [];
  for (const backend of ['local', 'pg']) {
    console.log(
      `audit chain: serve (${backend}), 10,000 signed callbacks, with and without the chain, ${rounds} runs each`,
    );
    const rate = (r) => r.ok / (r.wallMs / 1000);
    const chained = [];
    const plain = [];
    const once = (round, extraEnv) =>
      backend === 'pg'
        ? withBenchDatabase((pgUrl) => serveRound({ cli, dist, backend, pgUrl, schema: `chain_${round}`, extraEnv }))
        : serveRound({ cli, dist, backend, extraEnv });
    for (let round = 0; round < rounds; round++) {
      plain.push(rate((await once(round, UNCHAINED)).ours));
      chained.push(rate((await once(round, {})).ours));
    }
    // Throughput: the chain's cost is the plain rate over the chained one.
    const ratio = median(plain.map((r, i) => r / chained[i]));
    console.log(
      `  without the chain median ${fmt(median(plain), 0)} events/s; with it ${fmt(median(chained), 0)} events/s`,
    );
    verdicts.push(
      verdict(`serve (${backend}) time with the chain / without`, `${fmt(ratio, 3)}x`, '<= 1.05x', ratio <= 1.05),
    );
  }
  return verdicts.every(Boolean);
}

async function benchVerify(cli, dist, rounds) {
  const { chainLines, EMPTY_HEAD } = await import(`${dist}/audit/audit-chain.js`);
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-verify-'));
  try {
    const stateDir = join(root, '.cxone-exports');
    mkdirSync(stateDir);
    const log = join(stateDir, 'audit.jsonl');
    const fd = openSync(log, 'w');
    let head = EMPTY_HEAD;
    const stamp = { actor: 'bench', runId: 'run-1', toolVersion: '0.1.0', environment: 'production' };
    for (let block = 0; block < VERIFY_LINES; block += 10_000) {
      const events = [];
      for (let i = block; i < Math.min(VERIFY_LINES, block + 10_000); i++)
        events.push({
          timestamp: '2026-11-28T10:00:00.000Z',
          event: 'execution.completed',
          export: `export-${i % 1000}`,
          executionId: `exe-${i}`,
          status: 'completed',
          rowsExported: 1000,
          latencyMs: 5000,
          formatValidated: true,
          sanitizationApplied: false,
          reason: 'callback',
          ...stamp,
        });
      const chained = chainLines(events, head);
      writeSync(fd, chained.text);
      head = chained.head;
    }
    closeSync(fd);
    writeFileSync(
      join(stateDir, 'state.json'),
      `${JSON.stringify({ version: 1, lineage: 'bench', serial: 1, auditHead: head, exports: {} }, null, 2)}\n`,
    );
    const bytes = statSync(log).size;
    console.log(
      `audit chain: audit verify of ${VERIFY_LINES.toLocaleString('en-US')} lines (${fmt(bytes / 1024 ** 2)} MB) against sha256sum of the same file, ${rounds} runs each`,
    );
    const sums = [];
    const ours = [];
    for (let round = 0; round < rounds; round++) {
      const began = process.hrtime.bigint();
      const sum = spawnSync('sha256sum', [log], { stdio: 'ignore' });
      if (sum.status !== 0) throw new Error('sha256sum failed');
      sums.push(Number(process.hrtime.bigint() - began) / 1e6);
      ours.push(timeNode([cli, 'audit', 'verify'], { runs: 1, cwd: root }).wallMs[0]);
    }
    const ratio = median(ours.map((wall, i) => wall / sums[i]));
    console.log(`  sha256sum median ${fmt(median(sums) / 1000, 2)} s; audit verify ${fmt(median(ours) / 1000, 2)} s`);
    return verdict('audit verify / sha256sum', `${fmt(ratio, 2)}x`, '<= 2x', ratio <= 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function withEnv(extra, work) {
  const saved = { ...process.env };
  Object.assign(process.env, extra);
  try {
    return await work();
  } finally {
    process.env = saved;
  }
}
