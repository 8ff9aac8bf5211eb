// What `cxone-exports audit export` does when it runs: streams the backend's audit events to stdout.

import type { AuditEvent } from '../../../audit/audit-event.js';
import type { CommandContext } from '../../command-context.js';
import { sinceMoment } from '../../durations.js';
import { withStateStore } from '../../with-state-store.js';
import { exportsEvents } from '../../../state/state-store.js';
import { auditExportView } from './view.js';

export async function exportAudit(ctx: CommandContext, options: { since?: string }): Promise<void> {
  const view = auditExportView(ctx, ctx.io.stdout);
  const sinceDate = sinceMoment(options.since, ctx.io.clock.now());
  const since = sinceDate?.getTime();
  const recent = (event: AuditEvent) => since === undefined || Date.parse(event.timestamp) >= since;
  await withStateStore(ctx, async (store) => {
    // A database streams its events as stored, in batches, at the pace stdout takes them.
    if (exportsEvents(store)) {
      await store.exportEvents(sinceDate, (lines) => view.lines(lines));
      return;
    }
    const scan = await store.scanEvents({
      onEvent: (event) => {
        if (recent(event)) view.event(event);
      },
    });
    if (scan.badLines > 0) view.notEvents(scan.badLines, store.eventsLocation);
  });
}
