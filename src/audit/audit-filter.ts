// Which audit lines a reviewer asked for: by export (names or `*` patterns), dataset, event and time. A dataset
// is named on the lines that submitted to it; the later lines of those executions (their ends, anomalies)
// follow them in the log and are kept with them, so "what exported this dataset" comes with how it ended. Pure.

import type { AuditEvent, AuditEventName } from './audit-event.js';

export interface AuditFilter {
  exports?: readonly string[];
  datasets?: readonly string[];
  events?: readonly AuditEventName[];
  /** Epoch milliseconds, inclusive. */
  since?: number;
  /** Epoch milliseconds, exclusive. */
  until?: number;
}

export function filtersNothing(filter: AuditFilter): boolean {
  return (
    filter.exports === undefined &&
    filter.datasets === undefined &&
    filter.events === undefined &&
    filter.since === undefined &&
    filter.until === undefined
  );
}

/** A matcher for one pass over a log in order: it remembers the executions a dataset's submissions started. */
export function auditMatcher(filter: AuditFilter): (event: AuditEvent) => boolean {
  const names = filter.exports?.map(namePattern);
  const ofDataset = new Set<string>();
  return (event) => {
    const time = Date.parse(event.timestamp);
    if (filter.since !== undefined && !(time >= filter.since)) return false;
    if (filter.until !== undefined && !(time < filter.until)) return false;
    if (names !== undefined && !names.some((name) => name.test(event.export ?? ''))) return false;
    if (filter.datasets !== undefined) {
      const named = event.datasetId !== undefined && filter.datasets.includes(event.datasetId);
      const execution = event.executionId ?? undefined;
      if (named && execution !== undefined) ofDataset.add(execution);
      if (!named && (execution === undefined || !ofDataset.has(execution))) return false;
    }
    return filter.events === undefined || filter.events.includes(event.event);
  };
}

/** An export name, or a pattern where `*` stands for any characters. */
function namePattern(text: string): RegExp {
  const escaped = text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
