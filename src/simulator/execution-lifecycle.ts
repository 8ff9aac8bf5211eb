// Runs simulated executions: queued -> running -> completed/failed after a time that grows with maxRows, then POSTs the
// completion callback (docs/design/cxone-contract.md §3), signed when a secret is set, and only to loopback addresses.

import { request } from 'node:http';
import type { Clock } from '../clock.js';
import { resolveLoopbackHost } from '../contract/callback-target.js';
import type { LoopbackTarget } from '../contract/callback-target.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signCallback } from '../contract/callback-signature.js';
import type { SimulatedExecution } from './sim-record.js';
import type { LifecycleSettings } from './simulator-options.js';

const CALLBACK_ATTEMPTS = 5;

export class ExecutionLifecycle {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deliveries = new Set<Promise<void>>();
  /** The scheduled end of each execution still under way, by id. */
  private readonly endings = new Map<string, () => void>();

  constructor(
    private readonly settings: () => LifecycleSettings,
    private readonly callbackSecret: string | undefined,
    private readonly random: () => number,
    private readonly clock: Clock,
  ) {}

  start(execution: SimulatedExecution, maxRows: number): void {
    const { minDurationMs, msPerMillionRows, failureRate, failingDataActions = [] } = this.settings();
    const duration = minDurationMs + (maxRows / 1_000_000) * msPerMillionRows;
    const fails = failingDataActions.includes(execution.dataActionId) || this.random() < failureRate;
    const rows = fails ? 0 : Math.floor(this.random() * maxRows) + 1;
    this.after(duration * 0.1, () => {
      if (execution.status !== 'queued') return;
      execution.status = 'running';
      execution.startTime = cxoneTime(this.clock);
    });
    const end = () => {
      if (!this.endings.delete(execution.executionId)) return;
      execution.startTime ??= cxoneTime(this.clock);
      execution.status = fails ? 'failed' : 'completed';
      execution.endTime = cxoneTime(this.clock);
      execution.rowsExported = rows;
      this.track(this.deliverCallback(execution));
    };
    this.endings.set(execution.executionId, end);
    this.after(duration, end);
  }

  /** Ends an execution now, as its scheduled end would (tests drive executions this way); false if it had ended. */
  finishNow(executionId: string): boolean {
    const end = this.endings.get(executionId);
    end?.();
    return end !== undefined;
  }

  /** Stops pending transitions and waits for callbacks already on their way. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.endings.clear();
    await Promise.allSettled([...this.deliveries]);
  }

  private after(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  private track(delivery: Promise<void>): void {
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  private async deliverCallback(execution: SimulatedExecution): Promise<void> {
    const url = execution.callbackUrl;
    if (url === undefined) return;
    const delivery = {
      url,
      attempts: 0,
      status: undefined as number | undefined,
      error: undefined as string | undefined,
      signed: this.callbackSecret !== undefined,
      skipped: undefined as string | undefined,
      settled: false,
    };
    execution.callback = delivery;
    const target = new URL(url);
    // The simulator never sends traffic off this machine: by the address the name resolves to, not the name.
    const resolved = target.protocol === 'http:' ? await resolveLoopbackHost(target.hostname) : undefined;
    if (resolved === undefined || 'problem' in resolved) {
      delivery.skipped = `not a loopback http address${resolved === undefined ? '' : `: ${resolved.problem}`}`;
      delivery.settled = true;
      return;
    }
    const body = JSON.stringify({
      executionId: execution.executionId,
      status: execution.status,
      rowsExported: execution.rowsExported,
      startTime: execution.startTime,
      endTime: execution.endTime,
    });
    for (let attempt = 1; attempt <= CALLBACK_ATTEMPTS; attempt++) {
      delivery.attempts = attempt;
      let pauseMs = 100 * 2 ** (attempt - 1);
      try {
        const answer = await this.post(target, resolved, body);
        delivery.status = answer.status;
        delivery.error = undefined;
        if (answer.status < 500) break;
        // Asked to come back later: as asked, within reason.
        if (answer.retryAfterSeconds !== undefined) pauseMs = Math.min(answer.retryAfterSeconds, 5) * 1000;
      } catch (error) {
        delivery.error = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      }
      if (attempt < CALLBACK_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    delivery.settled = true;
  }

  private post(
    target: URL,
    address: LoopbackTarget,
    body: string,
  ): Promise<{ status: number; retryAfterSeconds?: number }> {
    const headers: Record<string, string | number> = {
      Host: target.host,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    };
    if (this.callbackSecret !== undefined) {
      const timestamp = Math.floor(this.clock.now() / 1000);
      headers[TIMESTAMP_HEADER] = String(timestamp);
      headers[SIGNATURE_HEADER] = signCallback(this.callbackSecret, timestamp, body);
    }
    return new Promise((resolve, reject) => {
      const options = {
        // The address that was checked, with the URL's name as the Host header.
        host: address.address,
        family: address.family,
        port: target.port === '' ? 80 : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
        timeout: 5_000,
      };
      const req = request(options, (res) => {
        res.resume();
        const retryAfter = Number(res.headers['retry-after']);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(Number.isInteger(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
          }),
        );
      });
      req.on('timeout', () => req.destroy(new Error('callback timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** Now, as CXone writes times: RFC 3339 in UTC, to the whole second. */
function cxoneTime(clock: Clock): string {
  return new Date(Math.floor(clock.now())).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
