// The receiver's Prometheus metrics. They start from the audit log, so a restart does not reset them (the seed's
// metrics lived in memory and were lost on exit).

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RequestMetrics } from './request-metrics.js';
import type { RequestObserver } from './request-metrics.js';
import type { AuditEvent } from '../audit/audit-event.js';
import { END_EVENTS, ExecutionEnds } from '../audit/execution-ends.js';
import type { ScanSummary } from '../audit/scan-audit-log.js';
import type { State } from '../state/state-model.js';
import type { AuditEventReader } from '../state/state-store.js';
import { freshness, lastCompletion } from '../status/freshness.js';

const LATENCY_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

export class ReceiverMetrics implements RequestObserver {
  readonly registry = new Registry();
  /** Request durations, when this receiver has its listener to itself (a receiver of several has one of its own). */
  private readonly requests: RequestMetrics | undefined;

  /** Every series carries the receiver's `environment`, so one Prometheus can tell several receivers apart. */
  constructor(options: { environment?: string | undefined; requests?: boolean; pageUrl?: string } = {}) {
    if (options.environment !== undefined) this.registry.setDefaultLabels({ environment: options.environment });
    this.requests = options.requests === false ? undefined : new RequestMetrics(this.registry);
    // Where the status page is, for alert links (deploy/prometheus/alerts.yml builds …/exports/NAME from it).
    if (options.pageUrl !== undefined)
      new Gauge({
        name: 'cxone_exports_status_page_info',
        help: "Where people open serve's status page (callbacks.pageUrl); alert links are built from it.",
        labelNames: ['url'],
        registers: [this.registry],
      }).set({ url: options.pageUrl }, 1);
  }

  private readonly executions = new Counter({
    name: 'cxone_exports_executions_total',
    help: 'Finished executions recorded, by status.',
    labelNames: ['status'],
    registers: [this.registry],
  });
  private readonly completionRate = new Gauge({
    name: 'cxone_exports_completion_rate',
    help: 'Completed executions divided by finished executions (0 to 1).',
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'cxone_exports_execution_latency_seconds',
    help: 'Execution latency: endTime minus startTime.',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private readonly rows = new Counter({
    name: 'cxone_exports_rows_exported_total',
    help: 'Rows exported by recorded executions.',
    registers: [this.registry],
  });
  private readonly rejected = new Counter({
    name: 'cxone_exports_callbacks_rejected_total',
    help: 'Callbacks refused, by reason.',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly stateWrites = new Counter({
    name: 'cxone_exports_state_writes_total',
    help: 'State writes made by the receiver (one per group commit).',
    registers: [this.registry],
  });
  readonly recordFailures = new Counter({
    name: 'cxone_exports_record_failures_total',
    help: 'Callback batches that could not be recorded (the lock, the state, the disk or the database), answered 503.',
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: 'cxone_exports_last_success_timestamp_seconds',
    help: "When each export's last completed execution completed (Unix seconds).",
    labelNames: ['export'],
    registers: [this.registry],
  });
  private readonly nextRun = new Gauge({
    name: 'cxone_exports_next_run_timestamp_seconds',
    help: "Each scheduled export's next tick (Unix seconds).",
    labelNames: ['export'],
    registers: [this.registry],
  });
  private readonly stale = new Gauge({
    name: 'cxone_exports_stale',
    help: 'Scheduled exports whose data is stale (1) or fresh (0), as status says.',
    labelNames: ['export'],
    registers: [this.registry],
  });
  private completed = 0;
  private finished = 0;
  /** Executions already counted: each counts once, as `status` counts it, whatever was redelivered. */
  private readonly ends = new ExecutionEnds();

  /**
   * Counts one audit line at start-up: an execution's first end (the verdict `status` uses too), and every
   * rejection with its count. Fed by a streaming scan, so the log's size does not matter.
   */
  seedFromAudit(event: AuditEvent): void {
    if (event.event === 'callback.rejected') {
      this.rejected.inc({ reason: event.reason ?? 'unknown' }, event.count ?? 1);
      return;
    }
    this.recordExecution(event);
  }

  /** Counts an execution's end, unless that execution was counted before. */
  recordExecution(event: AuditEvent): void {
    if (!this.ends.add(event)) return;
    const status = event.status!;
    const rowsExported = event.rowsExported ?? null;
    const latencyMs = event.latencyMs ?? null;
    this.executions.inc({ status });
    this.finished++;
    if (status === 'completed') this.completed++;
    this.completionRate.set(this.completed / this.finished);
    if (rowsExported !== null) this.rows.inc(rowsExported);
    if (latencyMs !== null) this.latency.observe(latencyMs / 1000);
  }

  /** The freshness gauges as of `now`, from the state: set before each scrape, so removed exports drop out. */
  updateFreshness(state: State, now: Date, staleGraceMs: number): void {
    this.lastSuccess.reset();
    this.nextRun.reset();
    this.stale.reset();
    for (const [name, entry] of Object.entries(state.exports)) {
      const completedAt = lastCompletion(entry)?.completedAt;
      if (completedAt !== undefined) this.lastSuccess.set({ export: name }, Date.parse(completedAt) / 1000);
      const scheduled = freshness(entry, now, staleGraceMs);
      if (scheduled === undefined) continue;
      if (scheduled.nextTick !== null) this.nextRun.set({ export: name }, Date.parse(scheduled.nextTick) / 1000);
      this.stale.set({ export: name }, scheduled.stale ? 1 : 0);
    }
  }

  /** One request's duration, in the series of its method, route and status (on a receiver of one environment). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests?.observeRequest(method, route, status, seconds);
  }

  recordRejection(reason: string): void {
    this.rejected.inc({ reason });
  }

  /** The counts by reason (for tests and the audit summary). */
  async rejections(): Promise<Record<string, number>> {
    const values = (await this.rejected.get()).values;
    return Object.fromEntries(values.map((v) => [String(v.labels.reason), v.value]));
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Seeds `metrics` from the stored audit events, streamed: any size of log, in bounded memory. */
export function seedMetricsFromAuditLog(metrics: ReceiverMetrics, events: AuditEventReader): Promise<ScanSummary> {
  return events.scanEvents({
    events: [...END_EVENTS, 'callback.rejected'],
    onEvent: (event) => metrics.seedFromAudit(event),
  });
}
