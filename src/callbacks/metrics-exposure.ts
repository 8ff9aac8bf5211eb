// Where serve answers /metrics (and, later, its status page), decided by configuration alone: behind a reverse
// proxy every peer is loopback, so a peer's address proves nothing. A listener beyond loopback exposes only what
// it must: the callback path and /healthz. /metrics is on the callback listener while that listens on loopback
// or behind CXONE_METRICS_TOKEN; otherwise on a listener of its own (127.0.0.1 by default), or not at all.

import { isLoopbackHost } from '../contract/callback-url.js';
import { UsageError } from '../errors.js';

export interface MetricsExposureSettings {
  /** Where the callback listener listens. */
  callbackHost: string;
  /** serve's own listener for /metrics, when a port is given. */
  metricsHost: string;
  metricsPort?: number;
  /** A bearer token /metrics asks for wherever it is served (CXONE_METRICS_TOKEN). */
  token?: string;
}

export interface MetricsExposure {
  onCallbackListener: boolean;
  ownListener?: { host: string; port: number };
  token?: string;
  /** Why /metrics is served nowhere, for serve to say at start. */
  notServed?: string;
}

export function metricsExposure(settings: MetricsExposureSettings): MetricsExposure {
  const token = settings.token === undefined ? {} : { token: settings.token };
  if (settings.metricsPort !== undefined) {
    if (!isLoopbackHost(settings.metricsHost) && settings.token === undefined)
      throw new UsageError(`refusing to serve /metrics on ${settings.metricsHost} without a token`, {
        hint: 'Set CXONE_METRICS_TOKEN (Prometheus sends it as a bearer token), or leave --metrics-host at 127.0.0.1.',
      });
    return {
      onCallbackListener: false,
      ownListener: { host: settings.metricsHost, port: settings.metricsPort },
      ...token,
    };
  }
  if (isLoopbackHost(settings.callbackHost) || settings.token !== undefined)
    return { onCallbackListener: true, ...token };
  return {
    onCallbackListener: false,
    notServed: `/metrics is not served: callbacks listen on ${settings.callbackHost}, beyond loopback. Give it a listener of its own with --metrics-port (on 127.0.0.1), or set CXONE_METRICS_TOKEN to serve it there behind a bearer token.`,
  };
}
