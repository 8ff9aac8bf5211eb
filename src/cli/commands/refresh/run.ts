// What `cxone-exports refresh` does when it runs: the refresh operation on the project's backend, with the
// CXone client from the config and the environment, through the plain or JSON view.

import { runIdentity } from '../../../audit/run-identity.js';
import { createCxoneClient } from '../../../cxone/create-client.js';
import { runRefresh } from '../../../operations/refresh-operation.js';
import type { CommandContext } from '../../command-context.js';
import { lockTimeoutMs } from '../../durations.js';
import { tenantExpectation } from '../../tenant-expectation.js';
import { refreshView } from './view.js';
import { withStateStore } from '../../with-state-store.js';
import { runInSelection } from '../../run-in-selection.js';
import { sentNothing } from '../../views/run-report.js';

export interface RefreshOptions {
  lockTimeout?: string;
  json?: boolean;
  parallel?: number;
  report?: string;
}

export async function refresh(ctx: CommandContext, options: RefreshOptions): Promise<void> {
  await runInSelection(ctx, 'refresh', options, async (environmentCtx) => {
    await refreshInEnvironment(environmentCtx, options);
    return sentNothing('refreshed');
  });
}

async function refreshInEnvironment(ctx: CommandContext, options: RefreshOptions): Promise<void> {
  await withStateStore(ctx, (store, config) =>
    runRefresh(
      {
        lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
        lostAfterMs: config.limits.lostAfterMs,
        identity: runIdentity(ctx.env, config.rootDir, config.environment.name),
        ...tenantExpectation(config),
      },
      {
        store,
        connect: () =>
          createCxoneClient(config, { env: ctx.env, clock: ctx.io.clock, debug: (line) => ctx.logger.debug(line) }),
        clock: ctx.io.clock,
      },
      refreshView(ctx, { json: options.json === true }),
    ),
  );
}
