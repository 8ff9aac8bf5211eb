// The receiver as an operation: open the audit events (repairing a torn line), seed the metrics from them,
// listen, record callbacks by group commit until told to stop, then drain within a deadline and fold the state.
// The command only resolves flags, secrets and TLS files, and picks the view.

import { statusPages } from './status-pages.js';
import { DEFAULT_ENVIRONMENT } from '../config/project-config.js';
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
import { mergeExpositions } from '../callbacks/merge-expositions.js';
import { RequestMetrics } from '../callbacks/request-metrics.js';
import { Registry } from 'prom-client';
import { ReceiverMetrics, seedMetricsFromAuditLog } from '../callbacks/receiver-metrics.js';
import { RejectionAudit } from '../callbacks/rejection-audit.js';
import { UsageError } from '../errors.js';
import { compactsState } from '../state/state-store.js';
import type { StateStore } from '../state/state-store.js';
import type { InterruptSignal, OnInterrupt } from './on-interrupt.js';
import { openAuditLog } from './state-access.js';
import type { StateAccessView } from './state-access.js';

/** One environment the receiver records callbacks for: its state, its path, its secrets, its identity. */
export interface ReceiveTenant {
  store: StateStore;
  path: string;
  auth: CallbackAuthSettings;
  identity: RunIdentity;
  /** How late a scheduled export's run may complete before /metrics calls it stale (`limits.staleGrace`). */
  staleGraceMs: number;
  /** Where people open the status page (`callbacks.pageUrl`), exposed for alert links. */
  pageUrl?: string;
}

export interface ReceiveRequest {
  host: string;
  port: number;
  /** The environments received for on this one listener (one, or a selection): each keeps its own state. */
  tenants: readonly ReceiveTenant[];
  /** --insecure-no-auth: something else authenticates the callbacks, so a listener beyond loopback may go without. */
  insecureNoAuth: boolean;
  tls?: { cert: Buffer; key: Buffer };
  /** How long an event batch waits for the state lock (apply may hold it). */
  lockTimeoutMs: number;
  /** On SIGTERM, how long requests in flight may take before their connections are cut. */
  shutdownTimeoutMs: number;
  /** Where /metrics goes: its own listener and token, weighed against the callback listener's host. */
  metrics: Omit<MetricsExposureSettings, 'callbackHost'>;
  /** `--public-status-page`: the status pages on the callback listener to anyone, without the token. */
  publicPages?: boolean;
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
  onInterrupt: OnInterrupt;
  clock: Clock;
}

/** What the receiver keeps for one environment while it runs. */
interface TenantReceiver {
  tenant: ReceiveTenant;
  metrics: ReceiverMetrics;
  recorder: CallbackRecorder;
  rejections: RejectionAudit;
  follower: AuditFollower;
}

export async function receiveCallbacks(
  request: ReceiveRequest,
  env: ReceiveEnvironment,
  view: ReceiveView,
): Promise<void> {
  // Decided before anything is opened: a refusal (a public listener without authentication, or public metrics
  // without a token) touches nothing. Every environment must be authenticated, each with its own secrets.
  for (const tenant of request.tenants)
    refuseUnauthenticatedListener(request.host, tenant.auth, request.insecureNoAuth);
  const exposure = metricsExposure({ callbackHost: request.host, ...request.metrics });
  const several = request.tenants.length > 1;
  const receivers: TenantReceiver[] = [];
  for (const tenant of request.tenants) receivers.push(await openTenant(tenant, { several, request, env, view }));
  // One histogram of requests for the listener; with one environment it is that environment's, as before.
  const requestRegistry = new Registry();
  const requests = several ? new RequestMetrics(requestRegistry) : receivers[0]!.metrics;
  const serverOptions = {
    routes: receivers.map(({ tenant, recorder, rejections }) => ({
      path: tenant.path,
      auth: tenant.auth,
      recorder,
      rejections,
    })),
    requests,
    renderMetrics: async () => {
      const rendered = await Promise.all(receivers.map((r) => r.metrics.render()));
      if (!several) return rendered[0]!;
      const texts = [...rendered.map((r) => r.body), await requestRegistry.metrics()];
      return { contentType: rendered[0]!.contentType, body: mergeExpositions(texts) };
    },
    beforeMetrics: async () => {
      for (const { tenant, metrics, follower } of receivers) {
        await follower.catchUp();
        metrics.updateFreshness((await tenant.store.read()).state, new Date(env.clock.now()), tenant.staleGraceMs);
      }
    },
    pages: receivers.map(({ tenant }) =>
      statusPages(tenant.store, {
        environment: tenant.identity.environment ?? DEFAULT_ENVIRONMENT,
        staleGraceMs: tenant.staleGraceMs,
        clock: env.clock,
        refreshSeconds: 60,
      }),
    ),
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
    metricsRoute: metricsRoute(exposure.onCallbackListener),
    ...(request.publicPages === true ? { publicPages: true } : {}),
  });
  const servers = [server];
  const callbackUrl = await listen(server, request.host, request.port, '--port');
  for (const path of new Set(request.tenants.map((tenant) => tenant.path))) view.listening(`${callbackUrl}${path}`);
  if (exposure.ownListener !== undefined) {
    const metricsServer = createCallbackServer({ ...serverOptions, routes: [], metricsRoute: metricsRoute(true) });
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
  for (const { rejections, recorder } of receivers) {
    await rejections.close();
    await recorder.close();
  }
  view.stopped(
    receivers.reduce((writes, r) => writes + r.recorder.writes, 0),
    receivers.some((r) => compactsState(r.tenant.store)),
  );
}

/** Opens one environment's state for receiving: its audit repaired, its metrics seeded, its recorder ready. */
async function openTenant(
  tenant: ReceiveTenant,
  {
    several,
    request,
    env,
    view,
  }: { several: boolean; request: ReceiveRequest; env: ReceiveEnvironment; view: ReceiveView },
): Promise<TenantReceiver> {
  const { store } = tenant;
  // Opened (and repaired) before the metrics read it, so a torn line is moved aside rather than skipped.
  await openAuditLog(store, view);
  const metrics = new ReceiverMetrics({
    environment: tenant.identity.environment,
    requests: !several,
    ...(tenant.pageUrl === undefined ? {} : { pageUrl: tenant.pageUrl }),
  });
  // Streamed: the counters start from an audit log of any size in bounded memory.
  const scan = await seedMetricsFromAuditLog(metrics, store);
  if (scan.badLines > 0) view.damagedEvents(store.eventsLocation, scan.badLines);
  const recorder = new CallbackRecorder({
    store,
    identity: tenant.identity,
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
    event: (facts) => stampEvent(tenant.identity, new Date(env.clock.now()).toISOString(), facts),
  });
  return { tenant, metrics, recorder, rejections, follower: new AuditFollower(store, metrics, scan.endOffset) };
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
