// The receiver as an operation: open the audit events (repairing a torn line), seed the metrics from them,
// listen, record callbacks by group commit until told to stop, then drain within a deadline and fold the state.
// The command only resolves flags, secrets and TLS files, and picks the view.

import type { Server } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { stampEvent } from '../audit/audit-event.js';
import type { RunIdentity } from '../audit/audit-event.js';
import type { Clock } from '../clock.js';
import { refuseUnauthenticatedListener } from '../callbacks/callback-auth.js';
import type { CallbackAuthSettings } from '../callbacks/callback-auth.js';
import { CallbackRecorder } from '../callbacks/callback-recorder.js';
import { createCallbackServer } from '../callbacks/callback-receiver.js';
import { metricsExposure } from '../callbacks/metrics-exposure.js';
import type { MetricsExposureSettings } from '../callbacks/metrics-exposure.js';
import { AuditFollower } from '../callbacks/audit-follower.js';
import { ReceiverMetrics, seedMetricsFromAuditLog } from '../callbacks/receiver-metrics.js';
import { RejectionAudit } from '../callbacks/rejection-audit.js';
import { UsageError } from '../errors.js';
import { compactsState } from '../state/state-store.js';
import type { StateStore } from '../state/state-store.js';
import type { InterruptSignal, OnInterrupt } from './on-interrupt.js';
import { openAuditLog } from './state-access.js';
import type { StateAccessView } from './state-access.js';

export interface ReceiveRequest {
  host: string;
  port: number;
  path: string;
  auth: CallbackAuthSettings;
  /** --insecure-no-auth: something else authenticates the callbacks, so a listener beyond loopback may go without. */
  insecureNoAuth: boolean;
  tls?: { cert: Buffer; key: Buffer };
  /** How long an event batch waits for the state lock (apply may hold it). */
  lockTimeoutMs: number;
  /** On SIGTERM, how long requests in flight may take before their connections are cut. */
  shutdownTimeoutMs: number;
  identity: RunIdentity;
  /** How late a scheduled export's run may complete before /metrics calls it stale (`limits.staleGrace`). */
  staleGraceMs: number;
  /** Where /metrics goes: its own listener and token, weighed against the callback listener's host. */
  metrics: Omit<MetricsExposureSettings, 'callbackHost'>;
}

export interface ReceiveView extends Pick<StateAccessView, 'auditLogRepaired'> {
  /** Lines of the stored events that are not events (counted, not fatal). */
  damagedEvents(location: string, lines: number): void;
  listening(url: string): void;
  /** /metrics is on a listener of its own (`url`), on the callback listener (`callback`), or nowhere (`reason`). */
  metricsAt(where: { url: string } | { callback: true; token: boolean } | { reason: string }): void;
  /** One access log line per request. */
  request(line: string): void;
  /** A batch of callbacks could not be recorded; they were answered 503, so CXone retries. */
  recordFailed(error: unknown): void;
  stopping(signal: InterruptSignal, graceMs: number): void;
  shutdownDeadline(): void;
  /** `folded`: the backend's log of small changes was folded into its snapshot (the local files). */
  stopped(stateWrites: number, folded: boolean): void;
}

export interface ReceiveEnvironment {
  store: StateStore;
  onInterrupt: OnInterrupt;
  clock: Clock;
}

export async function receiveCallbacks(
  request: ReceiveRequest,
  env: ReceiveEnvironment,
  view: ReceiveView,
): Promise<void> {
  const { store } = env;
  // Decided before anything is opened: a refusal (a public listener without authentication, or public metrics
  // without a token) touches nothing.
  refuseUnauthenticatedListener(request.host, request.auth, request.insecureNoAuth);
  const exposure = metricsExposure({ callbackHost: request.host, ...request.metrics });
  // Opened (and repaired) before the metrics read it, so a torn line is moved aside rather than skipped.
  await openAuditLog(store, view);
  const metrics = new ReceiverMetrics({ environment: request.identity.environment });
  // Streamed: the counters start from an audit log of any size in bounded memory.
  const scan = await seedMetricsFromAuditLog(metrics, store);
  if (scan.badLines > 0) view.damagedEvents(store.eventsLocation, scan.badLines);
  const recorder = new CallbackRecorder({
    store,
    identity: request.identity,
    metrics,
    lockTimeoutMs: request.lockTimeoutMs,
    clock: env.clock,
    onFailure: (error) => view.recordFailed(error),
  });
  await recorder.prepare();
  const rejections = new RejectionAudit({
    store,
    metrics,
    clock: env.clock,
    event: (facts) => stampEvent(request.identity, new Date(env.clock.now()).toISOString(), facts),
  });
  const follower = new AuditFollower(store, metrics, scan.endOffset);
  const serverOptions = {
    auth: request.auth,
    recorder,
    rejections,
    metrics,
    beforeMetrics: async () => {
      await follower.catchUp();
      metrics.updateFreshness((await store.read()).state, new Date(env.clock.now()), request.staleGraceMs);
    },
    log: (line: string) => view.request(line),
    clock: env.clock,
    ...(request.tls === undefined ? {} : { tls: request.tls }),
  };
  const metricsRoute = (served: boolean) => ({
    served,
    ...(exposure.token === undefined ? {} : { token: exposure.token }),
  });
  const server = createCallbackServer({
    ...serverOptions,
    path: request.path,
    metricsRoute: metricsRoute(exposure.onCallbackListener),
  });
  const servers = [server];
  const callbackUrl = await listen(server, request.host, request.port, '--port');
  view.listening(`${callbackUrl}${request.path}`);
  if (exposure.ownListener !== undefined) {
    const metricsServer = createCallbackServer({ ...serverOptions, path: null, metricsRoute: metricsRoute(true) });
    servers.push(metricsServer);
    const { host, port } = exposure.ownListener;
    view.metricsAt({ url: `${await listen(metricsServer, host, port, '--metrics-port')}/metrics` });
  } else if (exposure.onCallbackListener) view.metricsAt({ callback: true, token: exposure.token !== undefined });
  else view.metricsAt({ reason: exposure.notServed! });

  // The shutdown has its own deadline; past it, and a little to settle, the process ends anyway.
  const signal = await new Promise<InterruptSignal>((resolveSignal) =>
    env.onInterrupt(resolveSignal, request.shutdownTimeoutMs),
  );
  view.stopping(signal, request.shutdownTimeoutMs);
  const closed = Promise.all(
    servers.map((each) => new Promise<void>((resolveClose) => each.close(() => resolveClose()))),
  );
  for (const each of servers) each.closeIdleConnections();
  // A client that trickles its request must not hold the shutdown open: past the deadline its connection is
  // cut, and an event not yet recorded is not acknowledged (CXone delivers it again).
  const deadline = setTimeout(() => {
    view.shutdownDeadline();
    for (const each of servers) each.closeAllConnections();
  }, request.shutdownTimeoutMs);
  await closed;
  clearTimeout(deadline);
  await rejections.close();
  await recorder.close();
  view.stopped(recorder.writes, compactsState(store));
}

/** Listens, and resolves with the base URL; a port in use is a usage error naming the flag that picks another. */
async function listen(server: Server, host: string, port: number, flag: string): Promise<string> {
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(`port ${port} on ${host} is already in use`, {
              hint: `Pick another with ${flag}, or stop what is listening there.`,
            })
          : error,
      ),
    );
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${server instanceof HttpsServer ? 'https' : 'http'}://${shown}:${address.port}`;
}
