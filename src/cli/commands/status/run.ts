// What `cxone-exports status` does when it runs: reads the state and the execution ends among the audit events,
// without the lock, and shows the report.

import { damagedLinesWarning } from '../../../audit/audit-log.js';
import { END_EVENTS, ExecutionEnds } from '../../../audit/execution-ends.js';
import { DEFAULT_ENVIRONMENT } from '../../../config/project-config.js';
import { statusReport } from '../../../status/status-report.js';
import type { CommandContext } from '../../command-context.js';
import { sinceMoment } from '../../durations.js';
import { showStatus } from './view.js';
import { withStateStore } from '../../with-state-store.js';

export interface StatusOptions {
  json?: boolean;
  since?: string;
}

export async function status(ctx: CommandContext, options: StatusOptions): Promise<void> {
  const since = sinceMoment(options.since) ?? null;
  const config = await ctx.config();
  await withStateStore(ctx, async (store) => {
    const { state } = await store.read();
    const ends = new ExecutionEnds();
    const scan = await store.scanEvents({ events: END_EVENTS, onEvent: (event) => ends.add(event) });
    if (scan.badLines > 0) ctx.logger.warn(damagedLinesWarning(store.eventsLocation, scan.badLines));
    const freshAt = { now: new Date(), staleGraceMs: config.limits.staleGraceMs };
    const report = statusReport(state, ends.list(), since, freshAt, config.environment.name ?? DEFAULT_ENVIRONMENT);
    showStatus(ctx, report, { json: options.json === true, since });
  });
}
