// The views of `refresh`: plain lines (it runs in scheduled CI jobs), or JSON lines with --json.

import type { RefreshReport, RefreshView } from '../../../operations/refresh-operation.js';
import type { CommandContext } from '../../command-context.js';
import { JsonProgress, ListrProgress } from '../apply/progress.js';
import type { ProgressReporter } from '../apply/progress.js';
import { stateAccessView } from '../../views/state-access-view.js';

export function refreshView(ctx: Pick<CommandContext, 'logger' | 'io'>, options: { json: boolean }): RefreshView {
  const progress: ProgressReporter = options.json
    ? new JsonProgress(ctx.logger, ctx.io.clock)
    : new ListrProgress({ fallback: true, output: ctx.io }, ctx.logger);
  return {
    ...stateAccessView(ctx.logger),
    progress,
    nothingToRefresh: () =>
      progress.event('refresh_summary', 'Nothing to refresh: no execution is queued or running.', {
        finished: 0,
        unfinished: 0,
      }),
    finished: (report: RefreshReport) => {
      const lost =
        report.lost.length === 0
          ? ''
          : `, ${report.lost.length} lost (CXone no longer knows them; the next plan retries them)`;
      progress.event(
        'refresh_summary',
        `Refresh complete: ${report.finished.length} finished${lost}, ${report.unfinished.length} still running. State serial ${report.serialBefore} → ${report.serialAfter}.`,
        { finished: report.finished.length, lost: report.lost.length, unfinished: report.unfinished.length },
      );
    },
  };
}
