// The receiver's request durations, by method, route and status: one histogram per listener, whichever
// environments its callbacks are recorded for.

import { Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

export interface RequestObserver {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

export class RequestMetrics implements RequestObserver {
  private readonly requestDuration: Histogram;
  /** The histogram's series, by method, route and status: found once, not hashed from labels per request. */
  private readonly requestSeries = new Map<string, { observe: (seconds: number) => void }>();

  constructor(registry: Registry) {
    this.requestDuration = new Histogram({
      name: 'cxone_exports_http_request_duration_seconds',
      help: 'Receiver request durations.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let series = this.requestSeries.get(key);
    if (series === undefined) {
      series = this.requestDuration.labels({ method, route, status: String(status) });
      this.requestSeries.set(key, series);
    }
    series.observe(seconds);
  }
}
