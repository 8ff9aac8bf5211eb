// Keeps the receiver's metrics in step with the stored events as other processes add to them: completions that
// `refresh` or `apply --wait` record show in /metrics at the next scrape, not after a restart. Only execution ends
// are followed; each execution counts once however often it is read. Refusals are the receiver's own and are
// counted as they happen.

import { END_EVENTS } from '../audit/execution-ends.js';
import type { AuditEventReader } from '../state/state-store.js';
import type { ReceiverMetrics } from './receiver-metrics.js';

export class AuditFollower {
  private catching: Promise<void> | undefined;

  /** `offset`: where the start-up scan stopped. */
  constructor(
    private readonly events: AuditEventReader,
    private readonly metrics: ReceiverMetrics,
    private offset: number,
  ) {}

  /** Reads what was stored since the last call (one reader at a time). */
  catchUp(): Promise<void> {
    this.catching ??= this.read().finally(() => {
      this.catching = undefined;
    });
    return this.catching;
  }

  private async read(): Promise<void> {
    const scan = await this.events.scanEvents({
      events: END_EVENTS,
      from: this.offset,
      onEvent: (event) => this.metrics.recordExecution(event),
    });
    this.offset = scan.endOffset;
  }
}
