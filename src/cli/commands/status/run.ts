// What `cxone-exports status` does when it runs: the status operation on the environment's state, without the
// lock, judged now (the Clock) or at --at, shown by the view.

import { damagedLinesWarning } from '../../../audit/audit-log.js';
import { DEFAULT_ENVIRONMENT } from '../../../config/project-config.js';
import { runStatus } from '../../../operations/status-operation.js';
import type { CommandContext } from '../../command-context.js';
import { parseInstant, windowMs } from '../../durations.js';
import { showStatus } from './view.js';
import { withStateStore } from '../../with-state-store.js';
import { runInSelection } from '../../run-in-selection.js';
import { sentNothing } from '../../views/run-report.js';

export interface StatusOptions {
  json?: boolean;
  parallel?: number;
  report?: string;
  since?: string;
  at?: string;
}

export async function status(ctx: CommandContext, options: StatusOptions): Promise<void> {
  await runInSelection(ctx, 'status', options, async (environmentCtx, role) => {
    await statusInEnvironment(environmentCtx, options, role.inSelection);
    return sentNothing('reported');
  });
}

async function statusInEnvironment(ctx: CommandContext, options: StatusOptions, inSelection: boolean): Promise<void> {
  const window = windowMs(options.since);
  const at = options.at === undefined ? undefined : Date.parse(parseInstant(options.at, '--at'));
  const config = await ctx.config();
  await withStateStore(ctx, (store) =>
    runStatus(
      {
        ...(window === undefined ? {} : { windowMs: window }),
        ...(at === undefined ? {} : { at }),
        staleGraceMs: config.limits.staleGraceMs,
        environment: config.environment.name ?? DEFAULT_ENVIRONMENT,
      },
      { store, clock: ctx.io.clock },
      {
        damagedAuditLines: (location, count) => ctx.logger.warn(damagedLinesWarning(location, count)),
        report: (report) => showStatus(ctx, report, { json: options.json === true, oneLine: inSelection }),
      },
    ),
  );
}
