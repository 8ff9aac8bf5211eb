// Refused callbacks in the audit log, in bounded form. Anyone can send requests (and a sender with valid
// credentials can send callbacks for executions nobody knows), so one line each would let a flood fill the disk.
// Per reason and per window (a minute): the first refusal is written at once, with its source and detail; the
// rest are counted, and one summary line with the count and the first few sources closes the window (the
// detail is the first request's, so the summary leaves it out). The metrics count every refusal as it happens.

import type { Clock } from '../clock.js';
import type { AuditEvent, EventFacts } from '../audit/audit-event.js';
import type { StateStore } from '../state/state-store.js';
import type { ReceiverMetrics } from './receiver-metrics.js';

const MAX_SOURCES = 5;

interface Window {
  startedAt: number;
  /** Refusals after the first, not written yet. */
  count: number;
  sources: string[];
}

export interface RejectionAuditOptions {
  /** Where the lines go: the state's audit events. */
  store: Pick<StateStore, 'appendEvents'>;
  metrics: ReceiverMetrics;
  event: (facts: EventFacts) => AuditEvent;
  windowMs?: number;
  clock: Clock;
}

export class RejectionAudit {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: RejectionAuditOptions) {
    this.windowMs = options.windowMs ?? 60_000;
    this.timer = setInterval(() => void this.flush(false).catch(() => undefined), this.windowMs).unref();
  }

  /** Counts a refusal; writes a line only for the first of its reason in a window. */
  async reject(reason: string, source: string, detail: Record<string, unknown> = {}): Promise<void> {
    this.options.metrics.recordRejection(reason);
    const now = this.now();
    const open = this.windows.get(reason);
    if (open !== undefined && now - open.startedAt < this.windowMs) {
      open.count++;
      if (open.sources.length < MAX_SOURCES && !open.sources.includes(source)) open.sources.push(source);
      return;
    }
    // The map changes before any await, so concurrent refusals never open a window twice.
    this.windows.set(reason, { startedAt: now, count: 0, sources: [] });
    const first = this.options.event({
      event: 'callback.rejected',
      export: null,
      reason,
      count: 1,
      sources: [source],
      ...detail,
    });
    const closed = open === undefined ? undefined : this.summary(reason, open, now);
    await this.options.store.appendEvents(closed === undefined ? [first] : [closed, first]);
  }

  /** Writes the summary of every window (all of them on close, else only those that have ended). */
  async flush(all = true): Promise<void> {
    const now = this.now();
    const lines: AuditEvent[] = [];
    for (const [reason, window] of [...this.windows]) {
      if (!all && now - window.startedAt < this.windowMs) continue;
      this.windows.delete(reason);
      const line = this.summary(reason, window, now);
      if (line !== undefined) lines.push(line);
    }
    await this.options.store.appendEvents(lines);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true);
  }

  /** The line for a window's refusals after its first, or undefined when there were none. */
  private summary(reason: string, window: Window, now: number): AuditEvent | undefined {
    if (window.count === 0) return undefined;
    const until = new Date(Math.min(now, window.startedAt + this.windowMs)).toISOString();
    return this.options.event({
      event: 'callback.rejected',
      export: null,
      reason,
      count: window.count,
      sources: window.sources,
      until,
    });
  }

  private now(): number {
    return this.options.clock.now();
  }
}
