// Keeps the receiver's metrics in step with the audit log as other processes append to it: completions that
// `refresh` or `apply --wait` record show in /metrics at the next scrape, not after a restart. Only execution ends
// are followed; each execution counts once however often it is read. Refusals are the receiver's own and are
// counted as they happen.

import { stat } from 'node:fs/promises';
import { END_EVENTS } from '../audit/execution-ends.js';
import { scanAuditLog } from '../audit/scan-audit-log.js';
import type { ReceiverMetrics } from './receiver-metrics.js';

export class AuditFollower {
  private catching: Promise<void> | undefined;

  /** `offset`: where the start-up scan stopped. */
  constructor(
    private readonly path: string,
    private readonly metrics: ReceiverMetrics,
    private offset: number,
  ) {}

  /** Reads what was appended since the last call (one reader at a time). */
  catchUp(): Promise<void> {
    this.catching ??= this.read().finally(() => {
      this.catching = undefined;
    });
    return this.catching;
  }

  private async read(): Promise<void> {
    const size = await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    if (size === this.offset) return;
    // A shorter file was replaced (a checkout, a restore): read it again from the start; nothing counts twice.
    const from = size < this.offset ? 0 : this.offset;
    const scan = await scanAuditLog(this.path, {
      events: END_EVENTS,
      from,
      onEvent: (event) => this.metrics.recordExecution(event),
    });
    this.offset = scan.endOffset;
  }
}
