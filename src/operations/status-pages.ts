// The status pages of one environment, as the receiver serves them: the list from the status operation itself
// (the same report `status --json` prints at that moment), and one export's page with its last executions, read
// in the same pass over the audit. Read-only: nothing here locks or writes.

import type { Clock } from '../clock.js';
import type { StateStore } from '../state/state-store.js';
import { exportPage, statusListPage } from '../status/status-page.js';
import type { EndedExecutionRow } from '../status/status-page.js';
import { readStatus } from './status-operation.js';

/** How many of an export's last executions its page lists. */
export const EXECUTIONS_LISTED = 25;

export interface StatusPages {
  environment: string;
  list(hrefs: PageLinks): Promise<string>;
  /** One export's page, or undefined when the state has no export of that name. */
  exportPage(name: string, hrefs: PageLinks): Promise<string | undefined>;
}

/** Where the pages link to: the list, and each export's page. */
export interface PageLinks {
  list: string;
  exportHref(name: string): string;
}

export function statusPages(
  store: Pick<StateStore, 'read' | 'scanEvents' | 'eventsLocation'>,
  options: { environment: string; staleGraceMs: number; clock: Clock; refreshSeconds: number },
): StatusPages {
  const request = { staleGraceMs: options.staleGraceMs, environment: options.environment };
  const env = { store, clock: options.clock };
  const view = { damagedAuditLines: () => undefined };
  return {
    environment: options.environment,
    list: async (links) => {
      const { report, state } = await readStatus(request, env, view);
      return statusListPage(report, {
        refreshSeconds: options.refreshSeconds,
        exportHref: (name) => links.exportHref(name),
        labels: (name) => state.exports[name]?.metadata.labels,
      });
    },
    exportPage: async (name, links) => {
      // The last executions that ended, in bounded memory whatever the audit's size, from the same pass.
      const recent: EndedExecutionRow[] = [];
      const { report, state } = await readStatus(request, env, view, (event) => {
        if (event.export !== name) return;
        recent.push({
          executionId: event.executionId ?? null,
          status: event.status ?? 'unknown',
          timestamp: event.timestamp,
          rowsExported: event.rowsExported ?? null,
          latencyMs: event.latencyMs ?? null,
          error: event.error ?? null,
        });
        if (recent.length > EXECUTIONS_LISTED) recent.shift();
      });
      const entry = state.exports[name];
      if (entry === undefined) return undefined;
      return exportPage(report, name, {
        definitionHash: entry.definitionHash,
        executions: recent,
        refreshSeconds: options.refreshSeconds,
        listHref: links.list,
      });
    },
  };
}
