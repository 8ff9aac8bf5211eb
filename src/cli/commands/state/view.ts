// The views of the `state` commands: `list` and `show` as an aligned table or one entry's fields, or JSON; what
// `rm`, `unlock`, `migrate` and `merge` did; the files `commit-files` names, one a line.

import type { ForgetReport } from '../../../operations/forget-operation.js';
import type { MigrateReport } from '../../../operations/migrate-operation.js';
import type { ExportState, State } from '../../../state/state-model.js';
import type { LockInfo } from '../../../state/state-store.js';
import type { CommandContext } from '../../command-context.js';

type ViewContext = Pick<CommandContext, 'logger' | 'colors'>;

export function showStateList(ctx: ViewContext, state: State, options: { json: boolean }): void {
  const names = Object.keys(state.exports).sort();
  if (options.json) {
    ctx.logger.out(
      JSON.stringify(
        names.map((name) => ({ name, ...listRow(state.exports[name]!) })),
        null,
        2,
      ),
    );
    return;
  }
  if (names.length === 0) {
    ctx.logger.out('The state holds no exports yet. `cxone-exports apply` records them.');
    return;
  }
  const rows = [
    ['NAME', 'LAST ACTION', 'STATUS', 'WHEN'],
    ...names.map((name) => {
      const row = listRow(state.exports[name]!);
      return [name, row.lastAction, row.status ?? '-', row.when ?? '-'];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  ctx.logger.out(
    rows
      .map((r, index) => {
        const line = r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
        return index === 0 ? ctx.colors.bold(line) : line;
      })
      .join('\n'),
  );
}

function listRow(entry: ExportState): { lastAction: string; status: string | null; when: string | null } {
  if (entry.pending !== null)
    return { lastAction: 'submit (outcome unknown)', status: null, when: entry.pending.startedAt };
  const last = entry.lastExecution;
  if (last === null) return { lastAction: 'recorded', status: null, when: null };
  if (last.status === 'submit-failed')
    return { lastAction: 'submit failed', status: last.status, when: last.submittedAt };
  return { lastAction: 'submitted', status: last.status, when: last.completedAt ?? last.submittedAt };
}

export function showStateEntry(ctx: ViewContext, name: string, entry: ExportState, options: { json: boolean }): void {
  if (options.json) {
    ctx.logger.out(JSON.stringify({ name, ...entry }, null, 2));
    return;
  }
  const last = entry.lastExecution;
  const lines = [
    ctx.colors.bold(`# ${name}`),
    `definitionHash  ${entry.definitionHash}`,
    `source          ${entry.source.file}:${entry.source.line}`,
    `dataActionId    ${entry.spec.dataActionId}`,
    `datasetId       ${entry.spec.datasetId}`,
    `format          ${JSON.stringify(entry.spec.format)}`,
    `callbackUrl     ${entry.spec.callbackUrl ?? '(none)'}`,
    `pending         ${entry.pending === null ? '(none)' : `intent ${entry.pending.idempotencyKey} since ${entry.pending.startedAt}`}`,
    'lastExecution',
    ...(last === null
      ? ['  (none)']
      : [
          `  executionId     ${last.executionId ?? '(none)'}`,
          `  status          ${last.status}`,
          `  idempotencyKey  ${last.idempotencyKey}`,
          `  submittedAt     ${last.submittedAt}`,
          `  completedAt     ${last.completedAt ?? '-'}`,
          `  rowsExported    ${last.rowsExported ?? '-'}`,
          `  latencyMs       ${last.latencyMs ?? '-'}`,
          ...(last.error === null ? [] : [`  error           ${last.error}`]),
        ]),
  ];
  ctx.logger.out(lines.join('\n'));
}

export function showRemoved(ctx: Pick<CommandContext, 'logger'>, removed: ForgetReport): void {
  ctx.logger.info(
    `Removed ${removed.name} from the state (serial ${removed.serialBefore} → ${removed.serialAfter}). CXone was not called; the next plan shows it as create if it is still defined.`,
  );
}

export function showReleased(ctx: Pick<CommandContext, 'logger'>, holder: LockInfo): void {
  ctx.logger.info(
    `Released lock ${holder.id}, held by ${holder.operation} (${holder.who}, pid ${holder.pid}) since ${holder.created}.`,
  );
}

export function showCommitFiles(ctx: Pick<CommandContext, 'logger'>, files: readonly string[]): void {
  for (const file of files) ctx.logger.out(file);
}

export function showMigrated(
  ctx: Pick<CommandContext, 'logger'>,
  moved: MigrateReport,
  source: { location: string; eventsLocation: string },
): void {
  if (moved.badLines > 0)
    ctx.logger.warn(
      `Warning: ${moved.badLines} lines of ${source.eventsLocation} are not events; they were not moved.`,
    );
  ctx.logger.info(
    moved.outcome === 'already'
      ? `Nothing to do: ${moved.target} holds this state already (lineage ${moved.lineage}, serial ${moved.serial}).`
      : `Moved ${moved.exports} exports and ${moved.events} audit events from ${source.location} to ${moved.target} (lineage ${moved.lineage}, serial ${moved.serial}). The local files are no longer read; keep them as an archive or remove them.`,
  );
}

export function showMerged(ctx: Pick<CommandContext, 'logger'>, merged: State): void {
  ctx.logger.info(`Merged the two states: ${Object.keys(merged.exports).length} exports, serial ${merged.serial}.`);
}
