// `cxone-exports audit export [filters] [--format jsonl|table]`: the audit events of one environment or a
// selection, as stored (JSON lines with their chain fields, for archiving in Git or a data lake) or as a table a
// reviewer reads, filtered by export, dataset, event and time. What it does is in ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import type * as run from './run.js';

export const auditExportCommand: CommandDescriptor<run.ExportOptions> = {
  path: ['audit', 'export'],
  needsEnvironment: true,
  acrossEnvironments: true,
  description:
    'write the audit events on stdout, as stored (JSON lines) or as a table, filtered by export, dataset, event and time',
  examples: [
    {
      command: 'cxone-exports audit export --since 7d > audit-week.jsonl',
      does: "the last week's events, as stored, for a data lake",
    },
    {
      command:
        "cxone-exports --env 'prod-*' audit export --dataset ds-recordings --since 2026-11-01T00:00:00Z --until 2026-12-01T00:00:00Z --format table",
      does: 'which production executions exported ds-recordings in November, and how they ended',
    },
  ],
  options: [
    new Option('--since <when>', 'only events from then on: a duration back from now (24h, 7d) or an ISO 8601 time'),
    new Option('--until <time>', 'only events before this ISO 8601 time'),
    new Option('--export <names>', 'only these exports (comma-separated; * matches any characters)'),
    new Option(
      '--dataset <ids>',
      'only executions of these datasets (comma-separated): their submissions, and the later lines of the same executions',
    ),
    new Option('--event <names>', 'only these events (comma-separated, e.g. execution.submitted,execution.completed)'),
    new Option('--format <format>', 'jsonl: the lines as stored, chain fields included; table: columns to read')
      .choices(['jsonl', 'table'])
      .default('jsonl'),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).exportAudit(ctx, options),
};
