// `cxone-exports serve`: the receiver for CXone's completion callbacks, with /healthz and /metrics.

import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { stampEvent } from '../../audit/audit-event.js';
import { auditLogPath, damagedLinesWarning } from '../../audit/audit-log.js';
import { openAuditLogReportingRepair } from '../audit-repair.js';
import { runIdentity } from '../../audit/run-identity.js';
import { authEnabled } from '../../callbacks/callback-auth.js';
import { CallbackRecorder } from '../../callbacks/callback-recorder.js';
import { createCallbackServer } from '../../callbacks/callback-receiver.js';
import { ReceiverMetrics, seedMetricsFromAuditLog } from '../../callbacks/receiver-metrics.js';
import { AuditFollower } from '../../callbacks/audit-follower.js';
import { RejectionAudit } from '../../callbacks/rejection-audit.js';
import { isLoopbackHost } from '../../contract/callback-url.js';
import { UsageError } from '../../errors.js';
import { registerSecret } from '../../redaction.js';
import { openStateStore } from '../../state/open-state-store.js';
import type { CommandContext } from '../command-context.js';
import { formatDelay } from '../apply-progress.js';
import { lockTimeoutMs, parseDuration } from '../durations.js';
import { renderError } from '../render-error.js';
import { onInterrupt } from '../interrupts.js';
import type { InterruptSignal } from '../interrupts.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  tlsCert?: string;
  tlsKey?: string;
  insecureNoAuth?: boolean;
  lockTimeout?: string;
  shutdownTimeout?: string;
}

export async function serveCommand(ctx: CommandContext, options: ServeOptions): Promise<void> {
  const config = await ctx.config();
  const host = options.host ?? config.callbacks.host;
  const port = options.port ?? config.callbacks.port;
  const secrets = (ctx.env.CXONE_CALLBACK_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const token =
    ctx.env.CXONE_CALLBACK_TOKEN === undefined || ctx.env.CXONE_CALLBACK_TOKEN === ''
      ? undefined
      : ctx.env.CXONE_CALLBACK_TOKEN;
  for (const secret of [...secrets, token]) registerSecret(secret);
  const auth = { secrets, token };
  if (!authEnabled(auth) && !isLoopbackHost(host) && options.insecureNoAuth !== true) {
    throw new UsageError(`refusing to listen on ${host} without callback authentication`, {
      hint: 'Set CXONE_CALLBACK_SECRET (HMAC; comma-separated for rotation) or CXONE_CALLBACK_TOKEN (?token=), listen on 127.0.0.1 behind a reverse proxy, or pass --insecure-no-auth if something else authenticates the callbacks.',
    });
  }
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined))
    throw new UsageError('--tls-cert and --tls-key go together', {
      hint: 'Pass both files for HTTPS, or neither for plain HTTP behind a reverse proxy.',
    });
  const tls =
    options.tlsCert === undefined
      ? undefined
      : {
          cert: await readTlsFile(ctx, options.tlsCert, '--tls-cert'),
          key: await readTlsFile(ctx, options.tlsKey!, '--tls-key'),
        };

  const auditPath = auditLogPath(config.stateDir);
  const store = openStateStore(config, ctx.cwd);
  // Repaired before the metrics read it, so a torn line is moved aside (and reported) rather than skipped.
  await openAuditLogReportingRepair(store, ctx.logger);
  const metrics = new ReceiverMetrics();
  // Streamed: the counters start from an audit log of any size in bounded memory.
  const scan = await seedMetricsFromAuditLog(metrics, auditPath);
  if (scan.badLines > 0) ctx.logger.warn(damagedLinesWarning(relative(ctx.cwd, auditPath), scan.badLines));
  const identity = runIdentity(ctx.env, config.rootDir);
  const recorder = new CallbackRecorder({
    store,
    identity,
    metrics,
    lockTimeoutMs: lockTimeoutMs(options.lockTimeout ?? '30s'),
    onFailure: (error) =>
      ctx.logger.warn(
        JSON.stringify({
          time: new Date().toISOString(),
          level: 'error',
          message: 'callbacks could not be recorded; answering 500 so CXone retries',
          error: renderError(error, false).trim(),
        }),
      ),
  });
  const rejections = new RejectionAudit({
    store,
    metrics,
    event: (facts) => stampEvent(identity, new Date().toISOString(), facts),
  });
  const follower = new AuditFollower(auditPath, metrics, scan.endOffset);
  const server = createCallbackServer({
    path: config.callbacks.path,
    auth,
    recorder,
    rejections,
    metrics,
    beforeMetrics: () => follower.catchUp(),
    log: (line) => ctx.logger.out(line),
    ...(tls === undefined ? {} : { tls }),
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(`port ${port} on ${host} is already in use`, {
              hint: 'Pick another with --port, or stop what is listening there.',
            })
          : error,
      ),
    );
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const scheme = tls === undefined ? 'http' : 'https';
  const authText =
    secrets.length > 0
      ? `HMAC with ${secrets.length} secret${secrets.length === 1 ? '' : 's'}${token === undefined ? '' : ' or ?token='}`
      : token !== undefined
        ? '?token='
        : 'none (loopback only)';
  ctx.logger.warn(
    `cxone-exports serve: listening on ${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}${config.callbacks.path} (authentication: ${authText}); /healthz and /metrics too. Ctrl-C or SIGTERM stops it gracefully.`,
  );

  const signal = await new Promise<InterruptSignal>((resolveSignal) => onInterrupt(resolveSignal));
  const graceMs = parseDuration(options.shutdownTimeout ?? '10s', '--shutdown-timeout');
  ctx.logger.warn(
    `${signal} received: no new connections; finishing the events in flight (up to ${formatDelay(graceMs)}).`,
  );
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  server.closeIdleConnections();
  // A client that trickles its request must not hold the shutdown open: past the deadline its connection is
  // cut, and an event not yet recorded is not acknowledged (CXone delivers it again).
  const deadline = setTimeout(() => {
    ctx.logger.warn(
      `Shutdown deadline reached: closing the connections still open; their requests were not acknowledged.`,
    );
    server.closeAllConnections();
  }, graceMs);
  await closed;
  clearTimeout(deadline);
  await rejections.close();
  await recorder.close();
  ctx.logger.warn(`Stopped. ${recorder.writes} state writes this run; the state log is folded into state.json.`);
}

async function readTlsFile(ctx: CommandContext, path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(resolve(ctx.cwd, path));
  } catch (error) {
    throw new UsageError(`${flag} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: `Check the path given to ${flag}.`,
    });
  }
}
