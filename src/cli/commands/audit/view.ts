// What `cxone-exports audit export` prints: the lines as stored (JSON lines, chain fields included) at the pace
// the pipe takes them, or a table a reviewer reads; on stderr, how many stored lines were not events.

import type { AuditEvent } from '../../../audit/audit-event.js';
import type { CommandContext } from '../../command-context.js';
import { visibleText } from '../../views/displayed-text.js';

export interface AuditExportView {
  readonly format: 'jsonl' | 'table';
  /** Bytes as stored, passed through; resolves when stdout has taken them. */
  lines(bytes: string | Buffer): Promise<void>;
  /** A stored line the filter kept, with its event. */
  matched(line: string, event: AuditEvent): Promise<void>;
  notEvent(): void;
  /** The end of one environment's lines: says how many were not events. */
  done(location: string): void;
}

const COLUMNS: readonly [string, number][] = [
  ['TIME', 20],
  ['ENVIRONMENT', 20],
  ['EVENT', 20],
  ['EXPORT', 28],
  ['EXECUTION', 24],
  ['DATASET', 20],
  ['DETAIL', 0],
];

export function auditExportView(
  ctx: Pick<CommandContext, 'logger'>,
  stdout: NodeJS.WritableStream,
  format: 'jsonl' | 'table',
): AuditExportView {
  const write = (text: string | Buffer) =>
    new Promise<void>((resolve, reject) =>
      stdout.write(text, (error) => (error === null || error === undefined ? resolve() : reject(error))),
    );
  let notEvents = 0;
  let headed = false;
  // The dataset of each execution a table has shown a submission of, for the lines that end it.
  const datasets = new Map<string, string>();
  const row = (cells: readonly string[]) =>
    `${cells
      // Streamed, so widths are set ahead; a longer cell pushes the rest along rather than lose characters.
      .map((cell, i) => cell.padEnd(COLUMNS[i]![1] - 1))
      .join(' ')
      .trimEnd()}\n`;
  return {
    format,
    lines: write,
    matched: async (line, event) => {
      if (format === 'jsonl') return write(`${line}\n`);
      if (!headed) {
        headed = true;
        await write(row(COLUMNS.map(([name]) => name)));
      }
      if (event.executionId != null && event.datasetId !== undefined) datasets.set(event.executionId, event.datasetId);
      const dataset = event.datasetId ?? (event.executionId == null ? undefined : datasets.get(event.executionId));
      return write(
        row(
          [
            event.timestamp.slice(0, 19).replace('T', ' '),
            event.environment ?? '',
            event.event,
            event.export ?? '',
            event.executionId ?? '',
            dataset ?? '',
            detail(event),
          ].map((cell) => visibleText(String(cell))),
        ),
      );
    },
    notEvent: () => notEvents++,
    done: (location) => {
      if (notEvents > 0) ctx.logger.warn(`Warning: ${notEvents} lines of ${location} are not events; left out.`);
      notEvents = 0;
    },
  };
}

/** What else a line says, in a few words: its status and rows, a reason, an error, a policy decision. */
function detail(event: AuditEvent): string {
  const parts = [
    event.status ?? undefined,
    event.rowsExported == null ? undefined : `${event.rowsExported} rows`,
    event.reason,
    event.decision === undefined
      ? undefined
      : `${event.decision}${event.policy === undefined ? '' : ` ${event.policy}`}`,
    event.error,
    event.actor === undefined ? undefined : `by ${event.actor}`,
  ];
  return parts.filter((part): part is string => part !== undefined && part !== '').join(', ');
}
