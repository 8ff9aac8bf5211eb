// `cxone-exports refresh`: one pass over every unfinished execution in state, recording those that ended.
// Meant for a scheduled CI job, where callbacks cannot arrive. What it does is in ./run.ts.

import { Option } from 'commander';
import type { CommandDescriptor } from '../../command-descriptor.js';
import { integerOption } from '../../option-parsers.js';
import type { RefreshOptions } from './run.js';

export const refreshCommand: CommandDescriptor<RefreshOptions> = {
  path: ['refresh'],
  needsEnvironment: true,
  acrossEnvironments: true,
  description: 'poll the status of unfinished executions and record those that ended',
  examples: [
    {
      command: 'cxone-exports --env production refresh',
      does: 'record what ended since the last apply, where no callback reaches',
    },
    { command: 'cxone-exports refresh --lock-timeout 5m', does: "wait up to five minutes for a running apply's lock" },
  ],
  options: [
    new Option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)'),
    new Option('--json', 'one JSON event per line'),
    new Option('--parallel <n>', 'across several environments: how many at once (default: runs.parallel)').argParser(
      integerOption(1, 64),
    ),
    new Option('--report <file>', 'write a JSON report of the run (schemas/run-report.schema.json)'),
  ],
  run: async (ctx, _args, options) => (await import('./run.js')).refresh(ctx, options),
};
