// The view of `status`: a table of the last execution per export and the figures over the window, or JSON.

import { DEFAULT_ENVIRONMENT } from '../../../config/project-config.js';
import type { StatusReport } from '../../../status/status-report.js';
import type { CommandContext } from '../../command-context.js';
import { formatDelay } from '../../format-delay.js';
import { formatTick } from '../../../schedules/schedule.js';

export function showStatus(
  ctx: Pick<CommandContext, 'logger' | 'colors'>,
  report: StatusReport,
  options: { json: boolean; oneLine?: boolean },
): void {
  const { since, until } = report.window;
  if (options.json) {
    // Across a selection, one report per line (JSON lines), so environments side by side never mix.
    ctx.logger.out(options.oneLine === true ? JSON.stringify(report) : JSON.stringify(report, null, 2));
    return;
  }
  // Which tenant's exports these are, when the config has several (a config without environments has one).
  if (report.environment !== DEFAULT_ENVIRONMENT) ctx.logger.out(ctx.colors.bold(`Environment ${report.environment}`));
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
  const table = renderTable(ctx, rows);
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
      `${ctx.colors.bold('Executions')}${since === null ? '' : ` since ${since}`}${until === null ? '' : ` until ${until}`}: ${overall.finished} finished (${counts}), ${overall.rowsExported} rows exported`,
      `${ctx.colors.bold('Completion rate')}: ${rate}`,
      `${ctx.colors.bold('Latency')}: p50 ${latency(overall.latencyMs.p50)}, p95 ${latency(overall.latencyMs.p95)}, max ${latency(overall.latencyMs.max)} (CXone's endTime minus startTime, to the second)`,
      ...scheduleTable(ctx, report),
      ...(report.exports.some((r) => r.flags !== undefined)
        ? [
            '',
            `${ctx.colors.yellow('(!)')} completed before it was submitted: CXone's clock and this machine's disagree by more than a second, or CXone reported a wrong time.`,
          ]
        : []),
    ].join('\n'),
  );
}

/** The scheduled exports: the tick last covered, the next one, the last completion, and whether it is fresh. */
function scheduleTable(ctx: Pick<CommandContext, 'colors'>, report: StatusReport): string[] {
  const scheduled = report.exports.filter((r) => r.schedule !== undefined);
  if (scheduled.length === 0) return [];
  const tick = (iso: string | null, timeZone: string) => (iso === null ? '-' : formatTick(new Date(iso), timeZone));
  const rows = [
    ['SCHEDULED', 'CRON', 'LAST TICK COVERED', 'NEXT TICK', 'LAST COMPLETED', 'FRESHNESS'],
    ...scheduled.map((r) => {
      const s = r.schedule!;
      return [
        r.name,
        s.cron,
        tick(s.coveredTick, s.timeZone),
        tick(s.nextTick, s.timeZone),
        s.lastCompleted?.completedAt ?? '-',
        s.suspended ? 'suspended' : s.stale ? 'stale' : 'fresh',
      ];
    }),
  ];
  const lines = renderTable(ctx, rows, (row) => row.at(-1) === 'stale');
  const stale = scheduled.filter((r) => r.schedule!.stale).length;
  return [
    '',
    ...lines,
    ...(stale > 0
      ? [
          '',
          `${ctx.colors.red(`${stale} stale`)}: no completed execution covers the latest tick whose starting deadline and limits.staleGrace are over. \`cxone-exports refresh\` records ends no callback reported; \`apply\` runs what is due.`,
        ]
      : []),
  ];
}

/** Columns padded to their widest cell, the header in bold, and the rows `alarming` picks in red. */
function renderTable(
  ctx: Pick<CommandContext, 'colors'>,
  rows: string[][],
  alarming: (row: string[]) => boolean = () => false,
): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row, i) => {
    const line = row
      .map((cell, j) => cell.padEnd(widths[j]!))
      .join('  ')
      .trimEnd();
    if (i === 0) return ctx.colors.bold(line);
    return alarming(row) ? ctx.colors.red(line) : line;
  });
}
