// The summary at the end of a run across environments: one row per environment (outcome, counts, duration), for
// the terminal and for GitHub's step summary.

import type { EnvironmentEnd } from '../../operations/across-environments.js';
import type { Colors } from '../color.js';
import { formatDelay } from '../format-delay.js';
import { environmentReport } from './run-report.js';
import type { EnvironmentReport, EnvironmentWork, RunKind } from './run-report.js';
import { markdownCode, markdownText, visibleText } from './displayed-text.js';

const COLUMNS = ['ENVIRONMENT', 'OUTCOME', 'SUBMITTED', 'FAILED', 'SKIPPED', 'BLOCKED', 'DURATION'] as const;

function cells(row: EnvironmentReport): string[] {
  return [
    row.environment,
    row.outcome,
    String(row.submitted),
    // Failed submissions and failed executions together: either makes the environment red.
    String(row.failed + row.failedExecutions),
    String(row.skipped),
    String(row.blocked),
    row.durationMs === null ? '–' : formatDelay(row.durationMs),
  ];
}

function headline(kind: RunKind, rows: readonly EnvironmentReport[]): string {
  const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
  const failed = count('failed');
  const held = count('held');
  const ok = rows.length - failed - held;
  return `${kind} across ${rows.length} environments: ${ok} succeeded, ${failed} failed, ${held} held.`;
}

export function summaryTable(kind: RunKind, ends: readonly EnvironmentEnd<EnvironmentWork>[], colors: Colors): string {
  const rows = ends.map(environmentReport);
  const table = [[...COLUMNS], ...rows.map(cells)];
  const widths = COLUMNS.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const lines = table.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
  const paint = (line: string, row: EnvironmentReport) =>
    row.outcome === 'failed' ? colors.red(line) : row.outcome === 'held' ? colors.yellow(line) : line;
  const title = headline(kind, rows);
  const bad = rows.some((r) => r.outcome === 'failed' || r.outcome === 'held');
  const why = rows
    .filter((r) => r.heldBecause !== undefined || (r.outcome === 'failed' && r.errors.length > 0))
    // An error may quote CXone or a file: shown as it is, control characters as escapes.
    .map((r) => `  ${r.environment}: ${visibleText(r.heldBecause ?? r.errors[0]!)}`);
  return [
    bad ? colors.red(title) : colors.green(title),
    colors.bold(lines[0]!),
    ...lines.slice(1).map((line, index) => paint(line, rows[index]!)),
    ...(why.length > 0 ? ['', ...why] : []),
  ].join('\n');
}

export function summaryMarkdown(kind: RunKind, ends: readonly EnvironmentEnd<EnvironmentWork>[]): string {
  const rows = ends.map(environmentReport);
  return [
    `### cxone-exports ${kind}`,
    '',
    `**${headline(kind, rows)}**`,
    '',
    '| Environment | Outcome | Submitted | Failed | Skipped | Blocked | Duration | Why |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => {
      const [environment, outcome, ...counts] = cells(row);
      const why = row.heldBecause ?? (row.outcome === 'failed' ? (row.errors[0] ?? '') : '');
      return `| ${markdownCode(environment!)} | ${outcome!} | ${counts.join(' | ')} | ${markdownText(why)} |`;
    }),
    '',
  ].join('\n');
}
