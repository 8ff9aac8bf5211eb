// `cxone-exports status [--json] [--since DURATION]`: last execution per export, and how executions went.
// Reads state and audit without the lock.

import { relative } from 'node:path';
import { damagedLinesWarning, auditLogPath } from '../../audit/audit-log.js';
import { END_EVENTS, ExecutionEnds } from '../../audit/execution-ends.js';
import { scanAuditLog } from '../../audit/scan-audit-log.js';
import { openStateStore } from '../../state/open-state-store.js';
import { statusReport } from '../../status/status-report.js';
import { formatDelay } from '../apply-progress.js';
import type { CommandContext } from '../command-context.js';
import { parseDuration } from '../durations.js';

/** Ten years: further back than any audit log, and well inside what a Date can hold. */
const MAX_SINCE_MS = 3650 * 86_400_000;

export async function statusCommand(ctx: CommandContext, options: { json?: boolean; since?: string }): Promise<void> {
  const config = await ctx.config();
  const since =
    options.since === undefined ? null : new Date(Date.now() - parseDuration(options.since, '--since', MAX_SINCE_MS));
  const { state } = await openStateStore(config, ctx.cwd).read();
  const auditPath = auditLogPath(config.stateDir);
  const ends = new ExecutionEnds();
  const scan = await scanAuditLog(auditPath, { events: END_EVENTS, onEvent: (event) => ends.add(event) });
  if (scan.badLines > 0) ctx.logger.warn(damagedLinesWarning(relative(ctx.cwd, auditPath), scan.badLines));
  const report = statusReport(state, ends.list(), since);
  if (options.json === true) {
    ctx.logger.out(JSON.stringify(report, null, 2));
    return;
  }
  if (report.exports.length === 0) {
    ctx.logger.out('The state holds no exports yet. `cxone-exports apply` records them.');
    return;
  }
  const rows = [
    ['EXPORT', 'EXECUTION', 'STATUS', 'SUBMITTED', 'COMPLETED', 'ROWS', 'LATENCY'],
    ...report.exports.map((r) => [
      r.name,
      r.executionId ?? '-',
      r.status ?? '-',
      r.submittedAt ?? '-',
      `${r.completedAt ?? '-'}${r.flags === undefined ? '' : ' (!)'}`,
      r.rowsExported === null ? '-' : String(r.rowsExported),
      r.latencyMs === null ? '-' : formatDelay(r.latencyMs),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows.map((row, i) => {
    const line = row
      .map((cell, j) => cell.padEnd(widths[j]!))
      .join('  ')
      .trimEnd();
    return i === 0 ? ctx.colors.bold(line) : line;
  });
  const { overall } = report;
  const rate =
    overall.completionRate === null ? 'n/a (nothing finished yet)' : `${(overall.completionRate * 100).toFixed(1)}%`;
  const latency = (ms: number | null) => (ms === null ? '-' : formatDelay(ms));
  const counts =
    Object.entries(overall.byStatus)
      .map(([status, n]) => `${n} ${status}`)
      .join(', ') || 'none';
  ctx.logger.out(
    [
      ...table,
      '',
      `${ctx.colors.bold('Executions')}${since === null ? '' : ` since ${since.toISOString()}`}: ${overall.finished} finished (${counts}), ${overall.rowsExported} rows exported`,
      `${ctx.colors.bold('Completion rate')}: ${rate}`,
      `${ctx.colors.bold('Latency')}: p50 ${latency(overall.latencyMs.p50)}, p95 ${latency(overall.latencyMs.p95)}, max ${latency(overall.latencyMs.max)} (CXone's endTime minus startTime, to the second)`,
      ...(report.exports.some((r) => r.flags !== undefined)
        ? [
            '',
            `${ctx.colors.yellow('(!)')} completed before it was submitted: CXone's clock and this machine's disagree by more than a second, or CXone reported a wrong time.`,
          ]
        : []),
    ].join('\n'),
  );
}
