// What `cxone-exports audit export` does when it runs: streams the backend's audit events to stdout.

import type { AuditEvent } from '../../audit/audit-event.js';
import type { CommandContext } from '../command-context.js';
import { sinceMoment } from '../durations.js';
import { withStateStore } from '../with-state-store.js';

export async function exportAudit(ctx: CommandContext, options: { since?: string }): Promise<void> {
  const since = sinceMoment(options.since)?.getTime();
  const recent = (event: AuditEvent) => since === undefined || Date.parse(event.timestamp) >= since;
  await withStateStore(ctx, async (store) => {
    const scan = await store.scanEvents({
      onEvent: (event) => {
        if (recent(event)) ctx.logger.out(JSON.stringify(event));
      },
    });
    if (scan.badLines > 0)
      ctx.logger.warn(`Warning: ${scan.badLines} lines of ${store.eventsLocation} are not events; left out.`);
  });
}
