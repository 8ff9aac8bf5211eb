// `cxone-exports refresh`: one pass over every unfinished execution in state, recording those that ended.
// Meant for a scheduled CI job, where callbacks cannot arrive.

import { pollCompletions } from '../../apply/completion-poller.js';
import { systemClock } from '../../clock.js';
import { StateJournal } from '../../apply/state-journal.js';
import { openAuditLogReportingRepair } from '../audit-repair.js';
import { runIdentity } from '../../audit/run-identity.js';
import { createCxoneClient } from '../../cxone/create-client.js';
import { openStateStore } from '../../state/open-state-store.js';
import { IN_FLIGHT_STATUSES } from '../../contract/execution-status.js';
import { lockState } from '../../state/lock-state.js';
import type { CommandContext } from '../command-context.js';
import { JsonProgress, ListrProgress } from '../apply-progress.js';
import { lockTimeoutMs } from '../durations.js';

export async function refreshCommand(
  ctx: CommandContext,
  options: { lockTimeout?: string; json?: boolean },
): Promise<void> {
  const config = await ctx.config();
  const store = openStateStore(config, ctx.cwd);
  const lock = await lockState(store, 'refresh', { timeoutMs: lockTimeoutMs(options.lockTimeout) });
  try {
    await store.compact();
    const { state } = await store.read();
    const unfinished = Object.entries(state.exports)
      .filter(
        ([, entry]) => entry.lastExecution?.executionId != null && IN_FLIGHT_STATUSES.has(entry.lastExecution.status),
      )
      .map(([name, entry]) => ({
        name,
        dataActionId: entry.spec.dataActionId,
        executionId: entry.lastExecution!.executionId!,
      }));
    const reporter =
      options.json === true ? new JsonProgress(ctx.logger) : new ListrProgress({ fallback: true }, ctx.logger);
    if (unfinished.length === 0) {
      reporter.event('refresh_summary', 'Nothing to refresh: no execution is queued or running.', {
        finished: 0,
        unfinished: 0,
      });
      return;
    }
    await openAuditLogReportingRepair(store, ctx.logger);
    const journal = new StateJournal(state, store);
    const client = createCxoneClient(config, { env: ctx.env, debug: (line) => ctx.logger.debug(line) });
    const result = await pollCompletions(unfinished, {
      client: client.executions,
      journal,
      identity: runIdentity(ctx.env, config.rootDir),
      reporter,
      clock: systemClock,
      timeoutMs: 0,
      once: true,
    });
    await journal.close();
    if (result.unsupported !== undefined) throw result.unsupported;
    const lost =
      result.lost.length === 0
        ? ''
        : `, ${result.lost.length} lost (CXone no longer knows them; the next plan retries them)`;
    reporter.event(
      'refresh_summary',
      `Refresh complete: ${result.finished.length} finished${lost}, ${result.unfinished.length} still running. State serial ${state.serial} → ${journal.serial}.`,
      { finished: result.finished.length, lost: result.lost.length, unfinished: result.unfinished.length },
    );
  } finally {
    await lock.release();
  }
}
