// Issue 10's figure: `status` and serve's metrics seeding on a 1 GB audit log (a flood's worth of refused
// callbacks with completions among them) run in bounded memory, against a bare streaming line count.

import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, timeNode, verdict } from './measure.mjs';

const TARGET_BYTES = Number(process.env.BENCH_AUDIT_BYTES ?? 1024 ** 3);

async function writeAuditLog(path) {
  const stamp = { actor: 'bench', runId: 'run-1', toolVersion: '0.1.0' };
  const rejected = (i) =>
    JSON.stringify({
      timestamp: '2026-11-28T10:00:00.000Z',
      event: 'callback.rejected',
      export: null,
      reason: 'bad-signature',
      count: 1,
      sources: [`10.0.${i % 250}.1`],
      ...stamp,
    });
  const completed = (i) =>
    JSON.stringify({
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
  // A block of 1,000 lines (1 in 50 a completion), repeated with fresh ids until the file is large enough.
  const out = createWriteStream(path);
  let written = 0;
  let executions = 0;
  for (let block = 0; written < TARGET_BYTES; block++) {
    const lines = [];
    for (let i = 0; i < 1000; i++) lines.push(i % 50 === 0 ? completed(block * 1000 + i) : rejected(i));
    executions += 20;
    const text = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return executions;
}

export async function benchAudit({ cli, runs }) {
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-audit-'));
  try {
    mkdirSync(join(root, '.cxone-exports'));
    writeFileSync(
      join(root, '.cxone-exports', 'state.json'),
      `${JSON.stringify({ version: 1, lineage: '00000000-0000-4000-8000-000000000000', serial: 1, exports: {} })}\n`,
    );
    const auditPath = join(root, '.cxone-exports', 'audit.jsonl');
    const executions = await writeAuditLog(auditPath);
    const size = statSync(auditPath).size;
    console.log(
      `audit: a ${fmt(size / 1024 ** 3, 2)} GB audit.jsonl (${executions} executions among refused callbacks), ${runs} runs each`,
    );

    const baseline = timeNode([new URL('./line-count-baseline.mjs', import.meta.url).pathname, auditPath], {
      runs,
      cwd: root,
    });
    const status = timeNode([cli, 'status', '--json'], { runs, cwd: root });
    const seed = timeNode([new URL('./seed-metrics.mjs', import.meta.url).pathname, auditPath], { runs, cwd: root });
    const statusPeak = Math.max(...status.rssMb);
    const seedPeak = Math.max(...seed.rssMb);
    console.log(
      `  streaming line count (baseline)  median ${fmt(median(baseline.wallMs))} ms  peak RSS ${fmt(Math.max(...baseline.rssMb))} MB`,
    );
    console.log(
      `  cxone-exports status --json      median ${fmt(median(status.wallMs))} ms  peak RSS ${fmt(statusPeak)} MB`,
    );
    console.log(
      `  serve's metrics seeding          median ${fmt(median(seed.wallMs))} ms  peak RSS ${fmt(seedPeak)} MB`,
    );
    const statusRatio = median(status.wallMs) / median(baseline.wallMs);
    const seedRatio = median(seed.wallMs) / median(baseline.wallMs);
    // The issue sets no time target: the times are reported against the baseline, the memory bound is the bar.
    console.log(`  status / line count: ${fmt(statusRatio, 2)}x; metrics seeding / line count: ${fmt(seedRatio, 2)}x`);
    return [
      verdict('status peak RSS on the 1 GB log', `${fmt(statusPeak)} MB`, '< 250 MB', statusPeak < 250),
      verdict('seeding peak RSS on the 1 GB log', `${fmt(seedPeak)} MB`, '< 250 MB', seedPeak < 250),
    ].every(Boolean);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
