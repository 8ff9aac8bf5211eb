// `cxone-exports refresh`: one pass over every unfinished execution in state, recording those that ended.
// Meant for a scheduled CI job, where callbacks cannot arrive.

import { Option } from 'commander';
import { runIdentity } from '../../audit/run-identity.js';
import { systemClock } from '../../clock.js';
import { openStateStore } from '../../state/open-state-store.js';
import type { CommandDescriptor } from '../command-descriptor.js';
import { lockTimeoutMs } from '../durations.js';

export interface RefreshOptions {
  lockTimeout?: string;
  json?: boolean;
}

export const refreshCommand: CommandDescriptor<RefreshOptions> = {
  path: ['refresh'],
  description: 'poll the status of unfinished executions and record those that ended',
  options: [
    new Option('--lock-timeout <duration>', 'wait this long for the state lock (e.g. 30s, 5m)'),
    new Option('--json', 'one JSON event per line'),
  ],
  run: async (ctx, _args, options) => {
    const [{ runRefresh }, { refreshView }, { createCxoneClient }] = await Promise.all([
      import('../../operations/refresh-operation.js'),
      import('../views/refresh-view.js'),
      import('../../cxone/create-client.js'),
    ]);
    const config = await ctx.config();
    await runRefresh(
      { lockTimeoutMs: lockTimeoutMs(options.lockTimeout), identity: runIdentity(ctx.env, config.rootDir) },
      {
        store: openStateStore(config, ctx.cwd),
        connect: () => createCxoneClient(config, { env: ctx.env, debug: (line) => ctx.logger.debug(line) }).executions,
        clock: systemClock,
      },
      refreshView(ctx, { json: options.json === true }),
    );
  },
};
