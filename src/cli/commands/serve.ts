// `cxone-exports serve`: the receiver for CXone's completion callbacks, with /healthz and /metrics.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { AuditLog, readAuditLog } from '../../audit/audit-log.js';
import { runIdentity } from '../../audit/run-identity.js';
import { authEnabled } from '../../callbacks/callback-auth.js';
import { CallbackRecorder } from '../../callbacks/callback-recorder.js';
import { createCallbackServer } from '../../callbacks/callback-receiver.js';
import { ReceiverMetrics } from '../../callbacks/receiver-metrics.js';
import { isLoopbackHost } from '../../contract/callback-url.js';
import { UsageError } from '../../errors.js';
import { registerSecret } from '../../redaction.js';
import { openStateStore } from '../../state/open-state-store.js';
import type { CommandContext } from '../command-context.js';
import { lockTimeoutMs } from '../durations.js';
import { onInterrupt } from '../interrupts.js';
import type { InterruptSignal } from '../interrupts.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  tlsCert?: string;
  tlsKey?: string;
  insecureNoAuth?: boolean;
  lockTimeout?: string;
}

export async function serveCommand(ctx: CommandContext, options: ServeOptions): Promise<void> {
  const config = await ctx.config();
  const host = options.host ?? config.callbacks.host;
  const port = options.port ?? config.callbacks.port;
  const secrets = (ctx.env.CXONE_CALLBACK_SECRET ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const token = ctx.env.CXONE_CALLBACK_TOKEN === undefined || ctx.env.CXONE_CALLBACK_TOKEN === '' ? undefined : ctx.env.CXONE_CALLBACK_TOKEN;
  for (const secret of [...secrets, token]) registerSecret(secret);
  const auth = { secrets, token };
  if (!authEnabled(auth) && !isLoopbackHost(host) && options.insecureNoAuth !== true) {
    throw new UsageError(`refusing to listen on ${host} without callback authentication`, {
      hint: 'Set CXONE_CALLBACK_SECRET (HMAC; comma-separated for rotation) or CXONE_CALLBACK_TOKEN (?token=), listen on 127.0.0.1 behind a reverse proxy, or pass --insecure-no-auth if something else authenticates the callbacks.',
    });
  }
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together', { hint: 'Pass both files for HTTPS, or neither for plain HTTP behind a reverse proxy.' });
  const tls = options.tlsCert === undefined ? undefined : { cert: await readTlsFile(ctx, options.tlsCert, '--tls-cert'), key: await readTlsFile(ctx, options.tlsKey!, '--tls-key') };

  const auditPath = join(config.stateDir, 'audit.jsonl');
  const { log: audit } = await AuditLog.open(auditPath);
  const metrics = new ReceiverMetrics();
  metrics.seedFromAudit(await readAuditLog(auditPath));
  const recorder = new CallbackRecorder({ store: openStateStore(config, ctx.cwd), audit, identity: runIdentity(ctx.env, config.rootDir), metrics, lockTimeoutMs: lockTimeoutMs(options.lockTimeout ?? '30s') });
  const server = createCallbackServer({ path: config.callbacks.path, auth, recorder, metrics, log: (line) => ctx.logger.out(line), ...(tls === undefined ? {} : { tls }) });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new UsageError(`port ${port} on ${host} is already in use`, { hint: 'Pick another with --port, or stop what is listening there.' }) : error));
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const scheme = tls === undefined ? 'http' : 'https';
  const authText = secrets.length > 0 ? `HMAC with ${secrets.length} secret${secrets.length === 1 ? '' : 's'}${token === undefined ? '' : ' or ?token='}` : token !== undefined ? '?token=' : 'none (loopback only)';
  ctx.logger.warn(`cxone-exports serve: listening on ${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}${config.callbacks.path} (authentication: ${authText}); /healthz and /metrics too. Ctrl-C or SIGTERM stops it gracefully.`);

  const signal = await new Promise<InterruptSignal>((resolveSignal) => onInterrupt(resolveSignal));
  ctx.logger.warn(`${signal} received: no new connections; finishing the events in flight.`);
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  server.closeIdleConnections();
  await closed;
  await recorder.close();
  ctx.logger.warn(`Stopped. ${recorder.writes} state writes this run; the state log is folded into state.json.`);
}

async function readTlsFile(ctx: CommandContext, path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(resolve(ctx.cwd, path));
  } catch (error) {
    throw new UsageError(`${flag} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { hint: `Check the path given to ${flag}.` });
  }
}
