// `cxone-exports status [--json] [--since DURATION]`: last execution per export, and how executions went.
// Reads the state and the audit events without the lock.

import { Option } from 'commander';
import { damagedLinesWarning } from '../../audit/audit-log.js';
import { END_EVENTS, ExecutionEnds } from '../../audit/execution-ends.js';
import { openStateStore } from '../../state/open-state-store.js';
import { statusReport } from '../../status/status-report.js';
import type { CommandDescriptor } from '../command-descriptor.js';
import { parseDuration } from '../durations.js';
import { showStatus } from '../views/status-view.js';

/** Ten years: further back than any audit log, and well inside what a Date can hold. */
const MAX_SINCE_MS = 3650 * 86_400_000;

export interface StatusOptions {
  json?: boolean;
  since?: string;
}

export const statusCommand: CommandDescriptor<StatusOptions> = {
  path: ['status'],
  description: 'last execution per export; completion rate and latency over a window',
  options: [
    new Option('--json', 'print JSON'),
    new Option('--since <duration>', 'only executions that ended within this window (e.g. 24h, 7d is 168h)'),
  ],
  run: async (ctx, _args, options) => {
    const config = await ctx.config();
    const since =
      options.since === undefined ? null : new Date(Date.now() - parseDuration(options.since, '--since', MAX_SINCE_MS));
    const store = openStateStore(config, ctx.cwd);
    const { state } = await store.read();
    const ends = new ExecutionEnds();
    const scan = await store.scanEvents({ events: END_EVENTS, onEvent: (event) => ends.add(event) });
    if (scan.badLines > 0) ctx.logger.warn(damagedLinesWarning(store.eventsLocation, scan.badLines));
    showStatus(ctx, statusReport(state, ends.list(), since), { json: options.json === true, since });
  },
};
