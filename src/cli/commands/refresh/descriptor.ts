// `cxone-exports refresh`: one pass over every unfinished execution in state, recording those that ended.
// Meant for a scheduled CI job, where callbacks cannot arrive. What it does is in ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import type { RefreshOptions } from './run.js';

export const refreshCommand: CommandDescriptor<RefreshOptions> = {
  path: ['refresh'],
  needsEnvironment: true,
  description: 'poll the status of unfinished executions and record those that ended',
  options: [
    new Option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)'),
    new Option('--json', 'one JSON event per line'),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).refresh(ctx, options),
};
