// What `status` reports, computed from state and audit alone (pure): each export's last execution, and over a
// window the completion rate (completed ÷ finished, as the seed defines it), latency percentiles and counts.

import type { ExecutionEnd } from '../audit/execution-ends.js';
import type { State } from '../state/state-model.js';
import { freshness } from './freshness.js';
import type { Freshness } from './freshness.js';

export interface ExportStatusRow {
  name: string;
  executionId: string | null;
  status: string | null;
  submittedAt: string | null;
  completedAt: string | null;
  rowsExported: number | null;
  latencyMs: number | null;
  /** Impossible orderings, e.g. `completed-before-submitted` (CXone's clock and this machine's disagree). */
  flags?: string[];
  /** Scheduled exports: the ticks, the last completion, and whether the data is stale. */
  schedule?: Freshness;
}

export interface StatusReport {
  /** The environment the state belongs to (`default` for a config without environments). */
  environment: string;
  exports: ExportStatusRow[];
  /** The window the figures cover: from `since`, to `until` (an instant `status --at` named) or now. */
  window: { since: string | null; until: string | null };
  overall: {
    finished: number;
    completionRate: number | null;
    latencyMs: { p50: number | null; p95: number | null; max: number | null };
    byStatus: Record<string, number>;
    rowsExported: number;
  };
}

/**
 * `ends`: each execution's verdict from the audit log (see ExecutionEnds), filtered here to the window. `freshAt`:
 * the instant and the grace (`limits.staleGrace`) scheduled exports are judged at.
 */
export function statusReport(
  state: State,
  ends: readonly ExecutionEnd[],
  window: { since: Date | null; until: Date | null },
  freshAt: { now: Date; staleGraceMs: number },
  environment: string,
): StatusReport {
  const exports = Object.keys(state.exports)
    .sort()
    .map((name): ExportStatusRow => {
      const last = state.exports[name]!.lastExecution;
      const row: ExportStatusRow = {
        name,
        executionId: last?.executionId ?? null,
        status: last?.status ?? null,
        submittedAt: last?.submittedAt ?? null,
        completedAt: last?.completedAt ?? null,
        rowsExported: last?.rowsExported ?? null,
        latencyMs: last?.latencyMs ?? null,
      };
      // Whole-second times may read up to a second early; more than that is a clock or data problem worth seeing.
      if (
        row.submittedAt !== null &&
        row.completedAt !== null &&
        Date.parse(row.completedAt) < Date.parse(row.submittedAt) - 1000
      )
        row.flags = ['completed-before-submitted'];
      const scheduled = freshness(state.exports[name]!, freshAt.now, freshAt.staleGraceMs);
      if (scheduled !== undefined) row.schedule = scheduled;
      return row;
    });
  const { since, until } = window;
  const inWindow = ends.filter(
    (end) =>
      (since === null || Date.parse(end.timestamp) >= since.getTime()) &&
      (until === null || Date.parse(end.timestamp) <= until.getTime()),
  );
  const byStatus: Record<string, number> = {};
  const latencies: number[] = [];
  let rowsExported = 0;
  for (const event of inWindow) {
    byStatus[event.status!] = (byStatus[event.status!] ?? 0) + 1;
    if (typeof event.latencyMs === 'number') latencies.push(event.latencyMs);
    rowsExported += event.rowsExported ?? 0;
  }
  latencies.sort((a, b) => a - b);
  const finished = inWindow.length;
  return {
    environment,
    exports,
    window: { since: since?.toISOString() ?? null, until: until?.toISOString() ?? null },
    overall: {
      finished,
      completionRate: finished === 0 ? null : (byStatus.completed ?? 0) / finished,
      latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.at(-1) ?? null },
      byStatus,
      rowsExported,
    },
  };
}

/** Nearest-rank percentile. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
