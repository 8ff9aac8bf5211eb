// The status operation: the state and the execution ends among the audit events, read without the lock, judged
// at one instant (now, from the Clock, or the instant `status --at` names).

import { END_EVENTS, ExecutionEnds } from '../audit/execution-ends.js';
import type { Clock } from '../clock.js';
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
  const at = new Date(request.at ?? env.clock.now());
  const since = request.windowMs === undefined ? null : new Date(at.getTime() - request.windowMs);
  const { state } = await env.store.read();
  const ends = new ExecutionEnds();
  const scan = await env.store.scanEvents({ events: END_EVENTS, onEvent: (event) => ends.add(event) });
  if (scan.badLines > 0) view.damagedAuditLines(env.store.eventsLocation, scan.badLines);
  // As of an instant named with --at, what ended after it had not ended yet.
  const window = { since, until: request.at === undefined ? null : at };
  const freshAt = { now: at, staleGraceMs: request.staleGraceMs };
  view.report(statusReport(state, ends.list(), window, freshAt, request.environment));
}
