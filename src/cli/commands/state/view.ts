// The views of `state list` and `state show`: an aligned table or one entry's fields, or JSON.

import type { ExportState, State } from '../../../state/state-model.js';
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
