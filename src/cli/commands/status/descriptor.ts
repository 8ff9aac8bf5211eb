// `cxone-exports status [--json] [--since DURATION]`: last execution per export, and how executions went.
// What it does is in ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import type * as run from './run.js';

export const statusCommand: CommandDescriptor<run.StatusOptions> = {
  path: ['status'],
  needsEnvironment: true,
  description: 'last execution per export; completion rate and latency over a window',
  examples: [
    {
      command: 'cxone-exports --env production status',
      does: 'the last execution of each export, completion rate and latency',
    },
    { command: 'cxone-exports status --json --since 7d', does: 'the same for a week, as JSON for a script' },
  ],
  options: [
    new Option('--json', 'print JSON'),
    new Option('--since <duration>', 'only executions that ended within this window (e.g. 24h, 7d is 168h)'),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).status(ctx, options),
};
