// `cxone-exports status [--json] [--since DURATION] [--at TIME]`: last execution per export, and how executions
// went. What it does is in ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import { integerOption } from '../../option-parsers.js';
import type * as run from './run.js';

export const statusCommand: CommandDescriptor<run.StatusOptions> = {
  path: ['status'],
  needsEnvironment: true,
  acrossEnvironments: true,
  description: 'last execution per export; completion rate and latency over a window',
  examples: [
    {
      command: 'cxone-exports --env production status',
      does: 'the last execution of each export, completion rate and latency',
    },
    { command: 'cxone-exports status --json --since 7d', does: 'the same for a week, as JSON for a script' },
    {
      command: 'cxone-exports status --at 2026-12-01T03:00:00Z --since 24h',
      does: 'how the day before 03:00 UTC went, and which scheduled exports were stale then',
    },
  ],
  options: [
    new Option('--json', 'print JSON'),
    new Option('--parallel <n>', 'across several environments: how many at once (default: runs.parallel)').argParser(
      integerOption(1, 64),
    ),
    new Option('--report <file>', 'write a JSON report of the run (schemas/run-report.schema.json)'),
    new Option('--since <duration>', 'only executions that ended within this window (e.g. 24h, 7d is 168h)'),
    new Option(
      '--at <time>',
      'judge freshness and the window as of this instant (ISO 8601 with an offset); what ended later is left out',
    ),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).status(ctx, options),
};
