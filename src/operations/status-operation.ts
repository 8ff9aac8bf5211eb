// The status operation: the state and the execution ends among the audit events, read without the lock, judged
// at one instant (now, from the Clock, or the instant `status --at` names).

import { END_EVENTS, ExecutionEnds } from '../audit/execution-ends.js';
import type { Clock } from '../clock.js';
import type { AuditEvent } from '../audit/audit-event.js';
import type { State } from '../state/state-model.js';
import type { StateStore } from '../state/state-store.js';
import { statusReport } from '../status/status-report.js';
import type { StatusReport } from '../status/status-report.js';

export interface StatusRequest {
  /** How far back the window reaches from the instant judged at (`--since`); the whole audit log without it. */
  windowMs?: number;
  /** The instant to judge at, in ms since the epoch (`--at`); the Clock's now without it. */
  at?: number;
  /** `limits.staleGrace`. */
  staleGraceMs: number;
  /** The environment the state belongs to, shown in the report. */
  environment: string;
}

export interface StatusView {
  /** Lines of the audit log that are not events, left out of the figures. */
  damagedAuditLines(location: string, count: number): void;
  report(report: StatusReport): void;
}

export interface StatusEnvironment {
  store: Pick<StateStore, 'read' | 'scanEvents' | 'eventsLocation'>;
  clock: Clock;
}

export async function runStatus(request: StatusRequest, env: StatusEnvironment, view: StatusView): Promise<void> {
  view.report((await readStatus(request, env, view)).report);
}

/**
 * The status report, and the state it was made from, in one read of the state and one pass over the end events;
 * `alsoOnEnd` sees each end event of that pass too (the status page lists an export's own).
 */
export async function readStatus(
  request: StatusRequest,
  env: StatusEnvironment,
  view: Pick<StatusView, 'damagedAuditLines'>,
  alsoOnEnd?: (event: AuditEvent) => void,
): Promise<{ report: StatusReport; state: State }> {
  const at = new Date(request.at ?? env.clock.now());
  const since = request.windowMs === undefined ? null : new Date(at.getTime() - request.windowMs);
  const { state } = await env.store.read();
  const ends = new ExecutionEnds();
  const scan = await env.store.scanEvents({
    events: END_EVENTS,
    onEvent: (event) => {
      ends.add(event);
      alsoOnEnd?.(event);
    },
  });
  if (scan.badLines > 0) view.damagedAuditLines(env.store.eventsLocation, scan.badLines);
  // As of an instant named with --at, what ended after it had not ended yet.
  const window = { since, until: request.at === undefined ? null : at };
  const freshAt = { now: at, staleGraceMs: request.staleGraceMs };
  return { report: statusReport(state, ends.list(), window, freshAt, request.environment), state };
}
